// What `instances watch` shows, as text: pure, so it is tested without a terminal.
import type { ListInstancesResult, LiveState } from '@cc-bridge/core';
import { instanceStatuses } from '@cc-bridge/core/schemas';
import cliTruncate from 'cli-truncate';
import { emptyListMessage, formatClockTime, formatInstanceTable } from './format.ts';

export interface WatchView {
  /** The last read of the list; null until the first one. */
  result: ListInstancesResult | null;
  /** When the last change of the registry arrived; null: none since the watch began. */
  lastChangeAt: Date | null;
  /** When the watch began. */
  startedAt: Date;
  live: LiveState;
  now: Date;
}

/** A terminal's size in characters. */
export interface ScreenSize {
  columns: number;
  rows: number;
}

const dockerWords: Record<LiveState['docker'], string> = {
  off: 'docker off',
  disabled: 'docker disabled',
  connecting: 'docker connecting',
  following: 'docker following',
  unreachable: 'docker unreachable, reconnecting',
};

const tmuxWords: Record<LiveState['tmux'], string> = {
  off: 'tmux off',
  probing: 'tmux probing',
  unreachable: 'tmux unreachable, probing',
};

/** `live · docker following · tmux probing`: what keeps the statuses fresh. */
export function formatLiveState(state: LiveState): string {
  return ['live', dockerWords[state.docker], tmuxWords[state.tmux]].join(' · ');
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `3 of 5 instances: 2 running, 1 stopped`: the counts of what the table shows. */
export function formatCounts(result: ListInstancesResult): string {
  const shown = result.matched === result.total ? plural(result.total, 'instance') : `${result.matched} of ${plural(result.total, 'instance')}`;
  const byStatus = instanceStatuses
    .map((status) => ({ status, count: result.items.filter((instance) => instance.status === status).length }))
    .filter(({ count }) => count > 0)
    .map(({ status, count }) => `${count} ${status}`);
  return byStatus.length === 0 ? shown : `${shown}: ${byStatus.join(', ')}`;
}

/** The header: counts, the time of the last change, the live state. */
export function formatWatchHeader(view: WatchView): string[] {
  const counts = view.result === null ? 'reading…' : formatCounts(view.result);
  const when = view.lastChangeAt === null ? `watching since ${formatClockTime(view.startedAt)}` : `last change ${formatClockTime(view.lastChangeAt)}`;
  return [`${counts} · ${when}`, formatLiveState(view.live)];
}

/**
 * The screen's lines, without line ends. With a size (a terminal), each line is cut to the width
 * and rows past the height are left out with a `… N more lines` line, so nothing wraps or
 * scrolls; without one (output to a pipe or a file), every line is there. `hint` (`q quits`)
 * ends the live line when keys are read.
 */
export function watchScreenLines(view: WatchView, size: ScreenSize | null, hint: string | null = null): string[] {
  const [counts = '', live = ''] = formatWatchHeader(view);
  const body = view.result === null ? '' : view.result.items.length === 0 ? emptyListMessage(view.result.total) : formatInstanceTable(view.result.items, view.now);
  const lines = [counts, hint === null ? live : `${live} · ${hint}`, '', ...body.split('\n').slice(0, -1)];
  if (size === null) return lines;
  const height = Math.max(1, size.rows);
  const fitted = lines.length <= height ? lines : [...lines.slice(0, height - 1), `… ${lines.length - height + 1} more lines`];
  // By display width (a wide character takes two columns); a cut line ends in "…".
  return fitted.map((line) => cliTruncate(line, Math.max(1, size.columns)));
}
