// Hook reports (issue 9) through the spool folder into the registry, on a real database and a
// real tmux server: in order, each once, by CC_BRIDGE_INSTANCE (id or name) or the tmux pane,
// with one activity_changed event per change, and a live follower that applies them as they come.
import { execFile as execFileCallback } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeHookReport, type HookReport } from '../../src/activity/hook-report.ts';
import { createTestTmux, openTestBridge, testBackends, type TestBridge, type TestTmux } from '../../src/testing/index.ts';

const execFile = promisify(execFileCallback);

describe.each(testBackends())('hook reports applied to records (%s database)', (backend) => {
  let tmux: TestTmux;
  let bridge: TestBridge;
  let spool: string;
  let clock = Date.now();

  /** Leaves a report as dist/hook.mjs would, each a millisecond after the last. */
  const report = (payload: HookReport['payload'], who: Partial<Pick<HookReport, 'instance' | 'tmuxPane' | 'tmuxSocket'>> = { instance: 'agent' }) =>
    writeHookReport(spool, { at: (clock += 1), instance: who.instance ?? null, tmuxPane: who.tmuxPane ?? null, tmuxSocket: who.tmuxSocket ?? null, payload });
  const activityEvents = async (name: string) =>
    (await bridge.manager.listEvents(name)).filter((event) => event.kind === 'activity_changed').map((event) => `${String(event.from)}→${String(event.to)}`);

  beforeEach(async () => {
    tmux = await createTestTmux();
    spool = await mkdtemp(join(tmpdir(), 'cc-bridge-spool-'));
    bridge = await openTestBridge({ backend, tmuxSocket: tmux.socket, docker: false, env: { CC_BRIDGE_HOOKS_DIR: spool } });
  });

  afterEach(async () => {
    await bridge.dispose();
    await tmux.dispose();
    await rm(spool, { recursive: true, force: true });
  });

  it('applies a turn in order, each report once, and keeps the tool call as what it waits on', async () => {
    const agent = await bridge.manager.createInstance({ name: 'agent' });
    expect(agent.activity).toBe('unknown');
    report({ hook_event_name: 'SessionStart', session_id: 's-1', transcript_path: '/t/s-1.jsonl' });
    report({ hook_event_name: 'UserPromptSubmit', session_id: 's-1' });
    report({ hook_event_name: 'PreToolUse', session_id: 's-1', tool_name: 'Bash', tool_input: { command: 'make' } });
    report({ hook_event_name: 'PermissionRequest', session_id: 's-1', tool_name: 'Bash', tool_input: { command: 'make' } });
    report({ hook_event_name: 'Notification', session_id: 's-1', notification_type: 'permission_prompt', message: 'Claude needs your permission to use Bash' });
    const firstDrain = await bridge.manager.applyHookReports();
    expect(firstDrain).toEqual({ applied: 5, dropped: 0 });
    expect(readdirSync(spool)).toEqual([]);
    const waiting = await bridge.manager.getInstanceOrThrow('agent');
    expect(waiting).toMatchObject({ activity: 'waiting', activityReason: 'Bash: make', claudeSessionId: 's-1', claudeTranscriptPath: '/t/s-1.jsonl', version: agent.version });
    expect(waiting.activitySince?.getTime()).toBe(clock - 1);

    // Nothing is applied twice: a second drain finds nothing.
    expect(await bridge.manager.applyHookReports()).toEqual({ applied: 0, dropped: 0 });
    report({ hook_event_name: 'PostToolUse', session_id: 's-1' });
    report({ hook_event_name: 'SubagentStop', session_id: 's-1' });
    report({ hook_event_name: 'Stop', session_id: 's-1' });
    expect(await bridge.manager.applyHookReports()).toEqual({ applied: 2, dropped: 1 });
    const idle = await bridge.manager.getInstanceOrThrow('agent');
    expect(idle).toMatchObject({ activity: 'idle', activityReason: null });
    expect(await activityEvents('agent')).toEqual(['unknown→idle', 'idle→busy', 'busy→waiting', 'waiting→busy', 'busy→idle']);

    const waitingOnly = await bridge.manager.listInstances({ activity: 'idle' });
    expect(waitingOnly.items.map((item) => item.name)).toEqual(['agent']);
    expect((await bridge.manager.listInstances({ activity: ['waiting', 'busy'] })).items).toEqual([]);
  });

  it('finds the record by id, by name in any case, or by the tmux pane of its session; never by anything else', async () => {
    const byId = await bridge.manager.createInstance({ name: 'by-id' });
    await bridge.manager.createInstance({ name: 'by-name' });
    // A session on the test's tmux server, as cc-bridge starts one, but with no variable set.
    await bridge.manager.createInstance({ name: 'by-pane', cwd: tmpdir() }, { start: true });
    const { stdout } = await execFile('tmux', ['-S', tmux.socket, 'display-message', '-p', '-t', '=by-pane:', '#{pane_id}'], { encoding: 'utf8' });
    const pane = stdout.trim();

    report({ hook_event_name: 'UserPromptSubmit' }, { instance: byId.id });
    report({ hook_event_name: 'UserPromptSubmit' }, { instance: 'BY-NAME' });
    report({ hook_event_name: 'UserPromptSubmit' }, { tmuxPane: pane, tmuxSocket: tmux.socket });
    // Another tmux server's pane of the same id, and a name no record holds: dropped.
    report({ hook_event_name: 'Stop' }, { tmuxPane: pane, tmuxSocket: '/tmp/tmux-0/default' });
    report({ hook_event_name: 'Stop' }, { instance: 'nobody' });
    expect(await bridge.manager.applyHookReports()).toEqual({ applied: 3, dropped: 2 });
    const items = (await bridge.manager.listInstances()).items.map(({ name, activity }) => ({ name, activity }));
    expect(items).toEqual([
      { name: 'by-id', activity: 'busy' },
      { name: 'by-name', activity: 'busy' },
      { name: 'by-pane', activity: 'busy' },
    ]);
  });

  it('announces an activity change on the change feed, as a status change is', async () => {
    const agent = await bridge.manager.createInstance({ name: 'agent' });
    const stop = new AbortController();
    const heard: string[] = [];
    const feed = { isListening: false };
    const listening = (async () => {
      for await (const change of bridge.watchChanges({ signal: stop.signal })) {
        if (change.all) feed.isListening = true;
        else heard.push(...change.ids);
      }
    })();
    try {
      // A watcher first gets { all: true } once its LISTEN is in place.
      const listenDeadline = Date.now() + 10_000;
      while (!feed.isListening && Date.now() < listenDeadline) await sleep(25);
      report({ hook_event_name: 'UserPromptSubmit' });
      await bridge.manager.applyHookReports();
      const deadline = Date.now() + 10_000;
      while (!heard.includes(agent.id) && Date.now() < deadline) await sleep(25);
      expect(heard).toContain(agent.id);
    } finally {
      stop.abort();
      await listening.catch(() => undefined);
    }
  });

  it('sets CC_BRIDGE_INSTANCE in the sessions it starts', async () => {
    const started = await bridge.manager.createInstance({ name: 'env-check', cwd: tmpdir() }, { start: true });
    const { stdout } = await execFile('tmux', ['-S', tmux.socket, 'show-environment', '-t', '=env-check', 'CC_BRIDGE_INSTANCE'], { encoding: 'utf8' });
    expect(stdout.trim()).toBe('CC_BRIDGE_INSTANCE=env-check');
    await bridge.manager.stopInstance(started.name);
    await bridge.manager.startInstance(started.name);
    const again = await execFile('tmux', ['-S', tmux.socket, 'show-environment', '-t', '=env-check', 'CC_BRIDGE_INSTANCE'], { encoding: 'utf8' });
    expect(again.stdout.trim()).toBe(`CC_BRIDGE_INSTANCE=${started.id}`);
  });

  it('applies reports as they arrive while the live follower runs, and a report written before it started', async () => {
    await bridge.manager.createInstance({ name: 'agent' });
    report({ hook_event_name: 'SessionStart', session_id: 's-2' });
    const unsubscribe = bridge.live.subscribe();
    try {
      const deadline = Date.now() + 10_000;
      const activity = async () => (await bridge.manager.getInstanceOrThrow('agent')).activity;
      while ((await activity()) !== 'idle' && Date.now() < deadline) await sleep(25);
      expect(await activity()).toBe('idle');
      const sent = Date.now();
      report({ hook_event_name: 'UserPromptSubmit', session_id: 's-2' });
      while ((await activity()) !== 'busy' && Date.now() < deadline) await sleep(25);
      expect(await activity()).toBe('busy');
      // The watch, not the 2-second probe, brought it in.
      expect(Date.now() - sent).toBeLessThan(1_500);
    } finally {
      unsubscribe();
      await bridge.live.close();
    }
  });
});
