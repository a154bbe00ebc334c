// The real `cc-bridge` command (bin/cc-bridge.js running the bundle) in a sandbox of its own: a
// fresh embedded database, a tmux server of the test's own and a private HOME. Docker is
// disabled unless a case turns it on for the Engine it is about.
import { type ChildProcessWithoutNullStreams, execFile as execFileCallback, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestTmux, type TestTmux } from '@cc-bridge/core/testing';

const execFile = promisify(execFileCallback);
export const cliDir = fileURLToPath(new URL('../..', import.meta.url));
// The command as installed: the launcher and the bundle it runs (built by the global setup).
export const binPath = join(cliDir, 'bin', 'cc-bridge.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A command still running: its process, what it printed so far, and its result once it ends. */
export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  result: Promise<CliResult>;
}

export interface Sandbox {
  tmux: TestTmux;
  /** The embedded database's folder (CC_BRIDGE_DATA_DIR). */
  dataDir: string;
  /** The environment the command runs with. */
  env: Record<string, string>;
  /** Runs the command to its end; stdin is `input` (default: nothing), a pipe, never a terminal. */
  run(args: readonly string[], extraEnv?: Record<string, string>, input?: string): Promise<CliResult>;
  /** Starts the command and leaves it running (stdin a pipe, left open). */
  start(args: readonly string[], extraEnv?: Record<string, string>): RunningCli;
  hasTmuxSession(name: string): Promise<boolean>;
  dispose(): Promise<void>;
}

const sandboxes: Sandbox[] = [];

/** Removes every sandbox made since the last call: each test file calls it after each case. */
export async function disposeSandboxes(): Promise<void> {
  await Promise.all(sandboxes.splice(0).map((sandbox) => sandbox.dispose()));
}

/** A data folder, a tmux server and a HOME of its own: nothing of the developer's is read. */
/** This process's environment without the developer's own cc-bridge settings, which must not reach a process under test. */
export function inheritedEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith('CC_BRIDGE_') && entry[0] !== 'DATABASE_URL' && !entry[0].startsWith('XDG_'),
    ),
  );
}

/** The built `cc-bridge` with `args` and exactly `env`; stdin a pipe, not a terminal, so it never waits for an answer. */
export function startCli(args: readonly string[], env: Record<string, string>): RunningCli {
  const child = spawn(process.execPath, [binPath, ...args], { cwd: cliDir, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const result = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, result };
}

/** startCli, with `input` on stdin, until it ends. */
export function runCli(args: readonly string[], env: Record<string, string>, input = ''): Promise<CliResult> {
  const running = startCli(args, env);
  running.child.stdin.end(input);
  return running.result;
}

export async function createSandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-bridge-cli-'));
  const tmux = await createTestTmux();
  const env: Record<string, string> = {
    ...inheritedEnv(),
    HOME: dir,
    CC_BRIDGE_DATA_DIR: join(dir, 'db'),
    CC_BRIDGE_TMUX_SOCKET: tmux.socket,
    CC_BRIDGE_DOCKER_ENABLED: '0',
    // Each command opens the folder itself: no database owner outlives the test.
    CC_BRIDGE_OWNER_LINGER: '0',
  };
  const start = (args: readonly string[], extraEnv: Record<string, string> = {}): RunningCli => startCli(args, { ...env, ...extraEnv });
  const sandbox: Sandbox = {
    tmux,
    dataDir: join(dir, 'db'),
    env,
    run: (args, extraEnv = {}, input = '') => runCli(args, { ...env, ...extraEnv }, input),
    start,
    async hasTmuxSession(name) {
      try {
        await execFile('tmux', ['-S', tmux.socket, 'has-session', '-t', `=${name}`]);
        return true;
      } catch (error) {
        if (error instanceof Error && 'code' in error && error.code === 1) return false;
        throw error;
      }
    },
    async dispose() {
      try {
        await tmux.dispose();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
  sandboxes.push(sandbox);
  return sandbox;
}

export function stderrLines(result: CliResult): string[] {
  return result.stderr.split('\n').filter((line) => line !== '');
}
