import { CcBridgeError, isCcBridgeError, serializeError, type SerializedError } from '../errors.ts';
import type { InstanceStatus } from '../instance.ts';
import type { Logger } from '../logger.ts';
import { isNoAnswer } from '../runtimes/bounds.ts';
import { runtimeOfKey, type RuntimeKey, type Runtimes } from '../runtimes/runtimes.ts';

/** Where a runtime's failures are written (an array, or one that also keeps them apart by runtime). */
export interface ErrorSink {
  push(error: SerializedError): unknown;
}

export interface StatusStateOptions {
  logger: Logger;
  /** How long (ms) a probed status answers `getInstanceStatus` without asking the runtime again. */
  statusCacheMs: number;
  /** How long (ms) a runtime that did not answer in time is not asked again. */
  noAnswerRetryMs: number;
  /** A Docker configuration that cannot be used: warned once now, and the Docker outage counts from now. */
  dockerConfigError?: CcBridgeError | null;
  /** Whose words the outage messages use (`Runtime.label`). */
  runtimes: Runtimes;
}

/**
 * What the registry remembers between calls about the runtimes: the short status cache and the
 * outage tracking. One object, shared by the status, discovery and removal modules, so an outage
 * seen by one is known to the others (one warning per outage, one wait per silent runtime).
 */
export class StatusState {
  /** Each record's last probed status (by record id) and when it was probed. */
  readonly cache = new Map<string, { status: InstanceStatus; checkedAt: Date }>();
  readonly cacheMs: number;
  /** When the last refresh of every record asked the runtimes; null before the first. */
  lastFullRefreshAt: Date | null = null;
  readonly #logger: Logger;
  /** Runtimes (by key: tmux, each Docker host) whose last call failed: an outage is logged when it starts and ends, not on every refresh. */
  readonly #failing = new Set<RuntimeKey>();
  /** Runtimes whose last call got no answer in time, with that error and when it came. */
  readonly #unanswered = new Map<RuntimeKey, { error: CcBridgeError; at: number }>();
  readonly #noAnswerRetryMs: number;
  readonly #runtimes: Runtimes;

  constructor(options: StatusStateOptions) {
    this.#logger = options.logger;
    this.#runtimes = options.runtimes;
    this.cacheMs = options.statusCacheMs;
    this.#noAnswerRetryMs = options.noAnswerRetryMs;
    if (options.dockerConfigError) {
      this.#logger.warn(`${options.dockerConfigError.message}. Docker cannot be used until this is fixed; tmux instances work as usual`);
      this.#failing.add('docker');
    }
  }

  /**
   * A runtime call whose expected failure goes into `errors` (as null) instead of throwing. A
   * runtime that just failed to answer in time is not asked again for `noAnswerRetryMs`: its
   * error answers at once, so a command that asks twice (discovery, then statuses) waits once.
   */
  async ask<T>(runtime: RuntimeKey, call: () => Promise<T>, errors: ErrorSink): Promise<T | null> {
    const silence = this.#unanswered.get(runtime);
    if (silence && Date.now() - silence.at < this.#noAnswerRetryMs) return this.failed(runtime, silence.error, errors);
    let result: T;
    try {
      result = await call();
    } catch (error) {
      return this.failed(runtime, error, errors);
    }
    this.#unanswered.delete(runtime);
    if (this.#failing.delete(runtime)) this.#logger.info(`${runtimeOfKey(this.#runtimes, runtime).label} answers again`);
    return result;
  }

  /**
   * The runtime answered outside `ask` (the Engine's event stream connected): a silence
   * remembered from a call that timed out no longer answers for it. The outage itself ends, with
   * its log line, at the next call that succeeds.
   */
  heard(runtime: RuntimeKey): void {
    this.#unanswered.delete(runtime);
  }

  /**
   * The error of a runtime that did not answer in time less than `noAnswerRetryMs` ago, or null.
   * An action fails with it at once instead of waiting out the bound again for every record.
   */
  silence(runtime: RuntimeKey): CcBridgeError | null {
    const silence = this.#unanswered.get(runtime);
    return silence && Date.now() - silence.at < this.#noAnswerRetryMs ? silence.error : null;
  }

  /** Records a runtime's failure (a CcBridgeError; anything else is thrown) in `errors` and the outage tracking. */
  failed(runtime: RuntimeKey, error: unknown, errors: ErrorSink): null {
    if (!isCcBridgeError(error)) throw error;
    if (!this.#failing.has(runtime)) this.#logger.warn(error.message);
    this.#failing.add(runtime);
    if (isNoAnswer(error) && !this.#unanswered.has(runtime)) this.#unanswered.set(runtime, { error, at: Date.now() });
    errors.push(serializeError(error));
    return null;
  }
}
