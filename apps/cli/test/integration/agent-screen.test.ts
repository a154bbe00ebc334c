// The real Claude Code (pinned devDependency) in tmux instances cc-bridge started, talking to a
// scripted Anthropic API on loopback (issue 9): with no hooks installed the screen alone gives
// busy → waiting → idle; with hooks, two agents in one directory are told apart; a killed session
// leaves its agent exited and its status stopped; resume continues the same Claude session.
import { execFile as execFileCallback } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, openCcBridge, silentLogger, type CcBridge, type Instance } from '@cc-bridge/core';
import { createClaudeAgentWorld, waitUntil, type ClaudeAgentWorld, type ScriptedAnthropicApi, type TestTmux } from '@cc-bridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliDir, runCli } from './sandbox.ts';

const execFile = promisify(execFileCallback);
const claudeBin = join(cliDir, 'node_modules', '.bin', 'claude');
/** The model "thinks" this long (ms): long enough for the screen, read every 2 s and held 1 s, to see the spinner. */
const thinkMs = 7_000;

describe('agent activity of the real Claude Code from its screen, and its end and resume', () => {
  let tmux: TestTmux;
  let api: ScriptedAnthropicApi;
  let world: ClaudeAgentWorld | undefined;
  let work: string;
  let env: Record<string, string>;
  let bridge: CcBridge;
  let unsubscribe: () => void = () => {};

  const pane = (name: string) => execFile('tmux', ['-S', tmux.socket, 'capture-pane', '-p', '-t', `=${name}:`], { encoding: 'utf8' }).then(({ stdout }) => stdout);
  const keys = (name: string, ...args: string[]) => execFile('tmux', ['-S', tmux.socket, 'send-keys', '-t', `=${name}:`, ...args]);
  const prompt = async (name: string, text: string) => {
    await keys(name, '-l', text);
    await keys(name, 'Enter');
  };
  const record = (name: string): Promise<Instance> => bridge.manager.getInstanceOrThrow(name);
  /**
   * Enter on the dialog's selected "Yes". The hook reports the wait before the dialog is drawn,
   * and a dialog just drawn can miss a key on a loaded machine: pressed again while it shows.
   */
  const transitions = async (name: string) =>
    (await bridge.manager.listEvents(name)).filter((event) => event.kind === 'activity_changed').map((event) => `${String(event.from)}→${String(event.to)} (${event.actor})`);
  /** Transitions without who made them: `unknown→idle`. */
  const withoutActor = (lines: string[]) => lines.map((line) => line.replace(/ \(.*\)$/, ''));
  const withScreen = (name: string) => async (error: unknown) => {
    throw new Error(`${String(error).slice(0, 600)}\nscreen of ${name}:\n${await pane(name).catch(() => '(gone)')}\nevents: ${(await transitions(name)).join(', ')}`);
  };

  beforeAll(async () => {
    world = await createClaudeAgentWorld({ claudeBin, prefix: 'agent-screen' });
    ({ tmux, api, work, env } = world);
    // This process holds the database and follows live, as the dashboard does.
    bridge = await openCcBridge({ config: loadConfig({}, env), logger: silentLogger, actor: 'test', skipStartup: true });
    unsubscribe = bridge.live.subscribe();
  });

  afterAll(async () => {
    unsubscribe();
    await bridge.close();
    await world?.dispose();
  });

  it('without hooks, reads idle → busy → waiting (the command) → busy → idle off the screen alone', async () => {
    const status = await runCli(['hooks', 'status', '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ installed: false });
    const create = await runCli(['instances', 'create', 'plain', '--cwd', work, '--start'], env);
    expect(create.stderr).toBe('');

    await waitUntil('Claude Code at its prompt', () => pane('plain'), (text) => text.includes('? for shortcuts'));
    await waitUntil('idle from the screen', () => record('plain'), (instance) => instance.activity === 'idle').catch(withScreen('plain'));

    api.script(
      { toolUse: { name: 'Bash', input: { command: 'touch screen-marker.txt', description: 'Create a marker file' } }, delayMs: thinkMs },
      { text: 'All done.', delayMs: thinkMs },
    );
    await prompt('plain', 'Run the marker command please');
    await waitUntil('busy from the spinner', () => record('plain'), (instance) => instance.activity === 'busy').catch(withScreen('plain'));
    const waiting = await waitUntil('waiting from the dialog', () => record('plain'), (instance) => instance.activity === 'waiting').catch(withScreen('plain'));
    expect(waiting.activityReason).toContain('touch screen-marker.txt');
    expect(waiting.activityReason).toContain('Do you want to proceed?');

    await world?.confirmDialog('plain');
    await waitUntil('idle once the turn ended', () => record('plain'), (instance) => instance.activity === 'idle' && api.pending() === 0).catch(withScreen('plain'));
    expect(await transitions('plain')).toEqual(['unknown→idle (screen)', 'idle→busy (screen)', 'busy→waiting (screen)', 'waiting→busy (screen)', 'busy→idle (screen)']);
    expect((await record('plain')).claudeSessionId).toBeNull();
  });

  it('with hooks, tells two agents in one directory apart', async () => {
    expect((await runCli(['hooks', 'install'], env)).code).toBe(0);
    for (const name of ['one', 'two']) expect((await runCli(['instances', 'create', name, '--cwd', work, '--start'], env)).stderr).toBe('');
    const [one, two] = await Promise.all(
      ['one', 'two'].map((name) => waitUntil(`${name}: SessionStart → idle`, () => record(name), (instance) => instance.activity === 'idle' && instance.claudeSessionId !== null).catch(withScreen(name))),
    );
    expect(one?.claudeSessionId).not.toBe(two?.claudeSessionId);

    api.script({ toolUse: { name: 'Bash', input: { command: 'touch one-marker.txt', description: 'Create a marker file' } } }, { text: 'All done.' });
    await prompt('one', 'Run the marker command please');
    const waiting = await waitUntil('one waits', () => record('one'), (instance) => instance.activity === 'waiting').catch(withScreen('one'));
    expect(waiting.activityReason).toBe('Bash: touch one-marker.txt');
    expect(await record('two')).toMatchObject({ activity: 'idle', claudeSessionId: two?.claudeSessionId });
    await world?.confirmDialog('one');
    await waitUntil('one idle again', () => record('one'), (instance) => instance.activity === 'idle' && api.pending() === 0).catch(withScreen('one'));
    // Which source spoke first for an idle prompt is a race (the screen poller may read the prompt
    // before SessionStart's hook lands); what matters is that one's turn never moved two.
    expect(withoutActor(await transitions('two'))).toEqual(['unknown→idle']);
    expect(withoutActor(await transitions('one'))).toEqual(['unknown→idle', 'idle→busy', 'busy→waiting', 'waiting→busy', 'busy→idle']);
  });

  it('a killed session is stopped and its agent exited; resume continues the same Claude session', async () => {
    const before = await record('one');
    await execFile('tmux', ['-S', tmux.socket, 'kill-session', '-t', '=one']);
    const killed = await waitUntil('stopped and exited', () => record('one'), (instance) => instance.status === 'stopped' && instance.activity === 'exited');
    expect(killed.claudeSessionId).toBe(before.claudeSessionId);

    const resume = await runCli(['instances', 'resume', 'one', '--json'], env);
    expect(resume.stderr).toBe('');
    expect(JSON.parse(resume.stdout)).toMatchObject({ name: 'one', status: 'running' });
    // SessionStart of the resumed Claude Code: idle again, under the same session id.
    const resumed = await waitUntil('SessionStart after resume', () => record('one'), (instance) => instance.activity === 'idle').catch(withScreen('one'));
    expect(resumed.claudeSessionId).toBe(before.claudeSessionId);
    // The screen may read the prompt before SessionStart's hook lands; either writes exited → idle.
    expect(withoutActor((await transitions('one')).slice(-1))).toEqual(['exited→idle']);

    // The conversation goes on: the next turn sends the model what was said before the kill.
    const sent = api.requests.length;
    api.script({ text: 'Resumed.' });
    await prompt('one', 'Go on please');
    await waitUntil('the next turn', () => Promise.resolve(api.requests.slice(sent).map((request) => JSON.stringify(request.body.messages ?? ''))), (bodies) => bodies.some((body) => body.includes('Go on please')));
    const turn = api.requests.slice(sent).find((request) => JSON.stringify(request.body.messages ?? '').includes('Go on please'));
    expect(JSON.stringify(turn?.body.messages)).toContain('Run the marker command please');

    const refused = await runCli(['instances', 'resume', 'two'], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('has not exited');
  });
});
