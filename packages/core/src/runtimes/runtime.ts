import type { InstanceStatus } from '../instance.ts';

/** What tmux says of one session (`list-panes` format fields): its first pane's pid and whether it lives. */
export interface TmuxSessionInfo {
  name: string;
  /** pid of the first pane's process; null when tmux reports none. */
  panePid: number | null;
  /** The pane's process is alive (tmux keeps dead panes with `remain-on-exit`). */
  isAlive: boolean;
  createdAt: Date | null;
  lastActivityAt: Date | null;
}

/**
 * tmux on one server (socket). Every call runs `tmux -u` with an argument array (execFile), never
 * a shell string, and is bounded (`runtimeCallTimeoutMs`). Failures of tmux itself, a command
 * that did not finish in time, or output not in the format asked for throw
 * CcBridgeError('TMUX_ERROR'); "no server running" is not a failure: it means no sessions.
 */
export interface TmuxRuntime {
  /** One `tmux list-panes -a` for all sessions, keyed by exact session name. */
  listSessions(): Promise<Map<string, TmuxSessionInfo>>;
  /** Exact match (`-t =NAME`): a session `billing` never answers for `bill`. */
  getSession(name: string): Promise<TmuxSessionInfo | null>;
  /**
   * A detached session running `command` (argv) in `cwd`; throws TMUX_ERROR if the name is taken.
   * A session it made but could not read back is killed before it throws.
   */
  startSession(options: { name: string; cwd?: string | null; command: readonly string[] }): Promise<TmuxSessionInfo>;
  /** Kills the session: true; false when there was none (not an error). */
  killSession(name: string): Promise<boolean>;
  /** The last `lines` lines the pane shows. */
  capturePane(name: string, lines?: number): Promise<string>;
}

/** What the Docker Engine says of one container, from the list call (no inspect per container). */
export interface ContainerInfo {
  id: string;
  /** Without Docker's leading slash. */
  name: string;
  image: string;
  /** Docker's state: created, running, paused, restarting, removing, exited, dead. */
  state: string;
  labels: Record<string, string>;
  networks: string[];
  createdAt: Date;
}

/**
 * The Docker Engine, through dockerode. An unreachable Engine, or one that does not answer a
 * request within its bound, throws CcBridgeError('DOCKER_UNAVAILABLE'); any other Engine failure
 * throws DOCKER_ERROR; a host setting that cannot be used, CONFIG_INVALID on every call.
 */
export interface DockerRuntime {
  /** Throws DOCKER_UNAVAILABLE when the Engine does not answer. */
  ping(): Promise<void>;
  /** One list call (`all: true`), optionally filtered by label names or `name=value`. */
  listContainers(options?: { labels?: string[] }): Promise<ContainerInfo[]>;
  /** By id or name; null when the Engine says there is no such container. */
  getContainer(idOrName: string): Promise<ContainerInfo | null>;
  /**
   * Creates and starts a container; the image must exist locally (nothing is pulled). A container
   * it created is removed again if the start or the inspect after it fails.
   */
  runContainer(options: {
    name: string;
    image: string;
    labels: Record<string, string>;
    network?: string | null;
    command?: readonly string[];
  }): Promise<ContainerInfo>;
  /** Stops (if running) and removes the container: true; false when there was none (not an error). */
  removeContainer(idOrName: string): Promise<boolean>;
  /** A process list inside a running container (`top`), for the optional process scan. */
  listProcesses(id: string): Promise<string[]>;
}

/**
 * Docker's container states mapped onto ours. A paused container runs nothing until unpaused,
 * so it reads as stopped; `dead` is a container Docker failed to remove: an error.
 */
export function statusFromContainerState(state: string): InstanceStatus {
  switch (state) {
    case 'running':
    case 'restarting':
      return 'running';
    case 'created':
      return 'created';
    case 'paused':
    case 'exited':
    case 'removing':
      return 'stopped';
    case 'dead':
      return 'error';
    default:
      return 'unknown';
  }
}

/** A tmux session's status: gone is stopped, a dead pane is stopped, a live pane is running. */
export function statusFromTmuxSession(session: TmuxSessionInfo | null | undefined): InstanceStatus {
  if (!session) return 'stopped';
  return session.isAlive ? 'running' : 'stopped';
}
