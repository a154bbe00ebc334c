import { execFile as execFileCallback } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';

import { CcBridgeError } from '../../errors.ts';
import type { TmuxRuntime, TmuxSessionInfo } from '../runtime.ts';
import { classifyTmuxFailure, lastPaneLines, paneFormat, parsePaneLine, parsePaneLines, type PaneLine } from './parse.ts';

/** Runs a program with an argument array; the shape of promisified `execFile` with utf8 output. */
export type ExecFile = (file: string, args: readonly string[]) => Promise<{ stdout: string; stderr: string }>;

export interface TmuxRuntimeOptions {
  /** Server socket path (`tmux -S`); null: tmux's default server. */
  socket: string | null;
  execFile?: ExecFile;
}

const execFileAsync = promisify(execFileCallback);

// A wedged tmux server would otherwise hang every status probe with it.
const commandTimeoutMs = 10_000;

const defaultExecFile: ExecFile = (file, args) =>
  execFileAsync(file, [...args], { encoding: 'utf8', timeout: commandTimeoutMs, maxBuffer: 16 * 1024 * 1024 });

const defaultCaptureLines = 50;
const maxStartAttempts = 3;

interface CommandFailure {
  code: unknown;
  stderr: string;
  isKilled: boolean;
}

function readFailure(error: unknown): CommandFailure | null {
  if (!(error instanceof Error)) return null;
  const stderr = 'stderr' in error && typeof error.stderr === 'string' ? error.stderr : '';
  const isKilled = 'killed' in error && error.killed === true;
  return { code: 'code' in error ? error.code : undefined, stderr, isKilled };
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    if (error instanceof Error && 'code' in error && error.code === 'EPERM') return true;
    if (error instanceof Error && 'code' in error && error.code === 'ESRCH') return false;
    throw error;
  }
}

function sessionFromPane(pane: PaneLine): TmuxSessionInfo {
  return {
    name: pane.sessionName,
    panePid: pane.panePid,
    isAlive: !pane.isPaneDead && pane.panePid !== null && isProcessAlive(pane.panePid),
    createdAt: pane.createdAt,
    lastActivityAt: pane.lastActivityAt,
  };
}

/** `=NAME:` is the session named exactly NAME; a bare `=NAME` as a window target still matches prefixes. */
function exactWindowTarget(name: string): string {
  return `=${name}:`;
}

export function createTmuxRuntime(options: TmuxRuntimeOptions): TmuxRuntime {
  const execFile = options.execFile ?? defaultExecFile;
  const serverArgs = options.socket === null ? [] : ['-S', options.socket];
  const serverLabel = options.socket === null ? "tmux's default server" : `tmux server ${options.socket}`;

  async function run(args: readonly string[]): Promise<string> {
    try {
      const { stdout } = await execFile('tmux', [...serverArgs, ...args]);
      return stdout;
    } catch (error) {
      throw tmuxError(error, args);
    }
  }

  function tmuxError(error: unknown, args: readonly string[]): CcBridgeError {
    const failure = readFailure(error);
    const command = `tmux ${args[0] ?? ''}`.trim();
    if (failure?.code === 'ENOENT') {
      return new CcBridgeError('TMUX_ERROR', 'tmux is not installed or not on PATH', { cause: error });
    }
    if (failure?.isKilled) {
      return new CcBridgeError('TMUX_ERROR', `${command} on ${serverLabel} did not answer within ${commandTimeoutMs / 1000} s`, {
        cause: error,
      });
    }
    const detail = failure?.stderr.trim() || (error instanceof Error ? error.message : String(error));
    return new CcBridgeError('TMUX_ERROR', `${command} failed on ${serverLabel}: ${detail}`, { cause: error });
  }

  function failureOf(error: unknown): ReturnType<typeof classifyTmuxFailure> {
    const cause = error instanceof CcBridgeError ? error.cause : error;
    const failure = readFailure(cause);
    return failure && typeof failure.code === 'number' ? classifyTmuxFailure(failure.stderr) : 'other';
  }

  /** Runs a command whose "no server" or "no such session" answer means "nothing there". */
  async function runOrNothing(args: readonly string[]): Promise<string | null> {
    try {
      return await run(args);
    } catch (error) {
      const failure = failureOf(error);
      if (failure === 'no-server' || failure === 'server-exited' || failure === 'no-session') return null;
      throw error;
    }
  }

  async function getSession(name: string): Promise<TmuxSessionInfo | null> {
    if ((await runOrNothing(['has-session', '-t', `=${name}`])) === null) return null;
    // The session can end between the two calls; tmux then says "can't find session".
    const stdout = await runOrNothing(['list-panes', '-t', exactWindowTarget(name), '-F', paneFormat]);
    if (stdout === null) return null;
    // The exact target lists only this session; its name is not compared because tmux prints
    // control characters in names escaped.
    const pane = parsePaneLine(stdout.split('\n')[0] ?? '');
    return pane ? sessionFromPane(pane) : null;
  }

  return {
    async listSessions() {
      const stdout = await runOrNothing(['list-panes', '-a', '-F', paneFormat]);
      const sessions = new Map<string, TmuxSessionInfo>();
      if (stdout === null) return sessions;
      for (const [name, pane] of parsePaneLines(stdout)) sessions.set(name, sessionFromPane(pane));
      return sessions;
    },

    getSession,

    async startSession({ name, cwd, command }) {
      // tmux silently falls back to its own working directory when -c names a missing one.
      if (cwd) await assertDirectory(cwd);
      const args = ['new-session', '-d', '-P', '-F', paneFormat, '-s', name];
      if (cwd) args.push('-c', cwd);
      if (command.length > 0) args.push('--', ...command);
      let stdout: string | undefined;
      for (let attempt = 1; stdout === undefined; attempt += 1) {
        try {
          stdout = await run(args);
        } catch (error) {
          const failure = failureOf(error);
          if (failure === 'duplicate-session') {
            throw new CcBridgeError('TMUX_ERROR', `A tmux session named ${name} already exists on ${serverLabel}`, { cause: error });
          }
          // The server was exiting (its last session just ended) and took the command with it;
          // the next attempt starts a new server.
          if (failure !== 'server-exited' || attempt === maxStartAttempts) throw error;
        }
      }
      // -P prints the new session as tmux stored it (tmux turns `.` and `:` in names into `_`).
      const pane = parsePaneLine(stdout.split('\n')[0] ?? '');
      if (!pane) throw new CcBridgeError('TMUX_ERROR', `tmux new-session printed no session for ${name}: ${stdout.trim()}`);
      return sessionFromPane(pane);
    },

    async killSession(name) {
      return (await runOrNothing(['kill-session', '-t', `=${name}`])) !== null;
    },

    async capturePane(name, lines = defaultCaptureLines) {
      const stdout = await runOrNothing(['capture-pane', '-p', '-J', '-t', exactWindowTarget(name), '-S', `-${lines}`]);
      if (stdout === null) throw new CcBridgeError('NOT_FOUND', `No tmux session named ${name} on ${serverLabel}`);
      return lastPaneLines(stdout, lines);
    },
  };
}

async function assertDirectory(path: string): Promise<void> {
  const isDirectory = await stat(path).then(
    (stats) => stats.isDirectory(),
    (error: unknown) => {
      if (error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return false;
      throw error;
    },
  );
  if (!isDirectory) {
    throw new CcBridgeError('INVALID_INPUT', `Working directory ${path} does not exist`, { fieldErrors: { cwd: ['Directory does not exist'] } });
  }
}
