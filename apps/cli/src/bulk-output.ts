import type { BulkResult } from '@cc-bridge/core';
import type { Io } from './io.ts';
import { toJsonDocument } from './format.ts';

/** What `--json` prints for one name of several: `{ name, ok, status, error }`. */
export function bulkResultToJson({ name, ok, status, error }: BulkResult) {
  return { name, ok, status, error };
}

/**
 * Prints a bulk operation's results: one JSON array, or a line per name (`done` words a success),
 * successes on stdout and failures on stderr. True when every name succeeded.
 */
export function printBulkResults(io: Io, results: readonly BulkResult[], isJson: boolean, done: (result: BulkResult) => string): boolean {
  if (isJson) {
    io.out(toJsonDocument(results.map(bulkResultToJson)));
  } else {
    for (const result of results) {
      if (result.ok) io.out(`${done(result)}\n`);
      else io.err(`${result.name}: ${result.status === null ? '' : `${result.status}; `}${result.error?.message ?? 'failed'}\n`);
    }
  }
  return results.every((result) => result.ok);
}
