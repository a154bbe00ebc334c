// Working inside an instance (issue 10) through the manager, on a real tmux server and the real
// Docker Engine: output read and followed, text typed in arriving exactly as written and run by
// nothing, clear errors for what cannot be read or typed into, and the events a send writes.
import { execFile as execFileCallback, spawn } from 'node:child_process';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createTestTmux,
  ensureTestImage,
  openTestBridge,
  removeTestContainers,
  runTestContainer,
  TEST_RUN,
  testBackends,
  type TestBridge,
  type TestTmux,
} from '../../src/testing/index.ts';
import type { OutputUpdate } from '../../src/runtimes/output-update.ts';

const execFile = promisify(execFileCallback);

async function waitFor<T>(read: () => Promise<T> | T, isDone: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (isDone(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
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

/**
 * Runs a terminal command (as `attachTerminal` answers it) on a terminal of its own, which
 * script(1) makes, typing `input` into it; resolves to its exit code and what it printed. The
 * command's words carry no blanks or shell characters here, so joining them for script is safe.
 */
function onTerminal(command: { file: string; args: string[] }, input = ''): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', [command.file, ...command.args].join(' '), '/dev/null'], {
      env: { ...process.env, TMUX: '', TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stdin.write(input);
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * What a shell would run if it ever saw the text: a file made by `$(…)`, by backticks and after
 * a `;`, quotes left unbalanced, a newline in the middle, and a `;` at the very end (which tmux
 * itself reads as the end of a command unless the text is passed with care).
 */
function hostileText(marker: string): string {
  return `$(touch ${marker}-a) \`touch ${marker}-b\`; touch ${marker}-c && echo "it's" 'q\n-second line | cat > ${marker}-d;`;
}

async function noneCreated(marker: string): Promise<boolean> {
  const made = await Promise.all(['a', 'b', 'c', 'd'].map((suffix) => exists(`${marker}-${suffix}`)));
  return made.every((isMade) => !isMade);
}

describe.each(testBackends())('output and input of tmux instances (%s database)', (backend) => {
  let tmux: TestTmux;
  let bridge: TestBridge;
  let dir: string;

  /** A session of the test's own running `command` (no shell between), registered as a record of the same name. */
  async function session(name: string, command: string[]): Promise<void> {
    await execFile('tmux', ['-S', tmux.socket, 'new-session', '-d', '-s', name, '-x', '200', '-y', '50', '--', ...command]);
    await bridge.manager.createInstance({ name, tmuxSession: name });
  }

  beforeEach(async () => {
    tmux = await createTestTmux();
    bridge = await openTestBridge({ backend, tmuxSocket: tmux.socket, docker: false });
    dir = await mkdtemp(join(tmpdir(), 'cc-bridge-io-'));
  });
  afterEach(async () => {
    await bridge.dispose();
    await tmux.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the last lines a session printed, plain unless colours are asked for', async () => {
    await session('printer', ['sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done; printf "\\033[31mred\\033[0m\\n"; exec cat']);
    const plain = await waitFor(() => bridge.manager.readOutput('printer', { lines: 3 }), (text) => text.includes('red'));
    expect(plain).toBe('line4\nline5\nred');
    expect(await bridge.manager.readOutput('PRINTER')).toBe('line1\nline2\nline3\nline4\nline5\nred');
    expect(await bridge.manager.readOutput('printer', { lines: 1, colors: true })).toContain('\u001b[31mred');

    for (const lines of [0, 10_001, 1.5]) {
      await expect(bridge.manager.readOutput('printer', { lines })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('lines') });
    }
    await expect(bridge.manager.readOutput('nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('follows output: a new line arrives within a second, and the follow ends on abort', async () => {
    await session('chatty', ['sh', '-c', 'stty -echo; exec cat']);
    const controller = new AbortController();
    const followed = collect(await bridge.manager.followOutput('chatty', { signal: controller.signal }));

    const typedAt = Date.now();
    await bridge.manager.sendInput('chatty', 'a new line');
    await waitFor(followed.text, (text) => text === 'a new line\n', 1_000);
    expect(followed.text()).toBe('a new line\n');
    expect(Date.now() - typedAt).toBeLessThan(1_000);

    controller.abort();
    await followed.done;
    // Only the follower ended: the session runs on.
    expect((await bridge.manager.getInstanceStatus('chatty', { refresh: true })).status).toBe('running');
  });

  it('ends a follow when the session goes away instead of hanging, after the recent lines asked for', async () => {
    await session('short-lived', ['sh', '-c', 'echo one; echo two; echo three; exec cat']);
    await waitFor(() => bridge.manager.readOutput('short-lived'), (text) => text.includes('three'));
    const controller = new AbortController();
    const followed = collect(await bridge.manager.followOutput('short-lived', { signal: controller.signal, lines: 2 }));
    await waitFor(followed.text, (text) => text !== '');
    expect(followed.text()).toBe('two\nthree\n');

    await execFile('tmux', ['-S', tmux.socket, 'kill-session', '-t', '=short-lived']);
    await followed.done;
    expect(controller.signal.aborted).toBe(false);
  });

  it('types text into the program exactly as written: shell characters, quotes, a newline and a final ; run nothing', async () => {
    const received = join(dir, 'received');
    // No echo: the file holds exactly the bytes the terminal passed on.
    await session('agent', ['sh', '-c', 'stty -echo; exec cat > "$0"', received]);
    const marker = join(dir, 'ran');
    const text = hostileText(marker);

    const sent = await bridge.manager.sendInput('agent', text, { actor: 'alice' });
    expect(sent).toEqual({ chars: Array.from(text).length, enter: true });
    await bridge.manager.sendInput('agent', 'no enter;', { enter: false });
    await bridge.manager.sendInput('agent', ' then enter');
    expect(await waitFor(() => readFile(received, 'utf8'), (content) => content.endsWith('enter\n'))).toBe(`${text}\nno enter; then enter\n`);
    expect(await noneCreated(marker)).toBe(true);

    // Each send is an event naming the actor and what was typed, never the text itself.
    const sends = (await bridge.manager.listEvents('agent')).filter((event) => event.kind === 'action');
    expect(sends.map((event) => event.to)).toEqual([
      { action: 'send', ok: true, chars: Array.from(text).length, enter: true },
      { action: 'send', ok: true, chars: 9, enter: false },
      { action: 'send', ok: true, chars: 11, enter: true },
    ]);
    expect(sends[0]?.actor).toBe('alice');
    expect(JSON.stringify(sends)).not.toContain('touch');
  });

  it('refuses bad text and a stopped instance with clear errors, sending and writing nothing', async () => {
    await session('agent', ['cat']);
    for (const [text, options, words] of [
      ['nul\0inside', {}, 'NUL'],
      ['x'.repeat(8 * 1024 + 1), {}, '8192 bytes'],
      ['日'.repeat(3000), {}, '8192 bytes'],
      ['', { enter: false }, 'nothing to send'],
    ] as const) {
      await expect(bridge.manager.sendInput('agent', text, options)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining(words) });
    }
    await expect(bridge.manager.sendInput('nobody', 'hello')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await bridge.manager.listEvents('agent')).filter((event) => event.kind === 'action')).toEqual([]);
    expect(await bridge.manager.readOutput('agent')).toBe('');

    await bridge.manager.stopInstance('agent');
    const notRunning = { code: 'NOT_RUNNING', message: expect.stringMatching(/^"agent" is not running .*start it first: cc-bridge instances start agent$/) };
    await expect(bridge.manager.readOutput('agent')).rejects.toMatchObject(notRunning);
    await expect(bridge.manager.followOutput('agent', { signal: new AbortController().signal })).rejects.toMatchObject(notRunning);
    await expect(bridge.manager.sendInput('agent', 'hello')).rejects.toMatchObject(notRunning);
    await expect(bridge.manager.attachTerminal('agent')).rejects.toMatchObject(notRunning);
    // The refused send and attach are in the history, as failed actions.
    const actions = (await bridge.manager.listEvents('agent')).filter((event) => event.kind === 'action').map((event) => event.to);
    expect(actions).toEqual([
      { action: 'stop', ok: true },
      { action: 'send', ok: false, error: 'NOT_RUNNING', chars: 5, enter: true },
      { action: 'attach', ok: false, error: 'NOT_RUNNING' },
    ]);
  });

  it('answers the tmux attach of the configured server and the exact session, and writes an attach event', async () => {
    await session('agent', ['cat']);
    await session('agent-2', ['cat']);
    const command = await bridge.manager.attachTerminal('agent', { actor: 'alice' });
    expect(command).toMatchObject({ file: 'tmux', args: ['-S', tmux.socket, 'attach-session', '-t', '=agent'] });
    expect(command.description).toContain('detach');
    const [event] = (await bridge.manager.listEvents('agent')).filter((entry) => entry.kind === 'action');
    expect(event).toMatchObject({ to: { action: 'attach', ok: true }, actor: 'alice' });

    // Run on a terminal, the command attaches; detaching ends it with 0 and leaves the agent running.
    const attached = onTerminal(command);
    const clients = await waitFor(
      async () => (await execFile('tmux', ['-S', tmux.socket, 'list-clients', '-F', '#{session_name}'])).stdout,
      (stdout) => stdout.trim() !== '',
    );
    expect(clients.trim()).toBe('agent');
    await execFile('tmux', ['-S', tmux.socket, 'detach-client', '-s', '=agent']);
    expect((await attached).code).toBe(0);
    expect((await bridge.manager.getInstanceStatus('agent', { refresh: true })).status).toBe('running');
  });
});

describe('output and input of Docker instances on the real Engine', () => {
  let tmux: TestTmux;
  let bridge: TestBridge;
  let dir: string;

  /** A running test container and a record for it. */
  async function container(name: string, options: { command: string[]; openStdin?: boolean; tty?: boolean }): Promise<string> {
    const containerName = `cc-bridge-test-io-${TEST_RUN}-${name}`;
    const made = await runTestContainer({ name: containerName, ...options });
    await bridge.manager.createInstance({ name, type: 'docker', containerId: made.id, containerName });
    return made.id;
  }

  beforeAll(async () => {
    await ensureTestImage();
    await removeTestContainers();
    tmux = await createTestTmux();
    bridge = await openTestBridge({ tmuxSocket: tmux.socket });
    dir = await mkdtemp(join(tmpdir(), 'cc-bridge-io-'));
  });
  afterAll(async () => {
    await removeTestContainers();
    await bridge.dispose();
    await tmux.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the container\'s log, and follows it: a new line within a second, until abort', async () => {
    await container('logger', { command: ['sh', '-c', 'echo one; echo two; printf "\\033[32mgreen\\033[0m\\n"; exec cat'], openStdin: true });
    expect(await waitFor(() => bridge.manager.readOutput('logger', { lines: 2 }), (text) => text.includes('green'))).toBe('two\ngreen');
    expect(await bridge.manager.readOutput('logger', { lines: 1, colors: true })).toBe('\u001b[32mgreen\u001b[0m');

    const controller = new AbortController();
    const followed = collect(await bridge.manager.followOutput('logger', { signal: controller.signal }));
    const typedAt = Date.now();
    await bridge.manager.sendInput('logger', 'fresh');
    await waitFor(followed.text, (text) => text === 'fresh\n', 1_000);
    expect(followed.text()).toBe('fresh\n');
    expect(Date.now() - typedAt).toBeLessThan(1_000);
    controller.abort();
    await followed.done;
  });

  it('types into a container started with OpenStdin exactly as written, running nothing', async () => {
    const id = await container('stdin', { command: ['cat'], openStdin: true });
    const marker = `/tmp/cc-bridge-io-${TEST_RUN}`;
    const text = hostileText(marker);
    await bridge.manager.sendInput('stdin', text);
    const lines = text.split('\n');
    expect(await waitFor(() => bridge.manager.readOutput('stdin'), (output) => output.endsWith(lines[1] ?? ''))).toBe(text);
    // Nothing ran, in the container or here.
    expect(await noneCreated(marker)).toBe(true);
    const { stdout } = await execFile('docker', ['exec', id, 'ls', '/tmp']);
    expect(stdout).not.toContain('cc-bridge-io');
  });

  it('refuses input to a container without stdin with the runtime\'s message, and a stopped one as not running', async () => {
    await container('no-stdin', { command: ['sh', '-c', 'echo ready; exec sleep 3600'] });
    await expect(bridge.manager.sendInput('no-stdin', 'hello')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('keeps no stdin open (it was not created with OpenStdin, docker run -i)'),
    });

    await container('stopping', { command: ['sh', '-c', 'echo last words; trap "exit 0" TERM; sleep 3600 & wait'], openStdin: true });
    await waitFor(() => bridge.manager.readOutput('stopping'), (text) => text === 'last words');
    const controller = new AbortController();
    const followed = collect(await bridge.manager.followOutput('stopping', { signal: controller.signal }));
    await bridge.manager.stopInstance('stopping');
    // The follow ends with the container, not hanging on.
    await followed.done;
    expect(controller.signal.aborted).toBe(false);
    // A stopped container's log is still there to read; typing into it is refused.
    expect(await bridge.manager.readOutput('stopping')).toBe('last words');
    await expect(bridge.manager.sendInput('stopping', 'hello')).rejects.toMatchObject({ code: 'NOT_RUNNING', message: expect.stringContaining('is not running') });
    await expect(bridge.manager.attachTerminal('stopping')).rejects.toMatchObject({ code: 'NOT_RUNNING' });
  });

  it('answers a shell in the container on the same Engine as its attach command', async () => {
    const id = await container('shell', { command: ['sleep', '3600'] });
    const command = await bridge.manager.attachTerminal('shell');
    expect(command.file).toBe('docker');
    expect(command.args).toEqual(['-H', expect.stringMatching(/^(unix|tcp):\/\//), 'exec', '-it', id, 'sh']);
    // Run on a terminal, it is a shell inside the container; its exit code comes back.
    const { code, output } = await onTerminal(command, 'hostname\nexit 3\n');
    expect(output).toContain(id.slice(0, 12));
    expect(code).toBe(3);
  });
});
