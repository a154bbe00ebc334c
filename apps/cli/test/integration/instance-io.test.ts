// `cc-bridge instances logs`, `send` and `attach` (issue 10), the real command on a tmux server
// of the test's own: what a session printed, text typed into it, and the terminal handed over.
import { execFile as execFileCallback, spawn } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { binPath, cliDir, createSandbox, disposeSandboxes, type Sandbox } from './sandbox.ts';

afterEach(disposeSandboxes);

const execFile = promisify(execFileCallback);

async function waitFor<T>(read: () => Promise<T> | T, isDone: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (isDone(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A session running `command` (no shell between) on the sandbox's tmux server, registered under its name. */
async function session(sandbox: Sandbox, name: string, command: string[]): Promise<void> {
  await execFile('tmux', ['-S', sandbox.tmux.socket, 'new-session', '-d', '-s', name, '-x', '200', '-y', '50', '--', ...command]);
  const created = await sandbox.run(['instances', 'create', name]);
  expect(created.code).toBe(0);
}

/** Types into the session with tmux itself, beside the command under test. */
async function typeWithTmux(sandbox: Sandbox, name: string, text: string): Promise<void> {
  await execFile('tmux', ['-S', sandbox.tmux.socket, 'send-keys', '-l', '-t', `=${name}:`, '--', text, ';', 'send-keys', '-t', `=${name}:`, 'Enter']);
}

const printsLines = ['sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done; printf "\\033[31mred\\033[0m\\n"; exec cat'];
// A program that prints each line it is sent once: no terminal echo beside it.
const echoesOnce = ['sh', '-c', 'stty -echo; exec cat'];

describe('cc-bridge instances logs', () => {
  it('prints exactly the last N lines as plain text, escape codes only with --color', async () => {
    const sandbox = await createSandbox();
    await session(sandbox, 'printer', printsLines);
    const last3 = await waitFor(() => sandbox.run(['instances', 'logs', 'printer', '--lines', '3']), (result) => result.stdout.includes('red'));
    expect(last3).toMatchObject({ code: 0, stdout: 'line4\nline5\nred\n', stderr: '' });

    const coloured = await sandbox.run(['instances', 'logs', 'printer', '--lines', '1', '--color']);
    expect(coloured.code).toBe(0);
    // The line's colour, and a reset after it so that it does not run on into the prompt.
    expect(coloured.stdout.startsWith('\u001b[31mred')).toBe(true);
    expect(coloured.stdout.endsWith('\u001b[0m\n')).toBe(true);

    const tooMany = await sandbox.run(['instances', 'logs', 'printer', '--lines', '10001']);
    expect(tooMany).toMatchObject({ code: 2, stdout: '' });
    expect(tooMany.stderr).toContain("'--lines <n>' argument '10001' is invalid. must be between 1 and 10000");
  });

  it('--follow prints a line printed later, and exits 0 on Ctrl-C (SIGINT)', async () => {
    const sandbox = await createSandbox();
    await session(sandbox, 'chatty', echoesOnce);
    await typeWithTmux(sandbox, 'chatty', 'before');
    const follow = sandbox.start(['instances', 'logs', 'chatty', '--follow']);
    // Following has begun once the recent lines are out.
    await waitFor(() => follow.stdout(), (text) => text === 'before\n');
    expect(follow.stdout()).toBe('before\n');

    await typeWithTmux(sandbox, 'chatty', 'after');
    expect(await waitFor(() => follow.stdout(), (text) => text.includes('after'), 2_000)).toBe('before\nafter\n');
    follow.child.kill('SIGINT');
    expect(await follow.result).toMatchObject({ code: 0, stdout: 'before\nafter\n', stderr: '' });
    expect(await sandbox.hasTmuxSession('chatty')).toBe(true);
  });

  it('--follow prints a line still being drawn only once it is finished, and then once', async () => {
    const sandbox = await createSandbox();
    await session(sandbox, 'shell', ['env', 'PS1=ready> ', 'sh']);
    await waitFor(() => sandbox.run(['instances', 'logs', 'shell']), (result) => result.stdout.includes('ready>'));
    const follow = sandbox.start(['instances', 'logs', 'shell', '--follow']);
    await execFile('tmux', ['-S', sandbox.tmux.socket, 'send-keys', '-l', '-t', '=shell:', '--', 'echo part-$((2*2))']);
    await waitFor(() => execFile('tmux', ['-S', sandbox.tmux.socket, 'capture-pane', '-p', '-t', '=shell:']), ({ stdout }) => stdout.includes('$((2*2))'));
    // Several polls (250 ms) with the prompt and the typed text on screen: a pipe gets none of it yet.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(follow.stdout()).toBe('');

    await execFile('tmux', ['-S', sandbox.tmux.socket, 'send-keys', '-t', '=shell:', 'Enter']);
    await waitFor(() => follow.stdout(), (text) => text.includes('part-4\n'));
    await new Promise((resolve) => setTimeout(resolve, 600));
    follow.child.kill('SIGINT');
    expect(await follow.result).toMatchObject({ code: 0, stdout: 'ready> echo part-$((2*2))\npart-4\n', stderr: '' });
  });

  it('--follow ends by itself when the session ends, saying so', async () => {
    const sandbox = await createSandbox();
    await session(sandbox, 'brief', echoesOnce);
    await typeWithTmux(sandbox, 'brief', 'only line');
    const follow = sandbox.start(['instances', 'logs', 'brief', '--follow', '--lines', '1']);
    await waitFor(() => follow.stdout(), (text) => text === 'only line\n');
    await execFile('tmux', ['-S', sandbox.tmux.socket, 'kill-session', '-t', '=brief']);
    const result = await follow.result;
    expect(result).toMatchObject({ code: 0, stdout: 'only line\n' });
    expect(result.stderr).toBe('cc-bridge: brief stopped; its output ended\n');
  });
});

describe('cc-bridge instances send', () => {
  it('types the text as one literal argument, then Enter; logs then shows it, and nothing ran', async () => {
    const sandbox = await createSandbox();
    const dir = await mkdtemp(join(tmpdir(), 'cc-bridge-cli-send-'));
    try {
      await session(sandbox, 'agent', echoesOnce);
      const marker = join(dir, 'ran');
      const text = `$(touch ${marker}) \`touch ${marker}\`; touch ${marker} "it's";`;
      const sent = await sandbox.run(['instances', 'send', 'agent', text]);
      expect(sent).toMatchObject({ code: 0, stdout: '' });
      expect(sent.stderr).toBe(`Typed ${text.length} characters and Enter into agent.\n`);
      expect(await waitFor(() => sandbox.run(['instances', 'logs', 'agent', '--lines', '1']), (result) => result.stdout !== '')).toMatchObject({ stdout: `${text}\n` });

      // --no-enter holds the line; `-` reads the text from stdin (its final newline is the file's, not Enter).
      expect((await sandbox.run(['instances', 'send', 'agent', '--no-enter', 'held '])).code).toBe(0);
      expect((await sandbox.run(['instances', 'send', 'agent', '-'], {}, 'from stdin\n')).code).toBe(0);
      const logs = await waitFor(() => sandbox.run(['instances', 'logs', 'agent', '--lines', '1']), (result) => result.stdout.includes('stdin'));
      expect(logs.stdout).toBe('held from stdin\n');
      await expect(access(marker)).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a stopped instance as not running, with exit 1', async () => {
    const sandbox = await createSandbox();
    await session(sandbox, 'agent', echoesOnce);
    await execFile('tmux', ['-S', sandbox.tmux.socket, 'kill-session', '-t', '=agent']);
    const result = await sandbox.run(['instances', 'send', 'agent', 'hello']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^cc-bridge: "agent" is not running \(.*\); start it first: cc-bridge instances start agent\n$/);
  });
});

describe('cc-bridge instances attach', () => {
  it('refuses without a terminal, exit 1, saying why', async () => {
    const sandbox = await createSandbox();
    await session(sandbox, 'agent', echoesOnce);
    const result = await sandbox.run(['instances', 'attach', 'agent']);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain('attach needs a terminal');
  });

  it('hands a terminal over to tmux attach on the configured server, and returns 0 when detached', async () => {
    const sandbox = await createSandbox();
    await session(sandbox, 'agent', echoesOnce);
    // script(1) gives the command a terminal; the bin path has no blanks or shell characters.
    const attach = spawn('script', ['-qec', `${process.execPath} ${binPath} instances attach agent`, '/dev/null'], {
      cwd: cliDir,
      env: { ...sandbox.env, TERM: 'xterm', TMUX: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => attach.once('close', resolve));
    const clients = await waitFor(
      async () => (await execFile('tmux', ['-S', sandbox.tmux.socket, 'list-clients', '-F', '#{session_name}'])).stdout,
      (stdout) => stdout.trim() !== '',
    );
    expect(clients.trim()).toBe('agent');
    await execFile('tmux', ['-S', sandbox.tmux.socket, 'detach-client', '-s', '=agent']);
    expect(await exited).toBe(0);
    expect(await sandbox.hasTmuxSession('agent')).toBe(true);
  });
});
