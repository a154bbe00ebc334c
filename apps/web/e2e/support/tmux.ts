import { execFile as execFileCallback } from 'node:child_process';
import { promisify } from 'node:util';
import { serverEnv } from './env';

const execFile = promisify(execFileCallback);
const socket = serverEnv.CC_BRIDGE_TMUX_SOCKET ?? '';

/** Asks the app's private tmux server; `=NAME` so `bill` never answers for `billing`. */
export async function hasTmuxSession(name: string, server = socket): Promise<boolean> {
  try {
    await execFile('tmux', ['-S', server, 'has-session', '-t', `=${name}`]);
    return true;
  } catch (error) {
    const stderr = error instanceof Error && 'stderr' in error && typeof error.stderr === 'string' ? error.stderr : '';
    if (/can't find session|no server running|error connecting/i.test(stderr)) return false;
    throw error;
  }
}

export async function startTmuxSession(name: string): Promise<void> {
  await execFile('tmux', ['-S', socket, 'new-session', '-d', '-s', name, 'sleep', '3600']);
}

export async function killTmuxServer(server = socket): Promise<void> {
  try {
    await execFile('tmux', ['-S', server, 'kill-server']);
  } catch (error) {
    const stderr = error instanceof Error && 'stderr' in error && typeof error.stderr === 'string' ? error.stderr : '';
    // Nothing to kill: no session was ever started, or the last one ended.
    if (!/no server running|error connecting|server exited/i.test(stderr)) throw error;
  }
}

/** Ends a session behind the app's back. */
export async function killTmuxSession(name: string): Promise<void> {
  await execFile('tmux', ['-S', socket, 'kill-session', '-t', `=${name}`]);
}

/**
 * A session of the app's tmux server running a shell, 80×24 (the app's configured command is a
 * `sleep`); `prompt` sets its PS1.
 */
export async function startShellSession(name: string, { prompt }: { prompt?: string } = {}): Promise<void> {
  const shell = prompt === undefined ? ['sh'] : ['env', `PS1=${prompt}`, 'sh'];
  await execFile('tmux', ['-S', socket, 'new-session', '-d', '-s', name, '-x', '80', '-y', '24', ...shell]);
}

/** Types `text` into a session's pane as literal keys, without Enter. */
export async function typeKeys(name: string, text: string): Promise<void> {
  await execFile('tmux', ['-S', socket, 'send-keys', '-t', `=${name}:`, '-l', text]);
}

/** Types `line` into a session's pane as literal keys, then Enter: what a person at it would type. */
export async function typeIntoSession(name: string, line: string): Promise<void> {
  await execFile('tmux', ['-S', socket, 'send-keys', '-t', `=${name}:`, '-l', line]);
  await execFile('tmux', ['-S', socket, 'send-keys', '-t', `=${name}:`, 'Enter']);
}

/** The text a session's pane shows now. */
export async function paneText(name: string): Promise<string> {
  const { stdout } = await execFile('tmux', ['-S', socket, 'capture-pane', '-p', '-t', `=${name}:`]);
  return stdout;
}
