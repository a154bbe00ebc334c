import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.ts';
import { changesChannel, decodeChangePayload, mergeChanges, type Change } from './payload.ts';

/**
 * Just what the feed needs of a connection: `pg.Client` has it, connected to a PostgreSQL server
 * or to the embedded database's owner (whose socket server delivers notifications the same way).
 */
export interface ListenConnection {
  connect(): Promise<unknown>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string | undefined }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
}

export interface ChangeFeedOptions {
  /** A new, unconnected connection to the registry's database (one at a time is used). */
  newConnection: () => ListenConnection;
  logger: Logger;
  /** The first wait before connecting again after a failure (ms); doubles up to `maxBackoffMs`. */
  minBackoffMs?: number;
  /** The longest wait between attempts (ms). */
  maxBackoffMs?: number;
}

export interface WatchOptions {
  /** Ends the iteration (it returns, it does not throw) when aborted. */
  signal?: AbortSignal;
}

interface Watcher {
  pending: Change | null;
  wake: (() => void) | null;
  isEnded: boolean;
}

/**
 * Changes to the registry made by any process (this one, the CLI in another shell, another
 * dashboard on the same PostgreSQL), from one LISTEN connection per feed shared by all its
 * watchers. The connection is open only while someone watches, so an idle process holds none.
 * If it drops, the feed connects again with backoff and tells every watcher `{ all: true,
 * reason: 'reconnected' }`, since notifications sent meanwhile are lost.
 */
export class ChangeFeed {
  readonly #options: Required<ChangeFeedOptions>;
  readonly #watchers = new Set<Watcher>();
  readonly #onWatchers = new Set<(count: number) => void>();
  #isListening = false;
  #loop: Promise<void> | null = null;
  #stopLoop: AbortController | null = null;
  #isClosed = false;

  constructor(options: ChangeFeedOptions) {
    this.#options = { minBackoffMs: 100, maxBackoffMs: 5_000, ...options };
  }

  /** How many iterations of watch() are running now. */
  get watchers(): number {
    return this.#watchers.size;
  }

  /** Calls `listener` with the number of watchers whenever it changes; returns the unsubscribe. */
  onWatchers(listener: (count: number) => void): () => void {
    this.#onWatchers.add(listener);
    return () => this.#onWatchers.delete(listener);
  }

  /**
   * The changes from now on, as an AsyncIterable. The first item is `{ all: true, reason:
   * 'connected' }`, once the feed listens: a watcher reads what it shows after that (or reloads
   * then), so no change falls between its read and the feed. A watcher that reads slowly gets
   * the changes since its last read folded into one (see mergeChanges). Ends when `signal`
   * aborts or the feed is closed; never throws for a lost connection (it reconnects).
   */
  async *watch(options: WatchOptions = {}): AsyncGenerator<Change, void, undefined> {
    const { signal } = options;
    if (this.#isClosed || signal?.aborted) return;
    const watcher: Watcher = { pending: null, wake: null, isEnded: false };
    const onAbort = () => this.#end(watcher);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#add(watcher);
    try {
      while (true) {
        if (watcher.pending === null && !watcher.isEnded) await new Promise<void>((resolve) => (watcher.wake = resolve));
        if (watcher.isEnded) return;
        const change = watcher.pending;
        watcher.pending = null;
        if (change) yield change;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.#remove(watcher);
    }
  }

  /** Ends every watch() and closes the connection. */
  async close(): Promise<void> {
    this.#isClosed = true;
    for (const watcher of this.#watchers) this.#end(watcher);
    this.#stopLoop?.abort();
    await this.#loop;
  }

  #add(watcher: Watcher): void {
    this.#watchers.add(watcher);
    this.#tellWatchers();
    if (this.#isListening) this.#deliver(watcher, { all: true, reason: 'connected' });
    this.#ensureLoop();
  }

  #ensureLoop(): void {
    if (this.#loop || this.#isClosed) return;
    const stop = new AbortController();
    this.#stopLoop = stop;
    this.#loop = this.#run(stop.signal).finally(() => {
      this.#loop = null;
      this.#stopLoop = null;
      // A watcher that came while the loop was stopping needs a new one.
      if (this.#watchers.size > 0) this.#ensureLoop();
    });
  }

  #remove(watcher: Watcher): void {
    if (!this.#watchers.delete(watcher)) return;
    this.#tellWatchers();
    // Nobody watches: close the connection (a detached database owner may then idle out).
    if (this.#watchers.size === 0) this.#stopLoop?.abort();
  }

  #end(watcher: Watcher): void {
    watcher.isEnded = true;
    watcher.wake?.();
    watcher.wake = null;
  }

  #deliver(watcher: Watcher, change: Change): void {
    watcher.pending = mergeChanges(watcher.pending, change);
    watcher.wake?.();
    watcher.wake = null;
  }

  #broadcast(change: Change): void {
    for (const watcher of this.#watchers) this.#deliver(watcher, change);
  }

  #tellWatchers(): void {
    for (const listener of this.#onWatchers) listener(this.#watchers.size);
  }

  /** Connects, listens, and holds the connection until `stop` aborts; reconnects when it drops. */
  async #run(stop: AbortSignal): Promise<void> {
    const { logger, minBackoffMs, maxBackoffMs } = this.#options;
    let backoffMs = minBackoffMs;
    let hasListened = false;
    let failures = 0;
    const stopped = new Promise<'stopped'>((resolve) => stop.addEventListener('abort', () => resolve('stopped'), { once: true }));
    while (!stop.aborted) {
      const connection = this.#options.newConnection();
      const lost = new Promise<Error>((resolve) => {
        connection.on('error', resolve);
        connection.on('end', () => resolve(new Error('the connection ended')));
      });
      connection.on('notification', (message) => {
        if (message.channel === changesChannel) this.#broadcast(decodeChangePayload(message.payload));
      });
      let failure: Error | 'stopped';
      try {
        const listening = connection.connect().then(() => connection.query(`LISTEN ${changesChannel}`));
        // A connect that never answers is cut by `lost` or `stop`; its rejection is then ignored.
        listening.catch(() => undefined);
        const first = await Promise.race([listening.then(() => null), lost, stopped]);
        if (first === null) {
          this.#isListening = true;
          if (failures > 0) logger.info('listening for registry changes again', { afterFailures: failures });
          failures = 0;
          backoffMs = minBackoffMs;
          this.#broadcast({ all: true, reason: hasListened ? 'reconnected' : 'connected' });
          hasListened = true;
          failure = await Promise.race([lost, stopped]);
        } else {
          failure = first;
        }
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      } finally {
        this.#isListening = false;
        // end() on a broken connection rejects or never settles: do not wait on it for long.
        await Promise.race([connection.end().catch(() => undefined), sleep(1_000, undefined, { ref: false })]);
      }
      if (failure === 'stopped') return;
      failures += 1;
      // One warning per outage, then quiet retries.
      if (failures === 1) logger.warn('lost the registry change feed; reconnecting', { error: failure.message });
      else logger.debug('registry change feed still unavailable', { error: failure.message, failures });
      await sleep(backoffMs + Math.random() * backoffMs * 0.2, undefined, { signal: stop }).catch(() => undefined);
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
    }
  }
}
