import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pickHookPayload, reportFileName, writeHookReport } from './hook-report.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('pickHookPayload', () => {
  it('keeps the fields cc-bridge reads and only the short tool inputs, cut to 1,000 characters', () => {
    const picked = pickHookPayload({
      hook_event_name: 'PreToolUse',
      session_id: 's',
      cwd: '/srv',
      tool_name: 'Write',
      tool_input: { file_path: '/srv/a', content: 'x'.repeat(50_000), command: 'y'.repeat(2_000) },
    });
    expect(picked).toMatchObject({ hook_event_name: 'PreToolUse', session_id: 's', tool_name: 'Write' });
    expect(picked).not.toHaveProperty('cwd');
    const input = picked.tool_input as Record<string, string>;
    expect(Object.keys(input).sort()).toEqual(['command', 'file_path']);
    expect(input.command).toHaveLength(1_001);
  });

  it('gives an empty payload for anything but an object', () => {
    expect(pickHookPayload(null)).toEqual({});
    expect(pickHookPayload('Stop')).toEqual({});
  });
});

describe('reportFileName', () => {
  it('sorts by time, then by the monotonic clock within one millisecond', () => {
    const names = [reportFileName(1_000, 9n, 1), reportFileName(999, 50n, 2), reportFileName(1_000, 10n, 3), reportFileName(10_000, 1n, 4)];
    expect([...names].sort()).toEqual([names[1], names[0], names[2], names[3]]);
  });
});

describe('writeHookReport', () => {
  it('makes the folder private and leaves one whole file, no temporary', () => {
    const base = mkdtempSync(join(tmpdir(), 'cc-bridge-spool-'));
    dirs.push(base);
    const dir = join(base, 'hooks');
    const path = writeHookReport(dir, { at: 5, instance: 'api', tmuxPane: null, tmuxSocket: null, payload: { hook_event_name: 'Stop' } });
    expect(readdirSync(dir)).toEqual([path.slice(dir.length + 1)]);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ at: 5, instance: 'api', tmuxPane: null, tmuxSocket: null, payload: { hook_event_name: 'Stop' } });
  });
});
