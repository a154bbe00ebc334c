/** How long to wait between attempts to reach a source that went away. */
export interface BackoffOptions {
  /** The wait after the first failure (ms); each further failure doubles it. */
  initialMs: number;
  /** The longest wait (ms), jitter included. */
  maxMs: number;
  /**
   * The share of each wait taken off at random (0 to 1), so processes that lost the same Engine
   * do not all knock again at the same moment.
   */
  jitter: number;
}

/** Reconnects within 0.2 s after a drop and at least every 2 s during an outage, so an Engine back is followed again within ~2 s. */
export const defaultBackoff: BackoffOptions = { initialMs: 200, maxMs: 2_000, jitter: 0.2 };

/**
 * The wait (ms) before attempt `attempt + 1`: `initialMs · 2^attempt`, capped at `maxMs`, less up
 * to `jitter` of it at random. `random` returns a number in [0, 1), as Math.random does.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = defaultBackoff, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt));
  return Math.round(base * (1 - options.jitter * random()));
}

export interface ReconnectOptions<T> {
  /** Opens the feed; resolves once it listens (nothing after that is missed). Throws when the source cannot be reached. */
  connect(signal: AbortSignal): Promise<AsyncIterable<T>>;
  /** Each connection, before its first item: the time to close the gap since the last one. */
  onConnected(): void;
  onItem(item: T): void;
  /**
   * A connect failed: the source cannot be reached. Called once per outage (the first failure
   * after a connection or at the start), not on every attempt.
   */
  onUnreachable(error: unknown): void;
  /** The feed broke after it had connected; the loop knocks again after the first backoff. */
  onLost?(error: unknown): void;
  /** Ends the loop (it resolves; nothing is thrown). */
  signal: AbortSignal;
  backoff?: BackoffOptions;
  random?: () => number;
  /** A connection that lasted this long (ms) starts the backoff over; default `backoff.maxMs`. */
  stableMs?: number;
  now?: () => number;
}

/**
 * Follows a feed until `signal` aborts, connecting again after each failure with exponential
 * backoff (see backoffDelay). A connection that drops after `stableMs` is knocked on again after
 * the shortest wait; one that keeps dropping at once backs off as failed connects do. The
 * callbacks are called in order and must not throw (the follower queues its work).
 */
export async function followWithReconnect<T>(options: ReconnectOptions<T>): Promise<void> {
  const { signal } = options;
  const backoff = options.backoff ?? defaultBackoff;
  const stableMs = options.stableMs ?? backoff.maxMs;
  const now = options.now ?? Date.now;
  // A call, not the property: TypeScript would keep `aborted` narrowed to false across awaits.
  const isStopped = () => signal.aborted;
  let attempt = 0;
  let isUnreachable = false;
  while (!isStopped()) {
    let connectedAt: number | null = null;
    try {
      const items = await options.connect(signal);
      if (isStopped()) return;
      connectedAt = now();
      isUnreachable = false;
      options.onConnected();
      for await (const item of items) options.onItem(item);
      if (isStopped()) return;
      throw new Error('the feed ended');
    } catch (error) {
      if (isStopped()) return;
      if (connectedAt !== null) {
        options.onLost?.(error);
        if (now() - connectedAt >= stableMs) attempt = 0;
      } else if (!isUnreachable) {
        isUnreachable = true;
        options.onUnreachable(error);
      }
    }
    await wait(backoffDelay(attempt, backoff, options.random), signal);
    attempt += 1;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. Uses the global timers, so tests can fake them. */
export function wait(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
