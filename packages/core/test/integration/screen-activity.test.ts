// Source 2 of agent activity (issue 9) on a real tmux server: panes that show screens captured
// from the real Claude Code (test/fixtures/claude-screens) are read by the screen rules with the
// hold, a shell back in the foreground is `exited`, the hooks' last report wins when both speak,
// and a session that ends leaves its agent `exited`, never `busy`.
import { execFile as execFileCallback } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeHookReport } from '../../src/activity/hook-report.ts';
import { createTmuxRuntime } from '../../src/runtimes/tmux/tmux-runtime.ts';
import { createTestTmux, openTestBridge, testBackends, type TestBridge, type TestTmux } from '../../src/testing/index.ts';

const execFile = promisify(execFileCallback);
const fixtures = fileURLToPath(new URL('../fixtures/claude-screens/2.1.328/', import.meta.url));

// Shows ./screen.txt of its cwd whenever it changes (a program, not a shell, as Claude Code is);
// `SHELL` in the file hands the terminal to a shell, as Claude Code's exit does.
const showScreen = `
const { readFileSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
let shown = null;
setInterval(() => {
  let text = '';
  try { text = readFileSync('screen.txt', 'utf8'); } catch {}
  if (text === shown) return;
  shown = text;
  if (text.trim() === 'SHELL') { spawnSync('sh', { stdio: 'inherit' }); process.exit(0); }
  process.stdout.write('\\x1b[H\\x1b[2J' + text.replace(/\\n$/, '').replaceAll('\\n', '\\r\\n'));
}, 50);
`;

describe.each(testBackends())('agent activity read from the screen (%s database)', (backend) => {
  let tmux: TestTmux;
  let bridge: TestBridge;
  let base: string;
  let clock = Date.now();

  const show = (name: string, fixture: string) => copyFileSync(join(fixtures, `${fixture}.txt`), join(base, name, 'screen.txt'));
  const showText = (name: string, text: string) => writeFileSync(join(base, name, 'screen.txt'), text);
  const activityOf = async (name: string) => {
    const { activity, activityReason } = await bridge.manager.getInstanceOrThrow(name);
    return { activity, activityReason };
  };
  const activityEvents = async (name: string) =>
    (await bridge.manager.listEvents(name)).filter((event) => event.kind === 'activity_changed').map((event) => `${String(event.from)}→${String(event.to)} (${event.actor})`);
  /** Probes until the pane shows what was just written (the program polls every 50 ms). */
  const settle = () => sleep(300);

  beforeEach(async () => {
    tmux = await createTestTmux();
    base = await mkdtemp(join(tmpdir(), 'cc-bridge-screens-'));
    writeFileSync(join(base, 'show-screen.cjs'), showScreen);
    // The fixtures are 120×40 screens: sessions get that size (a keeper session starts the server).
    await execFile('tmux', ['-S', tmux.socket, 'new-session', '-d', '-s', 'keeper', 'sleep', '3600', ';', 'set-option', '-g', 'default-size', '120x40']);
    bridge = await openTestBridge({
      backend,
      tmuxSocket: tmux.socket,
      docker: false,
      env: { CC_BRIDGE_TMUX_COMMAND: `${process.execPath} ${join(base, 'show-screen.cjs')}`, CC_BRIDGE_HOOKS_DIR: join(base, 'spool') },
    });
  });

  afterEach(async () => {
    await bridge.dispose();
    await tmux.dispose();
    await rm(base, { recursive: true, force: true });
  });

  async function startAgent(name: string, fixture: string): Promise<void> {
    mkdirSync(join(base, name));
    show(name, fixture);
    await bridge.manager.createInstance({ name, cwd: join(base, name) }, { start: true });
    await settle();
  }

  it('reads idle → busy → waiting → idle off the screen, a change shown once it held for a second, a dialog at once', async () => {
    await startAgent('agent', 'idle-startup');
    expect(await bridge.manager.probeScreens()).toMatchObject({ read: 1, changed: 1, errors: [] });
    expect(await activityOf('agent')).toEqual({ activity: 'idle', activityReason: null });

    show('agent', 'busy-thinking-1');
    await settle();
    // One frame is not enough to move the state ...
    expect((await bridge.manager.probeScreens()).changed).toBe(0);
    expect((await activityOf('agent')).activity).toBe('idle');
    show('agent', 'busy-thinking-2');
    await sleep(1_000);
    // ... one that holds for a second is.
    expect((await bridge.manager.probeScreens()).changed).toBe(1);
    expect((await activityOf('agent')).activity).toBe('busy');

    show('agent', 'waiting-bash-permission');
    await settle();
    await bridge.manager.probeScreens();
    const waiting = await activityOf('agent');
    expect(waiting.activity).toBe('waiting');
    expect(waiting.activityReason).toMatch(/^Bash: .+ — Do you want to proceed\?$/);

    show('agent', 'idle-after-tool');
    await settle();
    await bridge.manager.probeScreens();
    await sleep(1_000);
    await bridge.manager.probeScreens();
    expect(await activityOf('agent')).toEqual({ activity: 'idle', activityReason: null });
    expect(await activityEvents('agent')).toEqual(['unknown→idle (screen)', 'idle→busy (screen)', 'busy→waiting (screen)', 'waiting→idle (screen)']);
  });

  it('reads a shell back in the foreground as exited, and a session that ended leaves its agent exited with status stopped', async () => {
    await startAgent('agent', 'idle-turn-finished');
    await startAgent('other', 'busy-tool-running-1');
    await bridge.manager.probeScreens();
    expect((await activityOf('agent')).activity).toBe('idle');

    showText('agent', 'SHELL');
    await settle();
    await bridge.manager.probeScreens();
    await sleep(1_000);
    await bridge.manager.probeScreens();
    expect(await activityOf('agent')).toEqual({ activity: 'exited', activityReason: null });
    expect((await bridge.manager.getInstanceStatus('agent', { refresh: true })).status).toBe('running');

    // Killed while its agent works: the session is stopped, the agent exited, not left busy.
    expect((await activityOf('other')).activity).toBe('busy');
    await execFile('tmux', ['-S', tmux.socket, 'kill-session', '-t', '=other']);
    await bridge.manager.refreshStatuses();
    const other = await bridge.manager.getInstanceOrThrow('other');
    expect(other).toMatchObject({ status: 'stopped', activity: 'exited', activityReason: null });
    expect((await activityEvents('other')).at(-1)).toBe('busy→exited (test)');
    // A record whose agent was never seen keeps `unknown` when its session goes.
    await bridge.manager.createInstance({ name: 'quiet', cwd: base }, { start: true });
    await bridge.manager.stopInstance('quiet');
    expect(await activityOf('quiet')).toEqual({ activity: 'unknown', activityReason: null });
  });

  it('lets the hooks win when both speak, and the screen override only a change that held 2 s after their last report', async () => {
    await startAgent('agent', 'idle-typed-prompt');
    writeHookReport(join(base, 'spool'), { at: (clock = Math.max(clock + 1, Date.now())), instance: 'agent', tmuxPane: null, tmuxSocket: null, payload: { hook_event_name: 'UserPromptSubmit' } });
    await bridge.manager.applyHookReports();
    expect((await activityOf('agent')).activity).toBe('busy');

    // The screen shows idle (as after an Esc, which no hook reports): not before 2 s have passed.
    await bridge.manager.probeScreens();
    expect((await activityOf('agent')).activity).toBe('busy');
    await sleep(1_000);
    await bridge.manager.probeScreens();
    expect((await activityOf('agent')).activity).toBe('busy');
    await sleep(1_200);
    await bridge.manager.probeScreens();
    expect((await activityOf('agent')).activity).toBe('idle');

    // A newer hook report wins over the screen that still shows idle.
    writeHookReport(join(base, 'spool'), { at: Date.now(), instance: 'agent', tmuxPane: null, tmuxSocket: null, payload: { hook_event_name: 'PreToolUse', tool_name: 'Bash' } });
    await bridge.manager.applyHookReports();
    await sleep(1_100);
    await bridge.manager.probeScreens();
    expect((await activityOf('agent')).activity).toBe('busy');
    expect(await activityEvents('agent')).toEqual(['unknown→busy (hooks)', 'busy→idle (screen)', 'idle→busy (hooks)']);
  });

  it('captures many panes in one tmux command, and each on its own when one went away meanwhile', async () => {
    await startAgent('one', 'idle-startup');
    await startAgent('two', 'waiting-question');
    const client = createTmuxRuntime({ socket: tmux.socket });
    const screens = await client.captureScreens(['one', 'gone', 'two']);
    expect([...screens.keys()]).toEqual(['one', 'gone', 'two']);
    expect(screens.get('gone')).toBeNull();
    expect(screens.get('one')).toMatchObject({ command: 'node' });
    expect(screens.get('one')?.text).toContain('? for shortcuts');
    expect(screens.get('two')?.text).toContain('Esc to cancel');
    const batched = await client.captureScreens(['two', 'one']);
    expect(batched.get('two')?.text).toBe(screens.get('two')?.text);
    expect(batched.get('one')?.text.split('\n')).toHaveLength(40);
  });
});
