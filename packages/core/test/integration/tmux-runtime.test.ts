import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CcBridgeError } from '../../src/errors.ts';
import type { TmuxRuntime } from '../../src/runtimes/runtime.ts';
import { createTmuxRuntime, type ExecFile } from '../../src/runtimes/tmux/tmux-runtime.ts';
import { createTestTmux, type TestTmux } from '../../src/testing/index.ts';

const execFileAsync = promisify(execFileCallback);
const realExecFile: ExecFile = (file, args) => execFileAsync(file, [...args], { encoding: 'utf8' });

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
    const counting: ExecFile = (file, args) => {
      tmuxCalls.push([...args]);
      return realExecFile(file, args);
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
    expect(tmuxCalls.every((args) => args[0] === '-S' && args[1] === server.socket)).toBe(true);

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
    await realExecFile('tmux', ['-S', server.socket, 'set-option', '-w', '-t', '=crashy:', 'remain-on-exit', 'on']);
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
    const noTmux: ExecFile = (_file, args) => realExecFile('/nonexistent/bin/tmux', args);
    const broken = createTmuxRuntime({ socket: server.socket, execFile: noTmux });
    const error: unknown = await broken.listSessions().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CcBridgeError);
    expect(error).toMatchObject({ code: 'TMUX_ERROR', message: 'tmux is not installed or not on PATH' });
  });
});

