import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, unlinkSync, watch, type FSWatcher } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';
import { reportSuffix } from './hook-report.ts';

/** What one drain did: reports applied (written or confirmed), dropped (unreadable, ignored, no record). */
export interface DrainReport {
  applied: number;
  dropped: number;
}

/** Applies one report's content (parsed JSON, or undefined for a file that is not JSON); throws when it could not be written. */
export type ApplyReport = (content: unknown) => Promise<{ kind: 'applied' | 'unmatched' | 'ignored' }>;

/** How long a drain waits for another process's drain to finish before it gives up this turn (ms). */
const lockWaitMs = 5_000;

/**
 * The spool folder Claude Code's hook command writes its reports into (hook-report.ts), read in
 * order (file names sort by time) and emptied as each report is applied.
 *
 * Exactly once, in order: one process drains a folder at a time (an abstract Unix socket named
 * after it, released by the kernel if the process dies), and a file is deleted only after its
 * report was written to the database. A process that dies between the commit and the delete
 * leaves a report that applies again as a no-op (the activity it sets is already there).
 * A report that fails to apply stops the drain; it stays for the next one.
 */
export class HookSpool {
  readonly dir: string;
  readonly #logger: Logger;
  readonly #lockName: string;

  constructor(dir: string, logger: Logger) {
    this.dir = dir;
    this.#logger = logger;
    this.#lockName = `\0cc-bridge-hooks-${createHash('sha256').update(dir).digest('hex').slice(0, 32)}`;
  }

  /** The reports waiting, oldest first (file names). Empty when the folder does not exist. */
  pending(): string[] {
    try {
      return readdirSync(this.dir).filter((name) => name.endsWith(reportSuffix)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /**
   * Applies every waiting report in order and deletes each after it was applied. When another
   * process is draining, waits for it (up to 5 s), then drains what is left.
   */
  async drain(apply: ApplyReport): Promise<DrainReport> {
    const result: DrainReport = { applied: 0, dropped: 0 };
    if (this.pending().length === 0) return result;
    const lock = await this.#lock();
    if (lock === null) return result;
    try {
      for (const name of this.pending()) {
        const path = join(this.dir, name);
        let content: unknown;
        try {
          content = JSON.parse(readFileSync(path, 'utf8'));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
          content = undefined;
        }
        const outcome = await apply(content);
        if (outcome.kind === 'applied') result.applied += 1;
        else {
          result.dropped += 1;
          this.#logger.debug('hooks: a report was dropped', { file: name, outcome: outcome.kind });
        }
        unlinkSync(path);
      }
    } finally {
      await new Promise((resolve) => lock.close(resolve));
    }
    return result;
  }

  /**
   * Calls `onReport` when a file appears in the folder (made if missing), until `signal` aborts.
   * fs.watch can miss events (some file systems, a full queue): callers also drain on a timer.
   */
  watch(signal: AbortSignal, onReport: () => void): FSWatcher | null {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const watcher = watch(this.dir, { signal }, (_event, name) => {
        if (name === null || name.endsWith(reportSuffix)) onReport();
      });
      watcher.on('error', (error) => this.#logger.warn('hooks: watching the spool folder failed', { dir: this.dir, error: error.message }));
      return watcher;
    } catch (error) {
      this.#logger.warn('hooks: cannot watch the spool folder', { dir: this.dir, error: error instanceof Error ? error.message : String(error) });
      return null;
    }
  }

  async #lock(): Promise<Server | null> {
    const deadline = Date.now() + lockWaitMs;
    for (;;) {
      const server = await new Promise<Server | null>((resolve, reject) => {
        const candidate = createServer((socket) => socket.destroy());
        candidate.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(null) : reject(error)));
        candidate.listen(this.#lockName, () => resolve(candidate));
      });
      if (server !== null) {
        server.unref();
        return server;
      }
      if (Date.now() > deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
