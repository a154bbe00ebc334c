import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventsReportingTo, hookCommandLine, installedHookEvents, installHooks, uninstallHooks, userHooksStatus } from './claude-settings.ts';
import { reportedHookEvents } from './hook-event.ts';

const script = '/opt/cc-bridge/apps/cli/dist/hook.mjs';
const command = hookCommandLine({ node: '/usr/bin/node', script, spoolDir: "/home/o'brien/.local/share/cc-bridge/db/hooks" });
const userHook = { type: 'command', command: 'notify-send done' };
const settings = {
  model: 'opus',
  permissions: { defaultMode: 'default' },
  hooks: {
    Stop: [{ hooks: [userHook] }],
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: '/usr/local/bin/guard' }] }],
    SubagentStop: [{ hooks: [userHook] }],
  },
};

describe('hookCommandLine', () => {
  it('quotes each word for the shell, a quote inside too', () => {
    expect(command).toBe(`'/usr/bin/node' '${script}' '/home/o'\\''brien/.local/share/cc-bridge/db/hooks'`);
  });
});

describe('installHooks', () => {
  it('adds cc-bridge after every other hook of each event it reports, keeping all else', () => {
    const installed = installHooks(settings, { command, script });
    expect(installed.model).toBe('opus');
    expect(installed.permissions).toEqual({ defaultMode: 'default' });
    const hooks = installed.hooks as Record<string, { matcher?: string; hooks: { command: string }[] }[]>;
    expect(Object.keys(hooks).sort()).toEqual([...reportedHookEvents, 'SubagentStop'].sort());
    expect(hooks.Stop).toEqual([{ hooks: [userHook] }, { hooks: [{ type: 'command', command, timeout: 5 }] }]);
    expect(hooks.PreToolUse?.[0]).toEqual(settings.hooks.PreToolUse[0]);
    expect(hooks.PreToolUse?.[1]?.matcher).toBe('*');
    expect(hooks.SubagentStop).toEqual(settings.hooks.SubagentStop);
    expect(installedHookEvents(installed, script)).toEqual([...reportedHookEvents]);
  });

  it('is idempotent, and replaces an older install of the same script (another spool folder)', () => {
    const once = installHooks(settings, { command, script });
    expect(installHooks(once, { command, script })).toEqual(once);
    const moved = hookCommandLine({ node: '/usr/bin/node', script, spoolDir: '/elsewhere' });
    const again = installHooks(once, { command: moved, script });
    expect(JSON.stringify(again)).not.toContain(command);
    expect(installedHookEvents(again, script)).toEqual([...reportedHookEvents]);
  });

  it('starts from nothing', () => {
    expect(installedHookEvents(installHooks({}, { command, script }), script)).toHaveLength(reportedHookEvents.length);
  });
});

describe('uninstallHooks', () => {
  it('takes out only its own commands, leaving the settings as they were before the install', () => {
    expect(uninstallHooks(installHooks(settings, { command, script }), script)).toEqual(settings);
    expect(uninstallHooks(installHooks({ model: 'x' }, { command, script }), script)).toEqual({ model: 'x' });
  });

  it('keeps the other commands of a group it shares', () => {
    const shared = { hooks: { Stop: [{ hooks: [userHook, { type: 'command', command }] }] } };
    expect(uninstallHooks(shared, script)).toEqual({ hooks: { Stop: [{ hooks: [userHook] }] } });
    expect(installedHookEvents(shared, script)).toEqual(['Stop']);
  });
});

describe('eventsReportingTo', () => {
  const spoolDir = "/home/o'brien/.local/share/cc-bridge/db/hooks";
  it('finds the hooks that report to one spool folder, and not those of another', () => {
    const installed = installHooks(settings, { command, script });
    expect(eventsReportingTo(installed, spoolDir)).toEqual([...reportedHookEvents]);
    expect(eventsReportingTo(installed, '/home/o')).toEqual([]);
    expect(eventsReportingTo(settings, spoolDir)).toEqual([]);
  });
});

describe('userHooksStatus', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'cc-bridge-home-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));
  const spoolDir = '/srv/cc-bridge/hooks';

  it('reads ~/.claude/settings.json: not there, installed, or not JSON', async () => {
    const file = join(home, '.claude', 'settings.json');
    expect(userHooksStatus({ home, spoolDir })).toEqual({ file, installed: false, events: [] });
    await mkdir(join(home, '.claude'));
    const ours = hookCommandLine({ node: '/usr/bin/node', script, spoolDir });
    await writeFile(file, JSON.stringify(installHooks(settings, { command: ours, script })));
    expect(userHooksStatus({ home, spoolDir })).toEqual({ file, installed: true, events: [...reportedHookEvents] });
    await writeFile(file, '{ broken');
    expect(userHooksStatus({ home, spoolDir }).installed).toBe(false);
  });
});
