import { execFile as execFileCallback } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';

import { CcBridgeError } from '../../errors.ts';
import { formatSeconds, NoAnswerError, runtimeCallTimeoutMs } from '../bounds.ts';
import type { PaneScreen, TmuxRuntime, TmuxSessionInfo } from '../runtime.ts';
import { classifyTmuxFailure, lastPaneLines, literalArgument, paneFormat, parsePaneLines, parseScreens, type PaneLine } from './parse.ts';

/**
 * Runs a program with an argument array and utf8 output, failing when it has not finished
 * within `timeoutMs`: the seam tests wrap to count or alter calls.
 */
export type ExecFile = (file: string, args: readonly string[], options: { timeoutMs: number }) => Promise<{ stdout: string; stderr: string }>;

export interface TmuxRuntimeOptions {
  /** Server socket path (`tmux -S`); null: tmux's default server. */
  socket: string | null;
  execFile?: ExecFile;
  /** Bound on each tmux command (ms); default `runtimeCallTimeoutMs`. */
  timeoutMs?: number;
}

/**
 * execFile that cannot hang: at `timeoutMs` the program is killed and the call rejects with a
 * NoAnswerError at once. Node's own `timeout` is not enough: a tmux client waiting on a frozen
 * server exits 0 with no output on SIGTERM, which reads as success and as "no sessions".
 */
export const boundedExecFile: ExecFile = (file, args, { timeoutMs }) =>
  new Promise((resolve, reject) => {
    let isTimedOut = false;
    const child = execFileCallback(file, [...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      clearTimeout(timer);
      if (isTimedOut) return;
      // As promisified execFile does: the output goes with the error, where tmux says why.
      if (error) {
        const failure: Error = Object.assign(error, { stdout, stderr });
        reject(failure);
      } else resolve({ stdout, stderr });
    });
    const timer = setTimeout(() => {
      isTimedOut = true;
      child.kill('SIGKILL');
      // Nothing of the killed child may keep the process alive or deliver output late.
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.unref();
      reject(new NoAnswerError(`${file} ${args.join(' ')}`, timeoutMs));
    }, timeoutMs);
  });

const defaultCaptureLines = 50;
const maxStartAttempts = 3;
/** Sessions per captureScreens command: tmux refuses a command message of about 16 KiB. */
const screensPerCommand = 40;

interface CommandFailure {
  code: unknown;
  stderr: string;
}

function readFailure(error: unknown): CommandFailure | null {
  if (!(error instanceof Error)) return null;
  const stderr = 'stderr' in error && typeof error.stderr === 'string' ? error.stderr : '';
  return { code: 'code' in error ? error.code : undefined, stderr };
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

/** The first pane `list-panes` (or `new-session -P`) printed; null for no output. */
function firstPane(stdout: string): PaneLine | null {
  return parsePaneLines(stdout).values().next().value ?? null;
}

/** `capture-pane` printing the pane and `lines` rows of scroll-back, wrapped lines joined (`-J`). */
function captureArgs(name: string, lines: number, colors: boolean): string[] {
  return ['capture-pane', '-p', '-J', ...(colors ? ['-e'] : []), '-t', exactWindowTarget(name), '-S', `-${lines}`];
}

/** `=NAME:` is the session named exactly NAME; a bare `=NAME` as a window target still matches prefixes. */
function exactWindowTarget(name: string): string {
  return `=${name}:`;
}

/**
 * tmux through `execFile`, every command bounded by `timeoutMs`. A command that did not finish in
 * time is a TMUX_ERROR whatever it printed: silence from a frozen server is not "no session".
 */
export function createTmuxRuntime(options: TmuxRuntimeOptions): TmuxRuntime {
  const execFile = options.execFile ?? boundedExecFile;
  const timeoutMs = options.timeoutMs ?? runtimeCallTimeoutMs;
  // -u: the client writes UTF-8 whatever the caller's locale, so format output keeps its tab
  // separators and session names their characters (see parse.ts).
  const serverArgs = options.socket === null ? ['-u'] : ['-u', '-S', options.socket];
  const serverLabel = options.socket === null ? "tmux's default server" : `tmux server ${options.socket}`;

  async function run(args: readonly string[]): Promise<string> {
    try {
      const { stdout } = await execFile('tmux', [...serverArgs, ...args], { timeoutMs });
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
    if (error instanceof NoAnswerError) {
      return new CcBridgeError('TMUX_ERROR', `${command} on ${serverLabel} did not answer within ${formatSeconds(error.timeoutMs)}`, {
        cause: error,
      });
    }
    const detail = failure?.stderr.trim() || (error instanceof Error ? error.message : String(error));
    return new CcBridgeError('TMUX_ERROR', `${command} failed on ${serverLabel}: ${detail}`, { cause: error });
  }

  function failureOf(error: unknown): ReturnType<typeof classifyTmuxFailure> {
    const cause = error instanceof CcBridgeError ? error.cause : error;
    const failure = readFailure(cause);
    // Only an exit status is tmux's answer; a timeout or a spawn error says nothing of sessions.
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

  function noSession(name: string): CcBridgeError {
    return new CcBridgeError('NOT_FOUND', `No tmux session named ${name} on ${serverLabel}`);
  }

  async function killSession(name: string): Promise<boolean> {
    return (await runOrNothing(['kill-session', '-t', `=${name}`])) !== null;
  }

  /** Kills a session this runtime just started after `failure`; if that fails too, says it is left. */
  async function killStarted(name: string, failure: unknown): Promise<void> {
    try {
      await killSession(name);
    } catch (killError) {
      throw new CcBridgeError('TMUX_ERROR', `tmux started the session ${name} but it could not be read, nor killed; remove it with tmux kill-session -t ${name}`, {
        cause: new AggregateError([failure, killError]),
      });
    }
  }

  return {
    async listSessions() {
      const stdout = await runOrNothing(['list-panes', '-a', '-F', paneFormat]);
      const sessions = new Map<string, TmuxSessionInfo>();
      if (stdout === null) return sessions;
      for (const [name, pane] of parsePaneLines(stdout)) sessions.set(name, sessionFromPane(pane));
      return sessions;
    },

    async getSession(name) {
      // One command, so one check costs at most one bound: the exact target fails with "can't
      // find session" when there is none. Its name is not compared: tmux prints control
      // characters in names escaped.
      const stdout = await runOrNothing(['list-panes', '-t', exactWindowTarget(name), '-F', paneFormat]);
      if (stdout === null) return null;
      const pane = firstPane(stdout);
      return pane ? sessionFromPane(pane) : null;
    },

    async startSession({ name, cwd, command, env = {} }) {
      // tmux silently falls back to its own working directory when -c names a missing one.
      if (cwd) await assertDirectory(cwd);
      const args = ['new-session', '-d', '-P', '-F', paneFormat, '-s', name];
      if (cwd) args.push('-c', cwd);
      for (const [key, value] of Object.entries(env)) args.push('-e', `${key}=${value}`);
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
      // The session exists from here on: if its line cannot be read, it must not stay behind.
      let pane: PaneLine | null;
      try {
        pane = firstPane(stdout);
      } catch (error) {
        await killStarted(name, error);
        throw error;
      }
      if (!pane) {
        const error = new CcBridgeError('TMUX_ERROR', `tmux new-session printed no session for ${name}`);
        await killStarted(name, error);
        throw error;
      }
      return sessionFromPane(pane);
    },

    killSession,

    async sessionOfPane(paneId) {
      // "can't find pane" reads as nothing there, like a missing session.
      const stdout = await runOrNothing(['display-message', '-p', '-t', paneId, '-F', '#{session_name}']);
      const name = stdout?.trim() ?? '';
      return name === '' ? null : name;
    },

    async capturePane(name, lines = defaultCaptureLines, { colors = false } = {}) {
      const stdout = await runOrNothing(captureArgs(name, lines, colors));
      if (stdout === null) throw noSession(name);
      return lastPaneLines(stdout, lines);
    },

    async capturePaneWithCursor(name, lines, { colors = false } = {}) {
      // One command sequence (`;` as its own argument), so the cursor and the rows are of one moment.
      const stdout = await runOrNothing(['display-message', '-p', '-t', exactWindowTarget(name), '#{cursor_x}', ';', ...captureArgs(name, lines, colors)]);
      if (stdout === null) return null;
      const newline = stdout.indexOf('\n');
      const cursorX = Number(stdout.slice(0, newline));
      if (newline === -1 || !Number.isInteger(cursorX)) {
        throw new CcBridgeError('TMUX_ERROR', `tmux display-message printed no cursor position for ${name}: ${JSON.stringify(stdout.slice(0, 80))}`);
      }
      return { text: stdout.slice(newline + 1), cursorX };
    },

    async captureScreens(names) {
      const screens = new Map<string, PaneScreen | null>();
      const captureArgsOf = (marker: string, name: string) => [
        'display-message', '-p', '-t', exactWindowTarget(name), `${marker}:#{pane_current_command}`, ';',
        'capture-pane', '-p', '-t', exactWindowTarget(name),
      ];
      for (let start = 0; start < names.length; start += screensPerCommand) {
        const batch = names.slice(start, start + screensPerCommand);
        // A marker no pane shows, so a row of a screen is never read as the next session's start.
        const marker = `cc-bridge-screen-${randomUUID()}`;
        let stdout: string | null;
        try {
          stdout = await run(batch.flatMap((name, index) => [...(index > 0 ? [';'] : []), ...captureArgsOf(marker, name)]));
        } catch (error) {
          // tmux stops a sequence at a session that went away: then each is asked on its own.
          if (failureOf(error) !== 'no-session') throw error;
          stdout = null;
        }
        if (stdout !== null) {
          const parsed = parseScreens(stdout, marker, batch);
          for (const name of batch) screens.set(name, parsed.get(name) ?? null);
          continue;
        }
        for (const name of batch) {
          const one = await runOrNothing(captureArgsOf(marker, name));
          screens.set(name, one === null ? null : (parseScreens(one, marker, [name]).get(name) ?? null));
        }
      }
      return screens;
    },

    async sendKeys(name, text, { enter }) {
      const target = exactWindowTarget(name);
      // -l: every character as typed, so `Enter` or `C-c` in the text stay words; `--`: text
      // beginning with `-` is not read as an option.
      const args = text === '' ? [] : ['send-keys', '-l', '-t', target, '--', literalArgument(text)];
      if (enter) args.push(...(args.length > 0 ? [';'] : []), 'send-keys', '-t', target, 'Enter');
      if (args.length === 0) return;
      if ((await runOrNothing(args)) === null) throw noSession(name);
    },

    attachArgs(name) {
      // No -u: an interactive client judges the terminal's UTF-8 support from the user's locale, as `tmux attach` does.
      return [...(options.socket === null ? [] : ['-S', options.socket]), 'attach-session', '-t', `=${name}`];
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
    throw new CcBridgeError('INVALID_INPUT', `Working directory ${path} does not exist`, { fieldErrors: { cwd: ['does not exist'] } });
  }
}
