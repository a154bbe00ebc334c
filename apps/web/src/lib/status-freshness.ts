import type { InstanceManager, RefreshReport } from '@cc-bridge/core';

// TEMPORARY (issue 7): core's status policy (`ensureFreshStatuses()`, branch issue-7-manager) is
// to replace this file. This is the ONE place the web app decides how fresh listed statuses are;
// point it at core's version when that lands, and delete the rest.

interface Refresh {
  startedAt: number;
  isSettled: boolean;
  done: Promise<RefreshReport>;
}

// Per server process, beside the registry (dev-mode HMR re-evaluates modules).
const store = globalThis as typeof globalThis & { ccBridgeLastRefresh?: Refresh };

/**
 * Makes sure every record's stored status was asked of its runtime at most `maxAgeMs` ago (ms),
 * so a list shows no status older than that. Single-flight: callers that arrive while a refresh
 * runs wait for that one, and a refresh that started less than `maxAgeMs` ago answers without
 * asking again, so any number of open pages cost one `tmux list-panes -a` and one container list
 * per interval. Age counts from a refresh's start, since that is when the runtimes were asked.
 * Runtime outages are in the report (core marks those records `unknown`); a database error
 * rejects, and the next call tries again.
 */
export function ensureFreshStatuses(manager: Pick<InstanceManager, 'refreshStatuses'>, maxAgeMs: number, now: () => number = Date.now): Promise<RefreshReport> {
  const last = store.ccBridgeLastRefresh;
  // A refresh still running is joined whatever its age: a second one would ask the same runtimes.
  if (last && (!last.isSettled || now() - last.startedAt < maxAgeMs)) return last.done;
  const refresh: Refresh = { startedAt: now(), isSettled: false, done: manager.refreshStatuses() };
  store.ccBridgeLastRefresh = refresh;
  refresh.done.then(
    () => {
      refresh.isSettled = true;
    },
    () => {
      // A failed refresh is not an answer to reuse.
      if (store.ccBridgeLastRefresh === refresh) store.ccBridgeLastRefresh = undefined;
    },
  );
  return refresh.done;
}
