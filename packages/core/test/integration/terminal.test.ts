import { execFile as execFileCallback } from 'node:child_process';
import { promisify } from 'node:util';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createDockerClient, openTerminal, type TerminalSession } from '../../src/terminal/index.ts';
import { createTestTmux, getTestDockerClient, removeTestContainers, runTestContainer, TEST_RUN, testInstance, type TestTmux } from '../../src/testing/index.ts';

const execFile = promisify(execFileCallback);

async function waitFor<T>(read: () => Promise<T> | T, isDone: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (isDone(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Everything a terminal printed, as text. */
function output(session: TerminalSession): () => string {
  const chunks: Buffer[] = [];
  session.onData((data) => chunks.push(data));
  return () => Buffer.concat(chunks).toString('utf8');
}

describe('openTerminal on a real tmux server', () => {
  let tmux: TestTmux;
  const tmuxArgs = (...args: string[]) => execFile('tmux', ['-S', tmux.socket, ...args]);
  const clients = async (session: string) => (await tmuxArgs('list-clients', '-t', `=${session}`, '-F', '#{client_width}')).stdout.split('\n').filter(Boolean);

  beforeEach(async () => {
    tmux = await createTestTmux();
    await tmuxArgs('new-session', '-d', '-s', 'work', '-x', '80', '-y', '24', 'sh');
  });
  afterEach(() => tmux.dispose());

  it('attaches a client that types into the session, follows resizes, and detaches on close leaving the session', async () => {
    const instance = testInstance({ name: 'work', type: 'tmux', tmuxSession: 'work' });
    const session = await openTerminal(instance, { cols: 100, rows: 30, readOnly: false, tmuxSocket: tmux.socket, docker: null });
    const text = output(session);
    expect(await waitFor(() => clients('work'), (list) => list.length === 1)).toEqual(['100']);

    session.write(Buffer.from('echo typed-$((40+2))\r'));
    expect(await waitFor(text, (value) => value.includes('typed-42'))).toContain('typed-42');
    session.resize({ cols: 61, rows: 20 });
    expect(await waitFor(() => clients('work'), (list) => list[0] === '61')).toEqual(['61']);

    await session.close();
    expect(await waitFor(() => clients('work'), (list) => list.length === 0)).toEqual([]);
    await expect(tmuxArgs('has-session', '-t', '=work')).resolves.toBeDefined();
  });

  it('read-only: the client is attached with -r and input never reaches the pane', async () => {
    const instance = testInstance({ name: 'work', type: 'tmux', tmuxSession: 'work' });
    const session = await openTerminal(instance, { cols: 80, rows: 24, readOnly: true, tmuxSocket: tmux.socket, docker: null });
    await waitFor(() => clients('work'), (list) => list.length === 1);
    expect((await tmuxArgs('list-clients', '-t', '=work', '-F', '#{client_readonly}')).stdout.trim()).toBe('1');
    session.write(Buffer.from('echo never-$((1+1))\r'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await tmuxArgs('capture-pane', '-p', '-t', '=work:')).stdout).not.toContain('never-2');
    await session.close();
  });

  it('refuses a record without a session', async () => {
    await expect(openTerminal(testInstance({ name: 'bare', type: 'tmux' }), { cols: 80, rows: 24, readOnly: false, tmuxSocket: tmux.socket, docker: null })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('openTerminal in a real container', () => {
  beforeAll(() => removeTestContainers());
  afterAll(() => removeTestContainers());

  it('runs a shell with a TTY, and closing ends that shell but not the container', async () => {
    const container = await runTestContainer({ name: `cc-bridge-terminal-${TEST_RUN}`, command: ['sleep', '3600'] });
    const { Id: id } = await container.inspect();
    const instance = testInstance({ name: 'box', type: 'docker', containerId: id, containerName: 'box' });
    const session = await openTerminal(instance, { cols: 77, rows: 22, readOnly: false, tmuxSocket: null, docker: createDockerClient(null) });
    const text = output(session);

    session.write(Buffer.from('stty size; ls /\r'));
    expect(await waitFor(text, (value) => value.includes('22 77') && value.includes('proc'))).toMatch(/22 77[\s\S]*proc/);
    const commands = async () => {
      // dockerode types `top()` as any: a list of rows whose last column is the command.
      const top = (await getTestDockerClient().getContainer(id).top()) as { Processes: string[][] };
      return top.Processes.map((row) => row.at(-1));
    };
    expect(await commands()).toContain('sh');

    await session.close();
    expect(await waitFor(commands, (list) => !list.includes('sh'))).toEqual(['sleep 3600']);
    expect((await container.inspect()).State.Running).toBe(true);
  });
});
