/** A piece of async work run on request, never twice at once, and not more often than asked. */
export interface Coalescer {
  /** Asks for a run; requests made before that run starts fold into it. */
  request(): void;
  /** Resolves once no run is waiting or under way. */
  idle(): Promise<void>;
  /** No run starts after this (one under way finishes; idle() waits for it). */
  stop(): void;
}

export interface CoalescerOptions {
  /** The least time (ms) from the start of one run to the start of the next. */
  minIntervalMs: number;
  /** Hears a run's failure; later requests still run. */
  onError: (error: unknown) => void;
  /** The clock (ms); Date.now unless a test gives its own. */
  now?: () => number;
}

/**
 * Folds a burst of requests into as few runs of `run` as the interval allows: the first request
 * runs at once (or when `minIntervalMs` has passed since the last start), requests while a run
 * waits or works ask for one more run after it. `instances watch` re-reads the list this way, so a
 * burst of registry changes costs one or two reads instead of one each. (Throttle libraries
 * such as p-throttle queue every call, or, like throttle-debounce, do not wait for async work:
 * neither gives "at most one run in flight, at most one more pending".)
 */
export function createCoalescer(run: () => Promise<void>, options: CoalescerOptions): Coalescer {
  const now = options.now ?? Date.now;
  let lastStart = Number.NEGATIVE_INFINITY;
  let isWanted = false;
  let isStopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  const settled: (() => void)[] = [];

  const settle = () => {
    if (running !== null || timer !== null || (isWanted && !isStopped)) return;
    for (const resolve of settled.splice(0)) resolve();
  };

  const start = () => {
    timer = null;
    if (isStopped || !isWanted) {
      settle();
      return;
    }
    isWanted = false;
    lastStart = now();
    running = run()
      .catch(options.onError)
      .finally(() => {
        running = null;
        schedule();
      });
  };

  const schedule = () => {
    if (running !== null || timer !== null) return;
    if (!isWanted || isStopped) {
      settle();
      return;
    }
    timer = setTimeout(start, Math.max(0, lastStart + options.minIntervalMs - now()));
  };

  return {
    request() {
      if (isStopped) return;
      isWanted = true;
      schedule();
    },
    idle() {
      return new Promise((resolve) => {
        settled.push(resolve);
        settle();
      });
    },
    stop() {
      isStopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      settle();
    },
  };
}
