import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CcBridgeError } from '../../src/errors.ts';
import type { TmuxRuntime } from '../../src/runtimes/runtime.ts';
import { boundedExecFile, createTmuxRuntime, type ExecFile } from '../../src/runtimes/tmux/tmux-runtime.ts';
import { createTestTmux, type TestTmux } from '../../src/testing/index.ts';

const execFileAsync = promisify(execFileCallback);
const realExecFile: ExecFile = (file, args, options) => boundedExecFile(file, args, options);

const longRunning = ['sleep', '3600'];

async function waitFor<T>(read: () => Promise<T>, isDone: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (isDone(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('tmux runtime on a real tmux server', () => {
  let server: TestTmux;
  let tmux: TmuxRuntime;
  let tmuxCalls: string[][];

  beforeEach(async () => {
    server = await createTestTmux();
    tmuxCalls = [];
    const counting: ExecFile = (file, args, options) => {
      tmuxCalls.push([...args]);
      return realExecFile(file, args, options);
    };
    tmux = createTmuxRuntime({ socket: server.socket, execFile: counting });
  });

  afterEach(async () => {
    await server.dispose();
  });

  it('lists no sessions, without an error, when the server has not started', async () => {
    expect((await tmux.listSessions()).size).toBe(0);
    expect(await tmux.getSession('anything')).toBeNull();
  });

  it('starts a detached session on its own socket and reports it running', async () => {
    const started = await tmux.startSession({ name: 'api', command: longRunning });
    expect(started).toMatchObject({ name: 'api', isAlive: true });
    expect(started.panePid).toBeGreaterThan(0);
    expect(started.createdAt).toBeInstanceOf(Date);
    expect(tmuxCalls.every((args) => args.slice(0, 3).join(' ') === `-u -S ${server.socket}`)).toBe(true);

    const session = await tmux.getSession('api');
    expect(session).toMatchObject({ name: 'api', panePid: started.panePid, isAlive: true });
  });

  it('matches session names exactly: bill is not billing', async () => {
    await tmux.startSession({ name: 'billing', command: longRunning });
    expect(await tmux.getSession('bill')).toBeNull();
    expect(await tmux.capturePane('bill').catch((error: unknown) => error)).toMatchObject({ code: 'NOT_FOUND' });
    await tmux.killSession('bill');
    expect(await tmux.getSession('billing')).not.toBeNull();

    const bill = await tmux.startSession({ name: 'bill', command: longRunning });
    const billing = await tmux.getSession('billing');
    expect((await tmux.getSession('bill'))?.panePid).toBe(bill.panePid);
    expect(billing?.panePid).not.toBe(bill.panePid);
  });

  it('reads one session with one tmux call', async () => {
    await tmux.startSession({ name: 'single', command: longRunning });
    tmuxCalls = [];
    expect(await tmux.getSession('single')).toMatchObject({ name: 'single', isAlive: true });
    expect(await tmux.getSession('missing')).toBeNull();
    expect(tmuxCalls).toHaveLength(2);
  });

  it('lists every session with one tmux call', async () => {
    const names = ['one', 'two words', 'three'];
    for (const name of names) await tmux.startSession({ name, command: longRunning });
    tmuxCalls = [];

    const sessions = await tmux.listSessions();

    expect(tmuxCalls).toHaveLength(1);
    expect([...sessions.keys()].sort()).toEqual([...names].sort());
    for (const name of names) expect(sessions.get(name)).toMatchObject({ name, isAlive: true });
  });

  it('reads a pane whose process was killed as not alive while tmux keeps the session', async () => {
    const started = await tmux.startSession({ name: 'crashy', command: longRunning });
    // remain-on-exit keeps the dead pane, as a user's tmux config may.
    await execFileAsync('tmux', ['-S', server.socket, 'set-option', '-w', '-t', '=crashy:', 'remain-on-exit', 'on']);
    if (started.panePid === null) throw new Error('tmux reported no pane pid');
    process.kill(started.panePid, 'SIGKILL');

    const session = await waitFor(() => tmux.getSession('crashy'), (value) => value?.isAlive === false);
    expect(session).toMatchObject({ name: 'crashy', isAlive: false });
    expect((await tmux.listSessions()).get('crashy')?.isAlive).toBe(false);
  });

  it('forgets a session whose process exited', async () => {
    const started = await tmux.startSession({ name: 'short', command: longRunning });
    if (started.panePid === null) throw new Error('tmux reported no pane pid');
    process.kill(started.panePid, 'SIGKILL');

    expect(await waitFor(() => tmux.getSession('short'), (value) => value === null)).toBeNull();
  });

  it('kills a session, and killing a missing one is not an error', async () => {
    await tmux.startSession({ name: 'doomed', command: longRunning });
    await tmux.startSession({ name: 'kept', command: longRunning });
    expect(await tmux.killSession('doomed')).toBe(true);
    expect(await tmux.getSession('doomed')).toBeNull();
    expect(await tmux.getSession('kept')).not.toBeNull();

    expect(await tmux.killSession('doomed')).toBe(false);
    expect(await tmux.killSession('kept')).toBe(true);
    // The server exited with its last session.
    expect(await tmux.killSession('kept')).toBe(false);
  });

  it('refuses a name that is taken with TMUX_ERROR', async () => {
    await tmux.startSession({ name: 'taken', command: longRunning });
    await expect(tmux.startSession({ name: 'taken', command: longRunning })).rejects.toMatchObject({
      code: 'TMUX_ERROR',
      message: expect.stringContaining('already exists'),
    });
  });

  it('passes command arguments to the program verbatim, not through a shell', async () => {
    const literal = '$HOME && `id`; echo pwned';
    await tmux.startSession({ name: 'argv', command: ['sh', '-c', 'echo "[$1]"; sleep 3600', 'sh', literal] });
    const output = await waitFor(() => tmux.capturePane('argv'), (text) => text.includes('['));
    expect(output).toBe(`[${literal}]`);
  });

  it('starts the command in the given directory and rejects a missing one', async () => {
    const dir = await realpath(await mkdtemp(join(tmpdir(), 'cc-bridge-cwd-')));
    try {
      await tmux.startSession({ name: 'here', cwd: dir, command: ['sh', '-c', 'pwd; sleep 3600'] });
      expect(await waitFor(() => tmux.capturePane('here'), (text) => text !== '')).toBe(dir);

      const missing = join(dir, 'missing');
      await expect(tmux.startSession({ name: 'nowhere', cwd: missing, command: longRunning })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
      expect(await tmux.getSession('nowhere')).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('captures the last lines a pane shows', async () => {
    await tmux.startSession({ name: 'chatty', command: ['sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done; sleep 3600'] });
    await waitFor(() => tmux.capturePane('chatty'), (text) => text.includes('line5'));
    expect(await tmux.capturePane('chatty', 2)).toBe('line4\nline5');
  });

  it('reports a missing tmux binary as TMUX_ERROR', async () => {
    const noTmux: ExecFile = (_file, args, options) => realExecFile('/nonexistent/bin/tmux', args, options);
    const broken = createTmuxRuntime({ socket: server.socket, execFile: noTmux });
    const error: unknown = await broken.listSessions().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CcBridgeError);
    expect(error).toMatchObject({ code: 'TMUX_ERROR', message: 'tmux is not installed or not on PATH' });
  });
});


/** The pid of the server behind a socket, as tmux reports it (`#{pid}`). */
async function serverPid(socket: string): Promise<number> {
  const { stdout } = await execFileAsync('tmux', ['-S', socket, 'display-message', '-p', '#{pid}'], { encoding: 'utf8' });
  return Number(stdout.trim());
}

async function timed(promise: Promise<unknown>): Promise<{ outcome: unknown; ms: number }> {
  const started = Date.now();
  const outcome = await promise.then(
    (value: unknown) => ({ resolved: value }),
    (error: unknown) => error,
  );
  return { outcome, ms: Date.now() - started };
}

describe('a tmux server that does not answer (SIGSTOP)', () => {
  let server: TestTmux;
  let pid: number;

  beforeEach(async () => {
    server = await createTestTmux();
    await execFileAsync('tmux', ['-S', server.socket, 'new-session', '-d', '-s', 'frozen', 'sleep 3600']);
    pid = await serverPid(server.socket);
    process.kill(pid, 'SIGSTOP');
  });

  afterEach(async () => {
    process.kill(pid, 'SIGCONT');
    await server.dispose();
  });

  it('fails every call with TMUX_ERROR within the bound instead of reading silence as "no session"', async () => {
    const tmux = createTmuxRuntime({ socket: server.socket, timeoutMs: 500 });
    const calls: [string, () => Promise<unknown>][] = [
      ['listSessions', () => tmux.listSessions()],
      ['getSession', () => tmux.getSession('frozen')],
      ['capturePane', () => tmux.capturePane('frozen')],
      ['killSession', () => tmux.killSession('frozen')],
      ['startSession', () => tmux.startSession({ name: 'another', command: longRunning })],
    ];
    for (const [name, call] of calls) {
      const { outcome, ms } = await timed(call());
      expect(outcome, name).toBeInstanceOf(CcBridgeError);
      expect(outcome, name).toMatchObject({ code: 'TMUX_ERROR', message: `tmux ${name === 'listSessions' || name === 'getSession' ? 'list-panes' : name === 'capturePane' ? 'capture-pane' : name === 'killSession' ? 'kill-session' : 'new-session'} on tmux server ${server.socket} did not answer within 0.5 s` });
      expect(ms, name).toBeLessThan(1_500);
    }
  });
});

describe('tmux output in a locale that is not UTF-8', () => {
  let server: TestTmux;
  let savedLocale: string | undefined;

  beforeEach(async () => {
    server = await createTestTmux();
    // Sessions someone else made, in a UTF-8 locale, with names cc-bridge would not choose.
    for (const name of ['naïve', '日本語', 'two words']) {
      await execFileAsync('tmux', ['-S', server.socket, 'new-session', '-d', '-s', name, 'sleep 3600']);
    }
    // The tmux client inherits this process's environment.
    savedLocale = process.env.LC_ALL;
    process.env.LC_ALL = 'C';
  });

  afterEach(async () => {
    if (savedLocale === undefined) delete process.env.LC_ALL;
    else process.env.LC_ALL = savedLocale;
    await server.dispose();
  });

  it('reads and starts sessions as in a UTF-8 locale', async () => {
    const tmux = createTmuxRuntime({ socket: server.socket });
    const started = await tmux.startSession({ name: 'plain', command: longRunning });
    expect(started).toMatchObject({ name: 'plain', isAlive: true });

    const sessions = await tmux.listSessions();
    expect([...sessions.keys()].sort()).toEqual(['naïve', 'plain', 'two words', '日本語'].sort());
    for (const session of sessions.values()) expect(session.isAlive).toBe(true);
    expect(await tmux.getSession('plain')).toMatchObject({ name: 'plain', panePid: started.panePid, isAlive: true });
    expect(await tmux.getSession('naïve')).toMatchObject({ name: 'naïve', isAlive: true });
  });

  it('kills a session it started when it cannot read what tmux printed about it', async () => {
    // Without -u the client writes `_` for the tabs: the old failure, reproduced through the seam.
    const withoutUtf8: ExecFile = (file, args, options) => realExecFile(file, args.filter((arg) => arg !== '-u'), options);
    const tmux = createTmuxRuntime({ socket: server.socket, execFile: withoutUtf8 });
    const outcome = await tmux.startSession({ name: 'orphan', command: longRunning }).catch((error: unknown) => error);
    expect(outcome).toMatchObject({ code: 'TMUX_ERROR', message: expect.stringContaining('not in the format') });
    const sessions = await execFileAsync('tmux', ['-S', server.socket, 'list-sessions', '-F', '#{session_name}'], { encoding: 'utf8' });
    expect(sessions.stdout.split('\n')).not.toContain('orphan');
  });
});
