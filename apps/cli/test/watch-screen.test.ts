import type { Instance, ListInstancesResult } from '@cc-bridge/core';
import { testInstance } from '@cc-bridge/core/testing';
import { describe, expect, it } from 'vitest';
import { formatInstanceTable } from '../src/format.ts';
import { formatCounts, formatLiveState, watchScreenLines, type WatchView } from '../src/watch-screen.ts';

const now = new Date(2026, 11, 3, 8, 15, 30);

function result(items: Instance[], total = items.length): ListInstancesResult {
  return { items, matched: items.length, total, nextCursor: null };
}

function view(overrides: Partial<WatchView> = {}): WatchView {
  return {
    result: null,
    lastChangeAt: null,
    startedAt: new Date(2026, 11, 3, 8, 0, 5),
    live: { docker: 'following', tmux: 'probing' },
    now,
    ...overrides,
  };
}

const records = [
  testInstance({ name: 'api', type: 'tmux', status: 'running', tmuxSession: 'api', createdAt: now }),
  testInstance({ name: 'web', type: 'tmux', status: 'running', tmuxSession: 'web', createdAt: now }),
  testInstance({ name: 'worker', type: 'tmux', status: 'stopped', tmuxSession: 'worker', createdAt: now }),
];

describe('formatLiveState', () => {
  it('names what each runtime is doing', () => {
    expect(formatLiveState({ docker: 'following', tmux: 'probing' })).toBe('live · docker following · tmux probing');
    expect(formatLiveState({ docker: 'unreachable', tmux: 'unreachable' })).toBe('live · docker unreachable, reconnecting · tmux unreachable, probing');
    expect(formatLiveState({ docker: 'disabled', tmux: 'off' })).toBe('live · docker disabled · tmux off');
  });
});

describe('formatCounts', () => {
  it('counts what is shown by status, and says when a filter hides records', () => {
    expect(formatCounts(result(records))).toBe('3 instances: 2 running, 1 stopped');
    expect(formatCounts(result(records.slice(0, 1), 5))).toBe('1 of 5 instances: 1 running');
    expect(formatCounts(result([]))).toBe('0 instances');
  });
});

describe('watchScreenLines', () => {
  it('is the header, a blank line and the table of `instances list`', () => {
    const lines = watchScreenLines(view({ result: result(records), lastChangeAt: new Date(2026, 11, 3, 8, 15, 2) }), null);
    expect(lines.slice(0, 3)).toEqual(['3 instances: 2 running, 1 stopped · last change 08:15:02', 'live · docker following · tmux probing', '']);
    expect(lines.slice(3)).toEqual(formatInstanceTable(records, now).split('\n').slice(0, -1));
  });

  it('says when it started until the first change, and what `list` says when there is nothing', () => {
    expect(watchScreenLines(view({ result: result([]) }), null)).toEqual([
      '0 instances · watching since 08:00:05',
      'live · docker following · tmux probing',
      '',
      'No instances yet; add one with `cc-bridge instances create NAME`.',
    ]);
    expect(watchScreenLines(view(), null)[0]).toBe('reading… · watching since 08:00:05');
  });

  it('fits a terminal: lines cut to its width, rows past its height left out and counted', () => {
    const lines = watchScreenLines(view({ result: result(records) }), { columns: 20, rows: 5 }, 'q quits');
    expect(lines).toHaveLength(5);
    expect(lines.every((line) => line.length <= 20)).toBe(true);
    expect(lines[1]).toBe('live · docker follo…');
    expect(lines[3]).toMatch(/^NAME +TYPE/);
    // 3 header lines + the table's header and 3 rows = 7; 4 fit and the fifth says what is left.
    expect(lines[4]).toBe('… 3 more lines');
  });

  it('ends the live line with the key hint when keys are read', () => {
    expect(watchScreenLines(view({ result: result([]) }), { columns: 200, rows: 50 }, 'q quits')[1]).toBe('live · docker following · tmux probing · q quits');
  });
});
