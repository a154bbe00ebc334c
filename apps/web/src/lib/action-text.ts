import type { BulkResult, InstanceStatus } from '@cc-bridge/core';
import { errorSentence } from './error-messages';

export type InstanceActionKind = 'start' | 'stop' | 'restart';

export const actionWords: Record<InstanceActionKind, { label: string; running: string; done: string }> = {
  start: { label: 'Start', running: 'Starting', done: 'started' },
  stop: { label: 'Stop', running: 'Stopping', done: 'stopped' },
  restart: { label: 'Restart', running: 'Restarting', done: 'restarted' },
};

/**
 * The actions a table row offers for a record's status: Start for one that is not running, Stop
 * and Restart for one that is, all three when the runtime could not be asked (`unknown`) or the
 * record is in `error`, so a stale status never hides the action that is needed. The server takes
 * any action on any record; this only keeps the row short.
 */
export function rowActionsFor(status: InstanceStatus): InstanceActionKind[] {
  if (status === 'running') return ['stop', 'restart'];
  if (status === 'created' || status === 'stopped') return ['start'];
  return ['start', 'stop', 'restart'];
}

export function instancesNoun(count: number): string {
  return `${count} ${count === 1 ? 'instance' : 'instances'}`;
}

/** One line per record: what it is now, or why it failed. */
export function describeResult(result: BulkResult): string {
  if (result.error) return errorSentence(result.error);
  return result.status === null ? 'no such instance' : `now ${result.status}`;
}

/** The toast or results heading for a finished run: "Stopped 9 of 12 instances; 3 failed". */
export function describeActionResults(kind: InstanceActionKind, results: readonly BulkResult[]): { title: string; failed: number } {
  const failed = results.filter((result) => !result.ok).length;
  const done = results.length - failed;
  const verb = actionWords[kind].done;
  const capitalised = `${verb.charAt(0).toUpperCase()}${verb.slice(1)}`;
  if (results.length === 0) return { title: 'Nothing matched: no instance was touched', failed };
  if (failed === 0) return { title: `${capitalised} ${instancesNoun(done)}`, failed };
  if (done === 0) return { title: `${failed} failed: none ${verb}`, failed };
  return { title: `${capitalised} ${done} of ${instancesNoun(results.length)}; ${failed} failed`, failed };
}
