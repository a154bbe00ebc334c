import { execFile as execFileCallback } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { Duplex } from 'node:stream';
import { spawn, type IDisposable, type IPty } from '@lydell/node-pty';
import type Dockerode from 'dockerode';
import { CcBridgeError } from '../errors';
import type { Instance } from '../instance';
import { dockerErrorFrom, describeDockerEndpoint } from '../runtimes/docker/docker-client';
import type { TerminalSize } from './protocol';

/**
 * One viewer's terminal on an instance: its own tmux attach client, or its own exec in the
 * container. Data are raw bytes both ways. `close()` ends only this viewer's client (the tmux
 * client detaches, the exec's connection closes): never the session or the container.
 */
export interface TerminalSession {
  write(data: Buffer): void;
  resize(size: TerminalSize): void;
  onData(listener: (data: Buffer) => void): void;
  /** Called once when the client ended by itself (the session was killed, `exit` in the shell). */
  onExit(listener: () => void): void;
  /** Ends this viewer's client; rejects (DOCKER_ERROR…) when a container's shell could not be ended. */
  close(): Promise<void>;
}

export interface OpenTerminalOptions extends TerminalSize {
  /** tmux: `attach -r`; both: input is dropped. */
  readOnly: boolean;
  /** `[tmux] socket` (tmux -S); null: tmux's default server. */
  tmuxSocket: string | null;
  /** The Engine client for Docker records that name no host (core's createDockerClient): the first host's. */
  docker: Dockerode | null;
  /**
   * The Engine client of each `[[docker.hosts]]` entry by name (null: it cannot be used), for
   * records that name their host; absent: every Docker record gets `docker`.
   */
  dockerHosts?: ReadonlyMap<string, Dockerode | null>;
}

/**
 * Opens a terminal on `instance`. tmux: a PTY running `tmux attach-session -t =SESSION` (exact
 * match). Docker: the exec of `sh` with a TTY on the Engine of the record's host, sized through the Engine's resize call.
 * Throws INVALID_INPUT when the record names no session or container, TMUX_ERROR when the PTY
 * cannot be spawned, DOCKER_ERROR/DOCKER_UNAVAILABLE when the exec fails.
 */
export async function openTerminal(instance: Instance, options: OpenTerminalOptions): Promise<TerminalSession> {
  if (instance.type === 'tmux') {
    if (!instance.tmuxSession) throw new CcBridgeError('INVALID_INPUT', `instance ${instance.name} names no tmux session`);
    // Asked first: `tmux attach` to a missing session would only print tmux's own words into the terminal.
    if (!(await hasTmuxSession(instance.tmuxSession, options.tmuxSocket))) {
      throw new CcBridgeError('NOT_RUNNING', `"${instance.name}" is not running: no tmux session named ${instance.tmuxSession}; start it first`);
    }
    return attachTmux(instance.tmuxSession, options);
  }
  if (!instance.containerId) throw new CcBridgeError('INVALID_INPUT', `instance ${instance.name} names no container`);
  const docker = instance.dockerHost === null || options.dockerHosts === undefined ? options.docker : options.dockerHosts.get(instance.dockerHost);
  if (docker === undefined) throw new CcBridgeError('INVALID_INPUT', `"${instance.name}" is on Docker host "${instance.dockerHost}", which is not configured ([[docker.hosts]])`);
  if (!docker) throw new CcBridgeError('DOCKER_UNAVAILABLE', 'Docker is not enabled');
  return execInContainer(docker, instance.containerId, options);
}

const execFile = promisify(execFileCallback);

/**
 * Whether the tmux server (at `socket`, or the default one) has a session named exactly `session`
 * (`has-session`; no server is no session). TMUX_ERROR when tmux cannot be run.
 */
async function hasTmuxSession(session: string, socket: string | null): Promise<boolean> {
  try {
    await execFile('tmux', [...(socket ? ['-S', socket] : []), 'has-session', '-t', `=${session}`]);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CcBridgeError('TMUX_ERROR', 'tmux is not installed (not on PATH)', { cause: error });
    return false;
  }
}

// node-pty with `encoding: null` hands out and takes Buffers, though its typings say strings.
type BytePty = Omit<IPty, 'write' | 'onData'> & { write(data: Buffer): void; onData(listener: (data: Buffer) => void): IDisposable };

function attachTmux(session: string, options: OpenTerminalOptions): TerminalSession {
  const args = ['-u', ...(options.tmuxSocket ? ['-S', options.tmuxSocket] : []), 'attach-session', ...(options.readOnly ? ['-r'] : []), '-t', `=${session}`];
  // Inside a tmux session of its own the server's TMUX would make tmux refuse to nest.
  const { TMUX: _tmux, TMUX_PANE: _pane, ...environment } = process.env;
  let pty: BytePty;
  try {
    pty = spawn('tmux', args, { name: 'xterm-256color', cols: options.cols, rows: options.rows, env: { ...environment, TERM: 'xterm-256color' }, encoding: null }) as unknown as BytePty;
  } catch (error) {
    throw new CcBridgeError('TMUX_ERROR', `cannot start tmux attach: ${String(error)}`, { cause: error });
  }
  let closed = false;
  return {
    write: (data) => {
      if (!options.readOnly && !closed) pty.write(data);
    },
    resize: ({ cols, rows }) => {
      if (!closed) pty.resize(cols, rows);
    },
    onData: (listener) => void pty.onData(listener),
    onExit: (listener) =>
      void pty.onExit(() => {
        closed = true;
        listener();
      }),
    close: () => {
      if (closed) return Promise.resolve();
      closed = true;
      // SIGHUP, as a closed terminal window sends: the tmux client detaches, the session stays.
      pty.kill('SIGHUP');
      return Promise.resolve();
    },
  };
}

// The Engine leaves an exec running when its connection closes (the TTY gets no hangup), so each
// terminal's shell carries a marker in its environment, and closing finds the processes that carry
// it (the shell and its children) through /proc and sends them SIGHUP, as a closed window would.
// The script is constant; the marker comes in as $1. NUL bytes of environ vanish in $(…).
const hangUpScript = 'for p in /proc/[0-9]*; do case "$(cat "$p/environ" 2>/dev/null)" in *"CC_BRIDGE_TERMINAL=$1"*) kill -HUP "${p#/proc/}";; esac; done';

async function execInContainer(docker: Dockerode, containerId: string, options: OpenTerminalOptions): Promise<TerminalSession> {
  const endpoint = describeDockerEndpoint(docker);
  const marker = randomUUID();
  const container = docker.getContainer(containerId);
  let stream: Duplex;
  let exec: Dockerode.Exec;
  try {
    exec = await container.exec({
      Cmd: ['sh'],
      AttachStdin: !options.readOnly,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      Env: ['TERM=xterm-256color', `CC_BRIDGE_TERMINAL=${marker}`],
    });
    stream = await exec.start({ hijack: true, stdin: !options.readOnly, Tty: true });
    await exec.resize({ h: options.rows, w: options.cols });
  } catch (error) {
    throw dockerErrorFrom(error, endpoint);
  }
  let closed = false;
  const exitListeners: (() => void)[] = [];
  stream.on('close', () => {
    if (closed) return;
    closed = true;
    for (const listener of exitListeners) listener();
  });
  // A failed stream ends in 'close' too; the error itself is what the exit reports.
  stream.on('error', () => undefined);
  return {
    write: (data) => {
      if (!options.readOnly && !closed) stream.write(data);
    },
    resize: ({ cols, rows }) => {
      // A resize racing the exec's end fails harmlessly: there is nothing left to size.
      if (!closed) exec.resize({ h: rows, w: cols }).catch(() => undefined);
    },
    onData: (listener) => void stream.on('data', (chunk: Buffer) => listener(chunk)),
    onExit: (listener) => void exitListeners.push(listener),
    close: async () => {
      if (closed) return;
      closed = true;
      stream.destroy();
      try {
        const hangUp = await container.exec({ Cmd: ['sh', '-c', hangUpScript, 'cc-bridge-hangup', marker], AttachStdout: true, AttachStderr: true });
        const output = await hangUp.start({});
        output.resume();
        await new Promise((resolve) => output.once('close', resolve).once('end', resolve));
      } catch (error) {
        throw dockerErrorFrom(error, endpoint);
      }
    },
  };
}
