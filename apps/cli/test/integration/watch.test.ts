// `cc-bridge instances watch`, the real command (bin/cc-bridge.js and its bundle) in a real
// terminal: a tmux pane on a tmux server of the test's own, read with `capture-pane -p`, keys sent
// with `send-keys`. The registry is a fresh embedded database; the watch opens it itself (owner
// linger 0), and the other commands reach it through the watch's process. Docker is off.
import { execFile as execFileCallback, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createTestTmux, TEST_RUN, type TestTmux } from '@cc-bridge/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { binPath, cliDir, inheritedEnv, runCli, type CliResult } from './sandbox.ts';

const execFile = promisify(execFileCallback);

interface Sandbox {
  dir: string;
  env: Record<string, string>;
  /** The tmux server the watch's terminal runs on (not the one cc-bridge's records use). */
  viewer: TestTmux;
  /** Runs `cc-bridge ARGS` to its end: another process than the watch. */
  run(args: readonly string[]): Promise<CliResult>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function createSandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-bridge-watch-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const records = await createTestTmux();
  cleanups.push(() => records.dispose());
  const viewer = await createTestTmux();
  cleanups.push(() => viewer.dispose());
  const env = {
    ...inheritedEnv(),
    HOME: dir,
    CC_BRIDGE_DATA_DIR: join(dir, 'db'),
    CC_BRIDGE_TMUX_SOCKET: records.socket,
    CC_BRIDGE_DOCKER_ENABLED: '0',
    CC_BRIDGE_OWNER_LINGER: '0',
  };
  return {
    dir,
    env,
    viewer,
    run: (args) => runCli(args, env),
  };
}

interface WatchPane {
  /** The pane's visible text now. */
  screen: () => Promise<string>;
  sendKeys: (...keys: string[]) => Promise<void>;
  /** The watch's exit code once it has ended (the pane's command writes it to a file). */
  exitCode: () => Promise<string | null>;
  /** The watch's process id (the child of the pane's shell). */
  pid: () => Promise<number>;
}

/** `cc-bridge instances watch ARGS` in a 120×30 tmux pane whose command records the exit code. */
async function startWatch(sandbox: Sandbox, args: readonly string[] = []): Promise<WatchPane> {
  const codeFile = join(sandbox.dir, 'watch-exit-code');
  const tmux = (tmuxArgs: readonly string[]) => execFile('tmux', ['-S', sandbox.viewer.socket, '-f', '/dev/null', ...tmuxArgs], { env: sandbox.env });
  // The script is fixed; the paths come in as its arguments. The pane stays after the watch
  // ends (sleep), so the restored screen can be read.
  await tmux([
    'new-session', '-d', '-s', 'watch', '-x', '120', '-y', '30', '--',
    'sh', '-c', 'bin=$1 code=$2; shift 2; node "$bin" instances watch "$@"; echo $? > "$code"; exec sleep 600', 'sh', binPath, codeFile, ...args,
  ]);
  return {
    screen: async () => (await tmux(['capture-pane', '-p', '-t', '=watch:'])).stdout,
    sendKeys: async (...keys) => {
      await tmux(['send-keys', '-t', '=watch:', ...keys]);
    },
    pid: async () => {
      const shell = (await tmux(['display-message', '-p', '-t', '=watch:', '#{pane_pid}'])).stdout.trim();
      const { stdout } = await execFile('pgrep', ['-P', shell]);
      return Number(stdout.trim());
    },
    exitCode: async () => {
      try {
        return (await readFile(codeFile, 'utf8')).trim();
      } catch {
        return null;
      }
    },
  };
}

/** Polls `read` every 100 ms until `isDone` holds; fails with the last value after `timeoutMs`. */
async function waitFor<T>(read: () => Promise<T>, isDone: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!isDone(value)) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms; last seen:\n${String(value)}`);
    await sleep(100);
    value = await read();
  }
  return value;
}

const rowOf = (screen: string, name: string) => screen.split('\n').find((line) => line.startsWith(`${name} `));

describe('cc-bridge instances watch', () => {
  it('shows a record another process creates without a key press, and exits 0 on q with the screen restored', async () => {
    const sandbox = await createSandbox();
    const pane = await startWatch(sandbox);
    // The watch opens a fresh database (migrations): the first frame takes seconds, more on a busy machine.
    const empty = await waitFor(pane.screen, (screen) => screen.includes('No instances yet'), 60_000);
    expect(empty).toMatch(/^0 instances · watching since \d\d:\d\d:\d\d$/m);
    expect(empty).toMatch(/^live · docker disabled · tmux probing · q quits$/m);

    const name = `watched-${TEST_RUN}`;
    const created = await sandbox.run(['instances', 'create', name]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const createdAt = Date.now();
    const screen = await waitFor(pane.screen, (text) => rowOf(text, name) !== undefined, 5_000);
    expect(Date.now() - createdAt).toBeLessThan(5_000);
    // The same table as `instances list`: its header, and the row in its columns.
    expect(screen).toMatch(/^NAME +TYPE +STATUS +ACTIVITY +ORIGIN +SESSION\/CONTAINER/m);
    expect(rowOf(screen, name)).toMatch(new RegExp(`^${name} +tmux +created +unknown +manual +${name} `));
    expect(screen).toMatch(/^1 instance: 1 created · last change \d\d:\d\d:\d\d$/m);

    await pane.sendKeys('q');
    expect(await waitFor(pane.exitCode, (code) => code !== null, 15_000)).toBe('0');
    // Back on the normal screen: the table is gone with the alternate screen.
    expect(await pane.screen()).not.toContain('NAME');
  });

  it('applies the list filters and exits 0 on Ctrl-C', async () => {
    const sandbox = await createSandbox();
    const pane = await startWatch(sandbox, ['--search', 'keep']);
    await waitFor(pane.screen, (screen) => screen.includes('No instances yet'), 60_000);

    const kept = `keep-${TEST_RUN}`;
    const other = `other-${TEST_RUN}`;
    for (const name of [other, kept]) expect((await sandbox.run(['instances', 'create', name])).code).toBe(0);
    const screen = await waitFor(pane.screen, (text) => rowOf(text, kept) !== undefined, 5_000);
    expect(rowOf(screen, other)).toBeUndefined();
    expect(screen).toMatch(/^1 of 2 instances: 1 created · last change/m);

    await pane.sendKeys('C-c');
    expect(await waitFor(pane.exitCode, (code) => code !== null, 15_000)).toBe('0');
  });

  it('gives the terminal back and exits 0 on SIGTERM', async () => {
    const sandbox = await createSandbox();
    const pane = await startWatch(sandbox);
    await waitFor(pane.screen, (screen) => screen.includes('No instances yet'), 60_000);
    process.kill(await pane.pid(), 'SIGTERM');
    expect(await waitFor(pane.exitCode, (code) => code !== null, 15_000)).toBe('0');
    expect(await pane.screen()).not.toContain('instances');
  });

  it('prints one snapshot per change when stdout is a pipe, and exits 0 on SIGINT', async () => {
    const sandbox = await createSandbox();
    const child = spawn(process.execPath, [binPath, 'instances', 'watch'], { cwd: cliDir, env: sandbox.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    });

    await waitFor(() => Promise.resolve(stdout), (text) => text.includes('No instances yet'), 60_000);
    const name = `piped-${TEST_RUN}`;
    expect((await sandbox.run(['instances', 'create', name])).code).toBe(0);
    await waitFor(() => Promise.resolve(stdout), (text) => rowOf(text, name) !== undefined, 5_000);
    // Plain text: no escape sequences, snapshots a blank line apart, the first one still there.
    expect(stdout).not.toContain('\u001b');
    const headers = stdout.match(/^\d+ instances?\b.* · (watching since|last change) \d\d:\d\d:\d\d$/gm) ?? [];
    expect(headers[0]).toMatch(/^0 instances · watching since/);
    expect(headers.at(-1)).toMatch(/^1 instance: 1 created · last change/);
    expect(stdout.indexOf('No instances yet')).toBeLessThan(stdout.indexOf(`${name} `));

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });
});
