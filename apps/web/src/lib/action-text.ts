import type { BulkResult } from '@cc-bridge/core';
import { errorSentence } from './error-messages';

export type InstanceActionKind = 'start' | 'stop' | 'restart';

export const actionWords: Record<InstanceActionKind, { label: string; running: string; done: string }> = {
  start: { label: 'Start', running: 'Starting', done: 'started' },
  stop: { label: 'Stop', running: 'Stopping', done: 'stopped' },
  restart: { label: 'Restart', running: 'Restarting', done: 'restarted' },
};

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
