import type { RefreshReport } from '../reports.ts';
import type { RegistryContext } from './context.ts';
import type { Statuses } from './status.ts';
import type { StatusState } from './status-state.ts';

/** How old (ms) a runtime status may be before a read refreshes it, when the manager is not told. */
export const defaultStatusMaxAgeMs = 2_000;

/**
 * The one rule for how old a runtime status a read may show: older than `maxAgeMs` (the
 * manager's `statusCacheMs`, the same bound the single-record cache keeps), the read refreshes
 * every record first. Concurrent readers share one refresh.
 */
export class StatusPolicy {
  readonly #context: RegistryContext;
  readonly #statuses: Statuses;
  readonly #state: StatusState;
  #refreshing: Promise<RefreshReport> | null = null;

  constructor(context: RegistryContext, statuses: Statuses, state: StatusState) {
    this.#context = context;
    this.#statuses = statuses;
    this.#state = state;
  }

  /** How old (ms) a status may be before `ensureFreshStatuses` refreshes. */
  get maxAgeMs(): number {
    return this.#state.cacheMs;
  }

  /**
   * Makes every stored status at most `maxAgeMs` old: when the last full refresh (by anyone in
   * this process, `refreshStatuses` included) asked the runtimes longer ago than that, runs
   * `refreshStatuses` — or joins the one already running, so many readers at once make one
   * refresh (single flight). Answers that refresh's report, or null when the statuses were fresh.
   * A runtime that cannot be asked is in the report's errors, as with `refreshStatuses`; a
   * database failure is thrown to every caller sharing the refresh, and the next call tries again.
   */
  async ensureFreshStatuses(): Promise<RefreshReport | null> {
    const last = this.#state.lastFullRefreshAt;
    if (last && this.#context.now().getTime() - last.getTime() < this.maxAgeMs) return null;
    this.#refreshing ??= this.#statuses.refreshStatuses().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }
}
