import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Instance } from '../../src/instance.ts';
import type { Runtime } from '../../src/runtimes/instance-runtime.ts';
import type { OutputUpdate } from '../../src/runtimes/output-update.ts';
import { createTmuxInstanceRuntime } from '../../src/runtimes/tmux/tmux-instance-runtime.ts';
import { boundedExecFile, createTmuxRuntime, type ExecFile } from '../../src/runtimes/tmux/tmux-runtime.ts';
import { createTestTmux, testInstance, type TestTmux } from '../../src/testing/index.ts';

const execFileAsync = promisify(execFileCallback);

/** A session command that echoes what it is sent, as a terminal program would. */
const echoing = ['cat'];

async function waitFor<T>(read: () => Promise<T>, isDone: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (isDone(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Collects a stream's chunks in the background until it ends. */
function collect(stream: AsyncIterable<OutputUpdate>): { text: () => string; current: () => string; updates: OutputUpdate[]; done: Promise<void> } {
  const updates: OutputUpdate[] = [];
  const done = (async () => {
    for await (const update of stream) updates.push(update);
  })();
  return { text: () => updates.map((update) => update.text).join(''), current: () => updates.at(-1)?.current ?? '', updates, done };
}

describe('the tmux Runtime on a real tmux server', () => {
  let server: TestTmux;
  let calls: string[][];
  let runtime: Runtime;
  let dir: string;

  const record = (name: string, fields: Partial<Instance> = {}) => testInstance({ name, type: 'tmux', tmuxSession: name, ...fields });
  const make = (command: readonly string[]) => {
    const counting: ExecFile = (file, args, options) => {
      calls.push([...args]);
      return boundedExecFile(file, args, options);
    };
    return createTmuxInstanceRuntime(createTmuxRuntime({ socket: server.socket, execFile: counting }), { command, startGraceMs: 200, followIntervalMs: 100 });
  };

  beforeEach(async () => {
    server = await createTestTmux();
    calls = [];
    runtime = make(echoing);
    dir = await realpath(await mkdtemp(join(tmpdir(), 'cc-bridge-runtime-')));
  });

  afterEach(async () => {
    await server.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('has no change feed', () => {
    expect(runtime.type).toBe('tmux');
    expect(runtime.changes).toBeUndefined();
  });

  it('starts the configured command in the record\'s cwd and observes it running', async () => {
    const here = make(['sh', '-c', 'pwd; exec cat']);
    const api = record('api', { cwd: dir });
    expect(await here.observe(api)).toEqual({ status: 'created', isSeen: false });

    const started = await here.start(api);
    expect(started).toMatchObject({ status: 'running', isSeen: true });
    expect(started.pid).toBeGreaterThan(0);
    expect(await waitFor(() => here.readOutput(api), (text) => text !== '')).toBe(dir);
    expect(await here.observe({ ...api, status: 'running' })).toEqual(started);

    // Starting a running session leaves it as it is.
    expect((await here.start(api)).pid).toBe(started.pid);
  });

  it('starts again a session whose pane died and was kept (remain-on-exit)', async () => {
    const api = record('api');
    const started = await runtime.start(api);
    await execFileAsync('tmux', ['-S', server.socket, 'set-option', '-w', '-t', '=api:', 'remain-on-exit', 'on']);
    if (!started.pid) throw new Error('tmux reported no pane pid');
    process.kill(started.pid, 'SIGKILL');
    await waitFor(() => runtime.observe({ ...api, status: 'running' }), (observation) => observation.status === 'stopped');
    expect(await runtime.observe({ ...api, status: 'running' })).toMatchObject({ status: 'stopped', isSeen: true });

    const again = await runtime.start({ ...api, status: 'stopped' });
    expect(again).toMatchObject({ status: 'running', isSeen: true });
    expect(again.pid).not.toBe(started.pid);
  });

  it('refuses a start whose command ends at once, leaving no session', async () => {
    const failing = make(['sh', '-c', 'exit 3']);
    await expect(failing.start(record('brief'))).rejects.toMatchObject({ code: 'TMUX_ERROR', message: expect.stringContaining('ended as soon as it started') });
    expect(await failing.observe({ ...record('brief'), status: 'running' })).toMatchObject({ status: 'stopped', isSeen: false });
  });

  it('launches a new record\'s session, named after it unless given, and undoes it', async () => {
    expect(runtime.recordIdentity({ name: 'api' })).toEqual({ tmuxSession: 'api' });
    expect(runtime.recordIdentity({ name: 'api', tmuxSession: 'work' })).toEqual({ tmuxSession: 'work' });
    const launched = await runtime.launch({ name: 'api', type: 'tmux', tmuxSession: 'work', cwd: dir });
    expect(launched.fields).toMatchObject({ tmuxSession: 'work', status: 'running' });
    expect(launched.fields.pid).toBeGreaterThan(0);
    expect(launched.description).toBe('the tmux session work');
    await launched.undo();
    expect(await runtime.observe(record('work', { status: 'running' }))).toEqual({ status: 'stopped', isSeen: false });

    await expect(make(['sh', '-c', 'exit 3']).launch({ name: 'brief', type: 'tmux' })).rejects.toMatchObject({ code: 'TMUX_ERROR' });
    expect(await runtime.observe(record('brief', { status: 'running' }))).toEqual({ status: 'stopped', isSeen: false });
  });

  it('refuses a missing working directory and a record without a session', async () => {
    await expect(runtime.start(record('nowhere', { cwd: join(dir, 'missing') }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const cleared = record('cleared', { tmuxSession: null });
    await expect(runtime.start(cleared)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(runtime.readOutput(cleared)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await runtime.remove(cleared)).toBe(false);
  });

  it('stops by killing the session, restarts with a new one, and removes it', async () => {
    const api = record('api');
    const started = await runtime.start(api);
    const stopped = await runtime.stop({ ...api, status: 'running' });
    expect(stopped).toEqual({ status: 'stopped', isSeen: false });
    expect(await runtime.observe({ ...api, status: 'running' })).toEqual(stopped);
    // Stopping what is not running is not an error.
    expect(await runtime.stop({ ...api, status: 'stopped' })).toEqual(stopped);

    const restarted = await runtime.restart({ ...api, status: 'stopped' });
    expect(restarted).toMatchObject({ status: 'running', isSeen: true });
    expect(restarted.pid).not.toBe(started.pid);
    const again = await runtime.restart({ ...api, status: 'running' });
    expect(again.pid).not.toBe(restarted.pid);

    expect(await runtime.remove(api)).toBe(true);
    expect(await runtime.remove(api)).toBe(false);
  });

  it('observes every record with one list-panes call', async () => {
    const one = record('one');
    const two = record('two words');
    await runtime.start(one);
    await runtime.start(two);
    const gone = { ...record('gone'), status: 'running' as const };
    const neverStarted = record('never');
    const cleared = { ...record('cleared', { tmuxSession: null }), status: 'running' as const };
    calls = [];

    const { observations, engine } = await runtime.observeAll([one, two, gone, neverStarted, cleared]);

    expect(calls).toEqual([expect.arrayContaining(['list-panes', '-a'])]);
    expect(engine).toBeNull();
    expect(observations.get(one.id)).toMatchObject({ status: 'running', isSeen: true });
    expect(observations.get(two.id)).toMatchObject({ status: 'running', isSeen: true });
    expect(observations.get(gone.id)).toEqual({ status: 'stopped', isSeen: false });
    expect(observations.get(neverStarted.id)).toEqual({ status: 'created', isSeen: false });
    expect(observations.get(cleared.id)).toEqual({ status: 'stopped', isSeen: false });
    // The status before an outage decides for a record the outage made unknown.
    const before = new Map([[neverStarted.id, 'created' as const]]);
    expect((await runtime.observeAll([{ ...neverStarted, status: 'unknown' }], before)).observations.get(neverStarted.id)?.status).toBe('created');
  });

  it('sends literal text to the program and reads it back', async () => {
    const api = record('api');
    await runtime.start(api);
    const literal = '-n $HOME && `id`; Enter C-c "quoted"';
    await runtime.sendInput(api, { text: literal });
    // The terminal echoes the line, then cat prints it again.
    expect(await waitFor(() => runtime.readOutput(api), (text) => text.split('\n').length >= 2)).toBe(`${literal}\n${literal}`);

    // A key name alone is typed as its letters, not pressed.
    await runtime.sendInput(api, { text: 'Enter' });
    expect(await waitFor(() => runtime.readOutput(api, { lines: 2 }), (text) => text === 'Enter\nEnter')).toBe('Enter\nEnter');

    await runtime.sendInput(api, { text: 'held', enter: false });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await runtime.readOutput(api, { lines: 1 })).toBe('held');
    await runtime.sendInput(api, { text: '' });
    expect(await waitFor(() => runtime.readOutput(api, { lines: 2 }), (text) => text === 'held\nheld')).toBe('held\nheld');

    await expect(runtime.sendInput(api, { text: '', enter: false })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(runtime.sendInput(record('missing'), { text: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reads the last lines, with colours only when asked', async () => {
    const colourful = make(['sh', '-c', 'for i in 1 2 3; do echo line$i; done; printf "\\033[31mred\\033[0m\\n"; exec cat']);
    const api = record('api');
    await colourful.start(api);
    expect(await waitFor(() => colourful.readOutput(api, { lines: 2 }), (text) => text.includes('red'))).toBe('line3\nred');
    expect(await colourful.readOutput(api, { lines: 1, colors: true })).toContain('\u001b[31mred');
    await expect(colourful.readOutput(record('missing'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('follows output: a line printed after it began, until the signal fires', async () => {
    const api = record('api');
    await runtime.start(api);
    await runtime.sendInput(api, { text: 'before' });
    await waitFor(() => runtime.readOutput(api), (text) => text.split('\n').length >= 2);
    const controller = new AbortController();
    const followed = collect(await runtime.followOutput(api, { signal: controller.signal }));

    await runtime.sendInput(api, { text: 'after' });
    await waitFor(() => Promise.resolve(followed.text()), (text) => text === 'after\nafter\n');
    expect(followed.text()).toBe('after\nafter\n');

    controller.abort();
    await followed.done;
    // The session goes on; only the follower ended.
    expect(await runtime.observe({ ...api, status: 'running' })).toMatchObject({ status: 'running' });
  });

  it('follows from the last lines when asked, and ends when the session does', async () => {
    const api = record('api');
    await runtime.start(api);
    for (const [index, text] of ['one', 'two'].entries()) {
      await runtime.sendInput(api, { text });
      // Each line echoed by the terminal, then by cat, before the next is typed.
      await waitFor(() => runtime.readOutput(api), (output) => output.split('\n').length >= 2 * (index + 1));
    }
    const followed = collect(await runtime.followOutput(api, { signal: new AbortController().signal, lines: 2 }));
    await waitFor(() => Promise.resolve(followed.text()), (text) => text !== '');
    expect(followed.text()).toBe('two\ntwo\n');

    await runtime.stop(api);
    await followed.done;
    await expect(runtime.followOutput(api, { signal: new AbortController().signal })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
  it('follows the line being drawn: a bare prompt, text typed at it without Enter, then that line finished once', async () => {
    const shell = make(['env', 'PS1=ready> ', 'sh']);
    const api = record('api');
    await shell.start(api);
    await waitFor(() => shell.readOutput(api), (text) => text.includes('ready>'));
    const controller = new AbortController();
    const followed = collect(await shell.followOutput(api, { signal: controller.signal, lines: 10 }));
    // The prompt ends in no newline: it is the line being drawn, not a finished one.
    expect(await waitFor(() => Promise.resolve(followed.current()), (current) => current !== '')).toBe('ready> ');
    expect(followed.text()).toBe('');

    const command = 'echo drawn-$((6*7))';
    await shell.sendInput(api, { text: command, enter: false });
    expect(await waitFor(() => Promise.resolve(followed.current()), (current) => current === `ready> ${command}`, 2_000)).toBe(`ready> ${command}`);
    expect(followed.text()).toBe('');

    await shell.sendInput(api, { text: '' });
    await waitFor(() => Promise.resolve(followed.text()), (text) => text.includes('drawn-42\n'));
    expect(await waitFor(() => Promise.resolve(followed.current()), (current) => current === 'ready> ')).toBe('ready> ');
    // The typed line moved from the line being drawn into the finished ones exactly once.
    expect(followed.text()).toBe(`ready> ${command}\ndrawn-42\n`);
    // Every update changed something.
    expect(followed.updates.every((update, index) => update.text !== '' || update.current !== followed.updates[index - 1]?.current)).toBe(true);

    controller.abort();
    await followed.done;
  });
});

describe('the tmux Runtime on a server that does not answer (SIGSTOP)', () => {
  let server: TestTmux;
  let pid: number;

  beforeEach(async () => {
    server = await createTestTmux();
    await execFileAsync('tmux', ['-S', server.socket, 'new-session', '-d', '-s', 'frozen', 'cat']);
    const { stdout } = await execFileAsync('tmux', ['-S', server.socket, 'display-message', '-p', '#{pid}'], { encoding: 'utf8' });
    pid = Number(stdout.trim());
    process.kill(pid, 'SIGSTOP');
  });

  afterEach(async () => {
    process.kill(pid, 'SIGCONT');
    await server.dispose();
  });

  it('fails every call with TMUX_ERROR within the bound', async () => {
    const runtime = createTmuxInstanceRuntime(createTmuxRuntime({ socket: server.socket, timeoutMs: 500 }), { command: ['cat'] });
    const frozen = testInstance({ name: 'frozen', type: 'tmux', tmuxSession: 'frozen', status: 'running' });
    const signal = new AbortController().signal;
    const calls: [string, () => Promise<unknown>][] = [
      ['observe', () => runtime.observe(frozen)],
      ['observeAll', () => runtime.observeAll([frozen])],
      ['stop', () => runtime.stop(frozen)],
      ['readOutput', () => runtime.readOutput(frozen)],
      ['followOutput', () => runtime.followOutput(frozen, { signal })],
      ['sendInput', () => runtime.sendInput(frozen, { text: 'x' })],
    ];
    for (const [name, call] of calls) {
      const started = Date.now();
      await expect(call(), name).rejects.toMatchObject({ code: 'TMUX_ERROR', message: expect.stringContaining('did not answer within 0.5 s') });
      expect(Date.now() - started, name).toBeLessThan(1_500);
    }
  });
});
