import type { BulkResult, SerializedError, StatusChange } from '@cc-bridge/core';

// What the bulk actions answer, read from core's per-instance results (`manager.runBulk`): one
// entry per name, so one failure never hides the others' results.

export interface BulkFailure {
  name: string;
  error: SerializedError;
}

export interface BulkDeleteReport {
  deleted: string[];
  failed: BulkFailure[];
}

export interface BulkRefreshReport {
  /** Names whose runtime answered. */
  checked: string[];
  changed: StatusChange[];
  failed: BulkFailure[];
}

function failures(results: readonly BulkResult[]): BulkFailure[] {
  return results.flatMap(({ name, error }) => (error ? [{ name, error }] : []));
}

export function toBulkDeleteReport(results: readonly BulkResult[]): BulkDeleteReport {
  return { deleted: results.flatMap(({ name, ok }) => (ok ? [name] : [])), failed: failures(results) };
}

/** A runtime that could not be asked leaves the status `unknown`: that name is failed and, if it read otherwise before, changed. */
export function toBulkRefreshReport(results: readonly BulkResult[]): BulkRefreshReport {
  const changed = results.flatMap(({ name, status, statusBefore }) =>
    status !== null && statusBefore !== null && status !== statusBefore ? [{ name, from: statusBefore, to: status }] : [],
  );
  return { checked: results.flatMap(({ name, ok }) => (ok ? [name] : [])), changed, failed: failures(results) };
}
