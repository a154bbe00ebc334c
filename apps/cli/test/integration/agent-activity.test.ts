// The real Claude Code (pinned devDependency) in a tmux instance cc-bridge started, talking to a
// scripted Anthropic API on loopback, with cc-bridge's hooks installed in a private HOME by
// `cc-bridge hooks install`: what its hooks report becomes the record's activity, through the
// spool folder and the live follower of a cc-bridge process (as the dashboard's).
import { execFile as execFileCallback } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, openCcBridge, silentLogger, type CcBridge, type Instance, type InstanceEvent } from '@cc-bridge/core';
import { createClaudeAgentWorld, waitUntil, type ClaudeAgentWorld, type ScriptedAnthropicApi, type TestTmux } from '@cc-bridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliDir, runCli } from './sandbox.ts';

const execFile = promisify(execFileCallback);
const claudeBin = join(cliDir, 'node_modules', '.bin', 'claude');

describe('agent activity from the real Claude Code hooks', () => {
  let tmux: TestTmux;
  let api: ScriptedAnthropicApi;
  let world: ClaudeAgentWorld | undefined;
  let work: string;
  let env: Record<string, string>;
  let bridge: CcBridge;
  let unsubscribe: () => void = () => {};

  const pane = () => execFile('tmux', ['-S', tmux.socket, 'capture-pane', '-p', '-t', '=agent:'], { encoding: 'utf8' }).then(({ stdout }) => stdout);
  const keys = (...args: string[]) => execFile('tmux', ['-S', tmux.socket, 'send-keys', '-t', '=agent:', ...args]);
  const record = async (): Promise<Instance> => {
    const found = await bridge.manager.getInstance('agent');
    if (!found) throw new Error('no record named agent');
    return found;
  };
  const activityEvents = async (): Promise<Pick<InstanceEvent, 'from' | 'to' | 'message'>[]> =>
    (await bridge.manager.listEvents('agent')).filter((event) => event.kind === 'activity_changed').map(({ from, to, message }) => ({ from, to, message }));

  beforeAll(async () => {
    world = await createClaudeAgentWorld({ claudeBin, prefix: 'agent' });
    ({ tmux, api, work, env } = world);
    // This process holds the database (as the dashboard would) and follows live; the CLI runs
    // below are its clients.
    bridge = await openCcBridge({ config: loadConfig({}, env), logger: silentLogger, actor: 'test', skipStartup: true });
    unsubscribe = bridge.live.subscribe();
  });

  afterAll(async () => {
    unsubscribe();
    await bridge.close();
    await world?.dispose();
  });

  it('installs the hooks with the CLI, then follows busy → waiting (the command) → busy → idle', async () => {
    const install = await runCli(['hooks', 'install'], env);
    expect(install.stderr).toBe('');
    expect(install.code).toBe(0);
    const status = await runCli(['hooks', 'status', '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ scope: 'user', installed: true });

    const create = await runCli(['instances', 'create', 'agent', '--cwd', work, '--start'], env);
    expect(create.stderr).toBe('');
    expect(create.code).toBe(0);

    // SessionStart: idle, with Claude's session id and transcript.
    await waitUntil('Claude Code at its prompt', pane, (text) => text.includes('? for shortcuts'));
    const started = await waitUntil('SessionStart → idle', record, (instance) => instance.activity === 'idle');
    expect(started.claudeSessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(started.claudeTranscriptPath).toContain(started.claudeSessionId);

    api.script({ toolUse: { name: 'Bash', input: { command: 'touch cc-bridge-marker.txt', description: 'Create a marker file' } } }, { text: 'All done.' });
    await keys('-l', 'Run the marker command please');
    await keys('Enter');

    const waiting = await waitUntil('the permission prompt → waiting', record, (instance) => instance.activity === 'waiting').catch(async (error: unknown) => {
      throw new Error(`${String(error).slice(0, 300)}\nscreen:\n${await pane()}\nrequests: ${api.requests.map((request) => request.path).join(', ')}`);
    });
    expect(waiting.activityReason).toBe('Bash: touch cc-bridge-marker.txt');
    expect(waiting.activitySince).not.toBeNull();
    await waitUntil('the prompt on screen', pane, (text) => text.includes('Do you want to proceed?'));

    // The CLI sees the same, filtered on activity.
    const listed = await runCli(['instances', 'list', '--activity', 'waiting', '--skip-discovery', '--json'], env);
    expect(listed.code).toBe(0);
    const [item] = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(item).toMatchObject({ name: 'agent', activity: 'waiting', activityReason: 'Bash: touch cc-bridge-marker.txt', claudeSessionId: started.claudeSessionId });
    const none = await runCli(['instances', 'list', '--activity', 'busy', '--skip-discovery', '--json'], env);
    expect(JSON.parse(none.stdout)).toEqual([]);

    // "Yes" is the selected choice: Enter answers it; the tool runs, the turn ends.
    await world?.confirmDialog('agent');
    const done = await waitUntil('Stop → idle', record, (instance) => instance.activity === 'idle' && api.pending() === 0);
    expect(done.activityReason).toBeNull();
    expect(existsSync(join(work, 'cc-bridge-marker.txt'))).toBe(true);
    const transitions = (await activityEvents()).map(({ from, to }) => `${String(from)}→${String(to)}`);
    expect(transitions).toEqual(['unknown→idle', 'idle→busy', 'busy→waiting', 'waiting→busy', 'busy→idle']);
    expect((await activityEvents())[2]?.message).toBe('Bash: touch cc-bridge-marker.txt');
  });
});
