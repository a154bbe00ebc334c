// `cc-bridge instances answer` against the real Claude Code (pinned devDependency) in a tmux
// instance cc-bridge started, talking to a scripted Anthropic API on loopback, with cc-bridge's
// hooks installed in a private HOME: its permission prompt answered yes (the tool runs) and no
// with a message (the tool does not run, the message is the next prompt), and refused when the
// agent is not waiting.
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

describe('answering the real Claude Code from the CLI', () => {
  let tmux: TestTmux;
  let api: ScriptedAnthropicApi;
  let world: ClaudeAgentWorld | undefined;
  let work: string;
  let env: Record<string, string>;
  let bridge: CcBridge;
  let unsubscribe: () => void = () => {};

  const pane = () => execFile('tmux', ['-S', tmux.socket, 'capture-pane', '-p', '-t', '=agent:'], { encoding: 'utf8' }).then(({ stdout }) => stdout);
  const record = async (): Promise<Instance> => {
    const found = await bridge.manager.getInstance('agent');
    if (!found) throw new Error('no record named agent');
    return found;
  };
  const answerEvents = async (): Promise<InstanceEvent['to'][]> =>
    (await bridge.manager.listEvents('agent')).filter((event) => event.kind === 'action' && (event.to as { action?: string } | null)?.action === 'answer').map((event) => event.to);
  const untilWaiting = (what: string) =>
    waitUntil(what, record, (instance) => instance.activity === 'waiting').catch(async (error: unknown) => {
      throw new Error(`${String(error).slice(0, 300)}\nscreen:\n${await pane()}`);
    });

  beforeAll(async () => {
    world = await createClaudeAgentWorld({ claudeBin, prefix: 'answer' });
    ({ tmux, api, work, env } = world);
    bridge = await openCcBridge({ config: loadConfig({}, env), logger: silentLogger, actor: 'test', skipStartup: true });
    unsubscribe = bridge.live.subscribe();
    expect((await runCli(['hooks', 'install'], env)).code).toBe(0);
    const create = await runCli(['instances', 'create', 'agent', '--cwd', work, '--start'], env);
    expect(create.stderr).toBe('');
    await waitUntil('Claude Code at its prompt', pane, (text) => text.includes('? for shortcuts'));
    await waitUntil('SessionStart → idle', record, (instance) => instance.activity === 'idle');
  });

  afterAll(async () => {
    unsubscribe();
    await bridge.close();
    await world?.dispose();
  });

  it('refuses to answer an agent that is not waiting, sending nothing', async () => {
    const before = await pane();
    const refused = await runCli(['instances', 'answer', 'agent', 'yes'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not waiting for an answer (it is idle)');
    expect(await pane()).toBe(before);
    const bad = await runCli(['instances', 'answer', 'agent', 'maybe'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('maybe');
  });

  it('answers yes: the tool runs and the turn ends', async () => {
    api.script({ toolUse: { name: 'Bash', input: { command: 'rm -f old.log && touch yes-marker.txt', description: 'Replace the log' } } }, { text: 'All done.' });
    await bridge.manager.sendInput('agent', 'Run the marker command please');
    const waiting = await untilWaiting('the permission prompt → waiting');
    expect(waiting.activityReason).toBe('Bash: rm -f old.log && touch yes-marker.txt');

    const answered = await runCli(['instances', 'answer', 'agent', 'yes'], env);
    expect(answered.stderr).toMatch(/^Answered yes to agent \(key 1/);
    expect(answered.code).toBe(0);
    await waitUntil('Stop → idle', record, (instance) => instance.activity === 'idle' && api.pending() === 0);
    expect(existsSync(join(work, 'yes-marker.txt'))).toBe(true);
    expect((await answerEvents()).at(-1)).toMatchObject({ action: 'answer', ok: true, choice: 'yes', key: '1', messageChars: 0 });
  });

  it('answers no with a message: the tool does not run and the message is the next prompt', async () => {
    api.script({ toolUse: { name: 'Bash', input: { command: 'rm -f old.log && touch no-marker.txt', description: 'Replace the log' } } }, { text: 'Understood.' });
    await bridge.manager.sendInput('agent', 'Run the other command please');
    await untilWaiting('the second permission prompt → waiting');
    const requestsBefore = api.requests.length;

    const answered = await runCli(['instances', 'answer', 'agent', 'no', '--message', 'Leave the log alone'], env);
    expect(answered.stderr).toMatch(/^Answered no to agent \(key 3/);
    expect(answered.code).toBe(0);
    // The message became a prompt: a model call carries it, and the turn it starts ends.
    await waitUntil('the message sent to the model', () => Promise.resolve(JSON.stringify(api.requests.slice(requestsBefore).map((request) => request.body.messages))), (text) => text.includes('Leave the log alone'));
    await waitUntil('idle again', record, (instance) => instance.activity === 'idle' && api.pending() === 0);
    expect(existsSync(join(work, 'no-marker.txt'))).toBe(false);
    const event = (await answerEvents()).at(-1);
    expect(event).toMatchObject({ action: 'answer', ok: true, choice: 'no', key: '3', messageChars: 19 });
    expect(JSON.stringify(event)).not.toContain('Leave the log alone');
  });

  it('answers no without a message: the tool does not run and the agent stops waiting', async () => {
    api.script({ toolUse: { name: 'Bash', input: { command: 'rm -f old.log && touch plain-no.txt', description: 'Replace the log' } } });
    await bridge.manager.sendInput('agent', 'And once more');
    await untilWaiting('the third permission prompt → waiting');
    const answered = await runCli(['instances', 'answer', 'agent', 'no'], env);
    expect(answered.code).toBe(0);
    const after = await waitUntil('the agent no longer waiting', record, (instance) => instance.activity !== 'waiting').catch(async (error: unknown) => {
      throw new Error(`${String(error).slice(0, 300)}\nscreen:\n${await pane()}`);
    });
    expect(after.activity).toBe('idle');
    expect(existsSync(join(work, 'plain-no.txt'))).toBe(false);
  });

  it('answers an agent whose wait is still in the hooks spool: nobody follows live to apply it', async () => {
    // No dashboard page and no follower: the PermissionRequest report waits in the spool folder.
    unsubscribe();
    api.script({ toolUse: { name: 'Bash', input: { command: 'rm -f old.log && touch spooled-yes.txt', description: 'Replace the log' } } }, { text: 'Done.' });
    await bridge.manager.sendInput('agent', 'Run it while nobody watches');
    await waitUntil('the permission prompt on screen', pane, (text) => text.includes('Do you want to proceed?'));
    expect((await record()).activity).not.toBe('waiting');

    const answered = await runCli(['instances', 'answer', 'agent', 'yes'], env);
    expect(answered.stderr).toMatch(/^Answered yes to agent \(key 1/);
    expect(answered.code).toBe(0);
    await waitUntil('the tool ran', () => Promise.resolve(existsSync(join(work, 'spooled-yes.txt'))), Boolean);
    // Following again applies the rest of the turn (its Stop), so nothing writes into the folder afterwards.
    unsubscribe = bridge.live.subscribe();
    await waitUntil('Stop → idle', record, (instance) => instance.activity === 'idle' && api.pending() === 0);
  });
});
