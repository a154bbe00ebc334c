// Resume (issue 9) on a real tmux server: a stopped instance, or one whose agent exited, gets its
// configured command again with `--resume SESSION_ID` in its working directory; a running agent,
// a record without a Claude session and a container are refused, nothing changed. (The real
// Claude Code continuing its session is apps/cli/test/integration/agent-activity.test.ts.)
import { execFile as execFileCallback } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeHookReport } from '../../src/activity/hook-report.ts';
import { createTestTmux, openTestBridge, type TestBridge, type TestTmux } from '../../src/testing/index.ts';

const execFile = promisify(execFileCallback);

// Stands in for `claude`: writes its arguments to argv.txt in its cwd and keeps running.
const agentScript = `require('node:fs').writeFileSync('argv.txt', JSON.stringify(process.argv.slice(2))); setInterval(() => {}, 1000);`;

describe('resuming an agent', () => {
  let tmux: TestTmux;
  let bridge: TestBridge;
  let base: string;
  let work: string;

  const report = (payload: Record<string, string>) =>
    writeHookReport(join(base, 'spool'), { at: Date.now(), instance: 'agent', tmuxPane: null, tmuxSocket: null, payload });
  const argvOf = async () => {
    const path = join(work, 'argv.txt');
    for (let tries = 0; tries < 50 && !existsSync(path); tries++) await sleep(100);
    return JSON.parse(readFileSync(path, 'utf8')) as string[];
  };
  const panePid = async () => (await execFile('tmux', ['-S', tmux.socket, 'display-message', '-p', '-t', '=agent:', '#{pane_pid}'])).stdout.trim();

  beforeEach(async () => {
    tmux = await createTestTmux();
    base = await realpath(await mkdtemp(join(tmpdir(), 'cc-bridge-resume-')));
    work = join(base, 'work');
    mkdirSync(work);
    writeFileSync(join(base, 'agent.cjs'), agentScript);
    bridge = await openTestBridge({
      tmuxSocket: tmux.socket,
      docker: false,
      env: { CC_BRIDGE_TMUX_COMMAND: `${process.execPath} ${join(base, 'agent.cjs')}`, CC_BRIDGE_HOOKS_DIR: join(base, 'spool') },
    });
    await bridge.manager.createInstance({ name: 'agent', cwd: work }, { start: true });
    expect(await argvOf()).toEqual([]);
    rmSync(join(work, 'argv.txt'));
  });

  afterEach(async () => {
    await bridge.dispose();
    await tmux.dispose();
    await rm(base, { recursive: true, force: true });
  });

  it('starts a stopped instance again with --resume and its session id, in its working directory', async () => {
    report({ hook_event_name: 'SessionStart', session_id: '3f0c2a9e-1111-4c7e-9d7a-5b0c6a1e2f10' });
    await bridge.manager.applyHookReports();
    const stopped = await bridge.manager.stopInstance('agent');
    expect(stopped).toMatchObject({ status: 'stopped', activity: 'exited' });

    const resumed = await bridge.manager.resumeInstance('agent', { actor: 'test' });
    expect(resumed).toMatchObject({ status: 'running', claudeSessionId: '3f0c2a9e-1111-4c7e-9d7a-5b0c6a1e2f10' });
    expect(await argvOf()).toEqual(['--resume', '3f0c2a9e-1111-4c7e-9d7a-5b0c6a1e2f10']);
    const actions = (await bridge.manager.listEvents('agent')).filter((event) => event.kind === 'action').map((event) => event.to);
    expect(actions.at(-1)).toEqual({ action: 'resume', ok: true });
  });

  it('replaces a live session whose agent exited, and refuses one whose agent still runs', async () => {
    report({ hook_event_name: 'SessionStart', session_id: 'sess-2' });
    await bridge.manager.applyHookReports();
    const before = await panePid();
    await expect(bridge.manager.resumeInstance('agent')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('has not exited (idle)') });
    expect(await panePid()).toBe(before);
    expect(existsSync(join(work, 'argv.txt'))).toBe(false);

    report({ hook_event_name: 'SessionEnd', session_id: 'sess-2' });
    await bridge.manager.applyHookReports();
    await bridge.manager.resumeInstance('agent');
    expect(await argvOf()).toEqual(['--resume', 'sess-2']);
    expect(await panePid()).not.toBe(before);
  });

  it('says why it cannot resume a record without a Claude session, or a container, and changes nothing', async () => {
    await bridge.manager.stopInstance('agent');
    await expect(bridge.manager.resumeInstance('agent')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('has no Claude session to resume') });
    expect((await bridge.manager.getInstanceOrThrow('agent')).status).toBe('stopped');
    await bridge.manager.createInstance({ name: 'box', type: 'docker', containerName: 'box', containerId: 'a'.repeat(64) });
    await expect(bridge.manager.resumeInstance('box')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('only a tmux instance can be resumed') });
    await expect(bridge.manager.resumeInstance('nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
