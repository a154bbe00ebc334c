import { isCcBridgeError, serializeError, type SerializedError, type StatusChange } from '@cc-bridge/core';
import { getServerLogger } from './bridge';

// What the bulk actions answer: one entry per name, so one failure never hides the others' results.

export interface BulkFailure {
  name: string;
  error: SerializedError;
}

export interface BulkDeleteReport {
  deleted: string[];
  failed: BulkFailure[];
}

export interface BulkRefreshReport {
  /** Names whose runtime answered (or whose stored status stood when it could not be asked). */
  checked: string[];
  changed: StatusChange[];
  failed: BulkFailure[];
}

/**
 * Whatever one name threw becomes that name's failure, so the names after it still get their turn.
 * Errors core did not throw on purpose are logged here, as safe-action does for whole actions.
 */
export function failureOf(name: string, error: unknown): BulkFailure {
  if (!isCcBridgeError(error)) {
    getServerLogger().error('bulk action failed for one instance', {
      name,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
  return { name, error: serializeError(error) };
}
