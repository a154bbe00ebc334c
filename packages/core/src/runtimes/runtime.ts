import { CcBridgeError } from '../errors.ts';
import type { DockerObservation, Instance, InstanceStatus } from '../instance.ts';
import type { ContainerChange } from './instance-runtime.ts';

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
/** A pane as it shows now: its visible rows and the program in its foreground. */
export interface PaneScreen {
  /** `#{pane_current_command}`: the foreground process's name (`claude`, `bash`). */
  command: string;
  /** The visible rows, `\n`-separated, as `capture-pane -p` prints them. */
  text: string;
}

export interface TmuxRuntime {
  /** One `tmux list-panes -a` for all sessions, keyed by exact session name. */
  listSessions(): Promise<Map<string, TmuxSessionInfo>>;
  /** Exact match (`-t =NAME`): a session `billing` never answers for `bill`. */
  getSession(name: string): Promise<TmuxSessionInfo | null>;
  /**
   * A detached session running `command` (argv) in `cwd`; throws TMUX_ERROR if the name is taken.
   * A session it made but could not read back is killed before it throws. `env`: variables set in
   * the session's environment (`new-session -e NAME=VALUE`), which its command inherits.
   */
  startSession(options: { name: string; cwd?: string | null; command: readonly string[]; env?: Readonly<Record<string, string>> }): Promise<TmuxSessionInfo>;
  /** The session a pane (`%12`, as `TMUX_PANE` names it) belongs to; null when there is no such pane. */
  sessionOfPane(paneId: string): Promise<string | null>;
  /** Kills the session: true; false when there was none (not an error). */
  killSession(name: string): Promise<boolean>;
  /**
   * The last `lines` lines of the pane and its scroll-back (`capture-pane -p -J -S -N`), wrapped
   * lines joined, without the blank rows below the cursor; `colors` keeps the escape sequences
   * (`-e`). NOT_FOUND without the session.
   */
  capturePane(name: string, lines?: number, options?: { colors?: boolean }): Promise<string>;
  /**
   * The pane as `capturePane` reads it (every row, `lines` of scroll-back) with the cursor's
   * column (`#{cursor_x}`), from one tmux command; null when the session is gone.
   */
  capturePaneWithCursor(name: string, lines: number, options?: { colors?: boolean }): Promise<{ text: string; cursorX: number } | null>;
  /**
   * The visible screen of each session's active pane (`capture-pane -p`, no scroll-back) and the
   * program in its foreground (`#{pane_current_command}`: `claude`, or a shell once the agent
   * ended), from one tmux command for up to 40 sessions (a session that went away meanwhile costs
   * one more command per session). By session name; null for a session that is not there.
   */
  captureScreens(names: readonly string[]): Promise<Map<string, PaneScreen | null>>;
  /**
   * Types `text` as literal characters (`send-keys -l`, never key names), then Enter when asked
   * (`send-keys Enter`). NOT_FOUND without the session.
   */
  sendKeys(name: string, text: string, options: { enter: boolean }): Promise<void>;
  /**
   * The tmux arguments that attach a terminal to the session on this server (`-S SOCKET
   * attach-session -t =NAME`, exact name), for a program run on a terminal; runs nothing itself.
   */
  attachArgs(name: string): string[];
}

/** A health check's verdict (`State.Health.Status`); only a running container has one that counts. */
export type ContainerHealth = 'starting' | 'healthy' | 'unhealthy';

/**
 * What the Docker Engine says of one container. The list call (GET /containers/json) and inspect
 * (GET /containers/{id}/json) give the same ContainerInfo for the same container.
 */
export interface ContainerInfo {
  id: string;
  /** Without Docker's leading slash. */
  name: string;
  image: string;
  /** Docker's state word: created, running, paused, restarting, removing, exited, dead. */
  state: string;
  /**
   * The health check's verdict while the container runs; null without a health check or when it
   * is not running (list: the `(healthy)` / `(unhealthy)` / `(health: starting)` of `Status`).
   */
  health: ContainerHealth | null;
  /**
   * How the last run ended, for an `exited` or `restarting` container; null in every other state
   * (list: the `(N)` of `Exited (N) …` / `Restarting (N) …`; inspect: `State.ExitCode`).
   */
  exitCode: number | null;
  /**
   * The kernel's OOM killer ended it (`State.OOMKilled`). Read only for an exited container with
   * exit code 137, the one case where it decides the status; false otherwise.
   */
  oomKilled: boolean;
  labels: Record<string, string>;
  networks: string[];
  createdAt: Date;
}

/** The Engine a DockerRuntime talks to, from GET /info. */
export interface DockerEngine {
  /** The Engine's own ID (`ID`): the same across restarts, different for every Engine. */
  id: string;
  /** The Engine's host name (`Name`); not unique (two Engines on one machine share it). */
  name: string;
  /** Where it was reached: `unix:///var/run/docker.sock`, `tcp://host:2375`. */
  endpoint: string;
}

/**
 * The Docker Engine, through dockerode. An unreachable Engine, or one that does not answer a
 * request within its bound, throws CcBridgeError('DOCKER_UNAVAILABLE'); any other Engine failure
 * throws DOCKER_ERROR; a host setting that cannot be used, CONFIG_INVALID on every call.
 */
export interface DockerRuntime {
  /** Throws DOCKER_UNAVAILABLE when the Engine does not answer. */
  ping(): Promise<void>;
  /**
   * Which Engine answers: one GET /info, then remembered until a call finds the Engine
   * unreachable (a different Engine may answer at the same endpoint afterwards).
   */
  getEngine(): Promise<DockerEngine>;
  /**
   * One list call (`all: true`), optionally filtered by label names or `name=value`. A container
   * that exited with 137 is also inspected, since only inspect says whether it was OOM-killed.
   */
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
    /** Variables in the container's environment (`Env`). */
    env?: Readonly<Record<string, string>>;
    /** Host folders mounted into the container (`HostConfig.Binds`: `HOST:CONTAINER`). */
    binds?: readonly string[];
  }): Promise<ContainerInfo>;
  /** Stops (if running) and removes the container: true; false when there was none (not an error). */
  removeContainer(idOrName: string): Promise<boolean>;
  /** A process list inside a running container (`top`), for the optional process scan. */
  listProcesses(id: string): Promise<string[]>;
  /** What inspect says of how the container runs (GET /containers/{id}/json); null when there is none. */
  getContainerSettings(idOrName: string): Promise<ContainerSettings | null>;
  /** POST /containers/{id}/start; a running container is left as it is (the Engine's 304). NOT_FOUND when there is none. */
  startContainer(idOrName: string): Promise<void>;
  /**
   * POST /containers/{id}/stop without `t`: SIGTERM, then SIGKILL after the container's own grace
   * period (`Config.StopTimeout`, else the Engine's 10 s), which is added to the request's bound.
   * False when it was not running (304). NOT_FOUND when there is none.
   */
  stopContainer(idOrName: string): Promise<boolean>;
  /** POST /containers/{id}/restart without `t`, bounded as `stopContainer`. NOT_FOUND when there is none. */
  restartContainer(idOrName: string): Promise<void>;
  /**
   * The container's log (GET /containers/{id}/logs, stdout and stderr), its last `tail` lines, as
   * text: demultiplexed when the container has no TTY, written as is when it has one (a TTY ends
   * lines with `\r\n`). The whole read is bounded. NOT_FOUND when there is none.
   */
  readLogs(idOrName: string, options: { tail: number }): Promise<string>;
  /**
   * The log from its last `tail` lines on, following what is written (`follow=1`): resolves once
   * the Engine answered, to text chunks; ends when `signal` fires or the container stops.
   */
  followLogs(idOrName: string, options: { tail: number; signal: AbortSignal }): Promise<AsyncIterable<string>>;
  /**
   * Writes `text` to the container's stdin through an attach (POST /containers/{id}/attach with
   * `stdin=1`, the connection taken over), then detaches; the container must have `OpenStdin`
   * and be running (the Engine refuses otherwise: DOCKER_ERROR). Nothing goes through a shell.
   */
  writeStdin(idOrName: string, text: string): Promise<void>;
  /**
   * GET /events for containers with all of `labels` (names or `name=value`): resolves once the
   * Engine listens, to the changes cc-bridge follows, in order. Ends when `signal` fires; throws
   * DOCKER_UNAVAILABLE when the Engine drops the stream.
   */
  watchContainers(options: { labels: readonly string[]; signal: AbortSignal }): Promise<AsyncIterable<ContainerChange>>;
}

/** How a container runs, from inspect (`Config.Tty`, `Config.OpenStdin`, `Config.StopTimeout`, `State.Running`, `HostConfig.ConsoleSize`). */
export interface ContainerSettings {
  id: string;
  name: string;
  /** It has a terminal: its output is one raw stream, and Enter is a carriage return. */
  tty: boolean;
  /**
   * The terminal's size it was created with (`HostConfig.ConsoleSize`, `[rows, columns]`, which
   * `docker run -t` sets to the caller's terminal); null when it has none (0×0: made through the
   * API without one) or no TTY. A later resize (`docker attach` from another terminal) is not in it.
   */
  consoleSize: { columns: number; rows: number } | null;
  /** Its stdin stays open for attaching (`docker run -i`). */
  openStdin: boolean;
  /** Seconds `stop` waits after SIGTERM; null: the Engine's default (10 s). */
  stopTimeoutSeconds: number | null;
  isRunning: boolean;
}

/** What `docker stop` leaves: 0 (the process exited on SIGTERM), 143 (SIGTERM), 137 (SIGKILL after the grace period). */
const stopExitCodes: ReadonlySet<number> = new Set([0, 137, 143]);

/**
 * A container's status, decided for every Docker state:
 *
 * | Docker                                   | status  | why |
 * |------------------------------------------|---------|-----|
 * | created                                  | created | never started |
 * | running, no health check / starting / healthy | running | |
 * | running, unhealthy                       | error   | its own health check says it is broken |
 * | paused                                   | stopped | it keeps its memory but runs nothing until unpaused |
 * | restarting                               | error   | a restart policy is bringing back a process that exited: a crash loop, not a running agent |
 * | removing                                 | stopped | on its way out |
 * | exited 0, 143, or 137 without OOMKilled  | stopped | what a normal exit or `docker stop` (SIGTERM, then SIGKILL after the grace period) leaves; `docker kill` also gives 137 |
 * | exited 137 with OOMKilled                | error   | the kernel ran out of memory for it |
 * | exited with any other code               | error   | the process failed |
 * | dead                                     | error   | the Engine failed to remove it |
 * | anything else                            | unknown | a state this Engine version does not document |
 *
 * The record keeps the Engine's own words beside it (runtimeState, runtimeHealth, exitCode, oomKilled).
 */
export function statusFromContainerState(container: Pick<ContainerInfo, 'state' | 'health' | 'exitCode' | 'oomKilled'>): InstanceStatus {
  switch (container.state) {
    case 'created':
      return 'created';
    case 'running':
      return container.health === 'unhealthy' ? 'error' : 'running';
    case 'paused':
    case 'removing':
      return 'stopped';
    case 'restarting':
    case 'dead':
      return 'error';
    case 'exited':
      // An unknown exit code (a record imported with only the state word) reads as a normal stop.
      if (container.exitCode === null) return 'stopped';
      if (container.exitCode === 137 && container.oomKilled) return 'error';
      return stopExitCodes.has(container.exitCode) ? 'stopped' : 'error';
    default:
      return 'unknown';
  }
}

/** What a Docker record keeps of its container as `engine` lists or inspects it. */
export function observeDockerContainer(container: ContainerInfo, engine: DockerEngine): DockerObservation {
  return {
    runtimeState: container.state,
    runtimeHealth: container.health,
    exitCode: container.exitCode,
    oomKilled: container.oomKilled,
    dockerEngineId: engine.id,
    dockerEndpoint: engine.endpoint,
  };
}

/**
 * A record another Engine has claimed: this Engine not listing its container says nothing about
 * it. A record no Engine has seen yet (`dockerEngineId` null) is this Engine's to judge.
 */
export function belongsToOtherEngine(record: Pick<Instance, 'dockerEngineId'>, engine: DockerEngine): boolean {
  return record.dockerEngineId !== null && record.dockerEngineId !== engine.id;
}

/** A tmux session's status: gone is stopped, a dead pane is stopped, a live pane is running. */
export function statusFromTmuxSession(session: TmuxSessionInfo | null | undefined): InstanceStatus {
  if (!session) return 'stopped';
  return session.isAlive ? 'running' : 'stopped';
}

/**
 * Docker support switched off in the configuration (`[docker] enabled = false`): DOCKER_UNAVAILABLE.
 * Here rather than beside the Docker runtime, so code that only reports it does not load dockerode.
 */
export function dockerDisabledError(): CcBridgeError {
  return new CcBridgeError('DOCKER_UNAVAILABLE', 'Docker support is disabled in the configuration ([docker] enabled = false)');
}
