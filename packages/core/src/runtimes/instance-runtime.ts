import type { z } from 'zod';

import type { ContainerHealth, DockerEngine } from './runtime.ts';
import type { Instance, InstanceStatus, InstanceType, startInstanceInput } from '../instance.ts';
import type { Observation } from './observation.ts';
import type { OutputUpdate } from './output-update.ts';

/** How much recent output to read. */
export interface ReadOutputOptions {
  /** How many lines, counted from the end; default 50. */
  lines?: number;
  /**
   * Keep the terminal's colour escape sequences (tmux `capture-pane -e`; a container's log as
   * written). Default false: plain text, escape sequences removed.
   */
  colors?: boolean;
}

/** How to follow output. */
export interface FollowOutputOptions {
  /** Ends the stream: the iterable finishes (without an error) once it fires. */
  signal: AbortSignal;
  /** Lines of recent output to yield first, then what follows (0, the default: only new output). */
  lines?: number;
  /** As in ReadOutputOptions. */
  colors?: boolean;
}

/** Text typed into an instance. */
export interface SendInputOptions {
  /** Sent as literal characters, never interpreted by a shell or as key names. */
  text: string;
  /** Press Enter after the text; default true. */
  enter?: boolean;
}

/** What an instance's terminal shows now, for the screen rules (activity/screen-rules.ts). */
export interface AgentScreen {
  /** The program in the terminal's foreground (tmux `#{pane_current_command}`); null where the runtime cannot tell (a container). */
  command: string | null;
  /** The visible rows, `\n`-separated, trailing blanks of each row removed. */
  text: string;
}

/** A program that attaches a terminal to an instance, as an argument array (never a shell string). */
export interface TerminalCommand {
  /** The program: `tmux`, `docker`. */
  file: string;
  args: string[];
  /** What it attaches to, and how to leave without stopping the agent, for the person at the terminal. */
  description: string;
}

/** Docker's words for what happened to a container (the event's `Action`; `health_status` without its verdict). */
export type ContainerAction =
  | 'create'
  | 'start'
  | 'restart'
  | 'die'
  | 'stop'
  | 'kill'
  | 'pause'
  | 'unpause'
  | 'rename'
  | 'destroy'
  | 'health_status'
  | 'oom';

/** One change the Docker Engine reported (GET /events, `Type` container). */
export interface ContainerChange {
  runtime: 'docker';
  action: ContainerAction;
  /** The container's full id (`Actor.ID`). */
  containerId: string;
  /** Its name, without Docker's slash (`Actor.Attributes.name`; the new name after a rename). */
  containerName: string;
  /** `Actor.Attributes.image`. */
  image: string;
  /** The container's labels (the other `Actor.Attributes`). */
  labels: Record<string, string>;
  /** For `die`: how the process ended (`Actor.Attributes.exitCode`); null otherwise. */
  exitCode: number | null;
  /** For `health_status`: the verdict (`Action` is `health_status: healthy`); null otherwise. */
  health: ContainerHealth | null;
  /** When the Engine saw it (`timeNano`, to the millisecond). */
  at: Date;
}

/** A change a runtime pushes. Only Docker has a feed today. */
export type RuntimeChange = ContainerChange;

/** Every record of one runtime observed at once. */
export interface ObservedAll {
  /** By record id; every record passed in has one. */
  observations: Map<string, Observation>;
  /** Docker: the Engine that answered (GET /info); tmux: null. */
  engine: DockerEngine | null;
}

/** A new record whose runtime is to be started, as `startInstanceInput` validated it. */
export type LaunchInput = z.output<typeof startInstanceInput>;

/** What `launch` started, for the record about to be written. */
export interface Launched {
  /**
   * The record's fields as the runtime made them, with its status: tmux `tmuxSession`, `pid`;
   * Docker `containerId`, `containerName`, `dockerNetwork` and the Engine's observation.
   */
  fields: Partial<Instance>;
  /** How messages name what was started: `the tmux session api`, `the container api`. */
  description: string;
  /** Removes what was started, for when the record cannot be written. */
  undo(): Promise<unknown>;
}

/**
 * What cc-bridge can do with an instance, whatever runs it. One implementation per instance type
 * (runtimes/tmux, runtimes/docker), chosen by `runtimeFor` (runtimes.ts). Every call is bounded
 * (`runtimeCallTimeoutMs`, and a container stop gets its grace period on top); a stream is not,
 * but setting it up is. Errors are CcBridgeErrors: TMUX_ERROR, DOCKER_UNAVAILABLE (no answer,
 * Docker disabled, a container of another Engine), DOCKER_ERROR, NOT_FOUND (no session or
 * container to act on), INVALID_INPUT (a record that names none, input the runtime cannot take).
 * Every method takes records of its own type only.
 */
export interface Runtime {
  readonly type: InstanceType;
  /** How messages name what answers for this type: `tmux`, `the Docker Engine`. */
  readonly label: string;

  /**
   * The fields that name a new record's runtime before anything starts, from its input (pure):
   * tmux: the session, named after the instance unless given; Docker: none (the container's id
   * comes from the Engine).
   */
  recordIdentity(input: Pick<Instance, 'name'> & Partial<Pick<Instance, 'tmuxSession'>>): Partial<Instance>;

  /**
   * Starts the runtime of a new record (`input` with its `recordIdentity`). tmux: a session running
   * the configured command in `cwd`, which must still be there a moment later (TMUX_ERROR, and no
   * session left); Docker: a container from `imageName` (never pulled) with the cc-bridge label,
   * on `dockerNetwork` or the configured network (DOCKER_ERROR, and no container left). What it
   * made stays until `undo`.
   */
  launch(input: LaunchInput): Promise<Launched>;

  /**
   * One record's observation, from one question to the runtime. `statusBefore` is the stored
   * status, or the one before an outage made it `unknown`; default `instance.status`.
   */
  observe(instance: Instance, statusBefore?: InstanceStatus): Promise<Observation>;

  /**
   * Every given record's observation from one batched call (tmux `list-panes -a`; Docker one
   * container list), never a call per record. `statusBefore` by record id, as in `observe`.
   */
  observeAll(instances: readonly Instance[], statusBefore?: ReadonlyMap<string, InstanceStatus>): Promise<ObservedAll>;

  /**
   * Starts what the record names and observes it. tmux: a new session running the configured
   * command (`config.tmux.command`) in the record's cwd, which must still be there a moment later
   * (a command not found ends it at once: TMUX_ERROR); a running session is left as it is, one
   * kept with a dead pane (`remain-on-exit`) is replaced.
   * Docker: starts the existing container (POST /containers/{id}/start); NOT_FOUND when it is gone.
   */
  start(instance: Instance): Promise<Observation>;

  /**
   * Stops it and observes it. tmux: kills the session (the record stays; a missing session is
   * no error). Docker: POST /containers/{id}/stop with the container's own grace period
   * (`Config.StopTimeout`, the Engine's 10 s by default); a container not running is no error.
   */
  stop(instance: Instance): Promise<Observation>;

  /** tmux: stop, then start. Docker: POST /containers/{id}/restart (same grace as stop). */
  restart(instance: Instance): Promise<Observation>;

  /**
   * Runtimes that can start Claude Code on a past conversation have it (tmux); Docker has none
   * (undefined). tmux: the session (a shell left after the agent ended, a dead pane) is replaced
   * by a new one running the configured command followed by `--resume CLAUDE_SESSION_ID` in the
   * record's cwd, confirmed as a start is.
   */
  readonly resume?: (instance: Instance, claudeSessionId: string) => Promise<Observation>;

  /**
   * Removes the session or container (Docker: stops it first): true; false when it was already
   * gone. A container of another Engine is never judged gone: DOCKER_UNAVAILABLE.
   */
  remove(instance: Instance): Promise<boolean>;

  /**
   * The last `lines` lines of output, `\n`-separated, without a trailing newline or the blank rows
   * below the cursor. tmux: `capture-pane -p -J` (scroll-back included); Docker: the container's
   * log tail (stdout and stderr). NOT_FOUND without a session or container.
   */
  readOutput(instance: Instance, options?: ReadOutputOptions): Promise<string>;

  /**
   * Resolves once following has begun (nothing printed after that is missed), to updates in
   * order (`OutputUpdate`: finished lines, and the line still being drawn, which each update
   * replaces); an update always changes something. The iterable ends when `signal` fires or the
   * output ends (the session or the container stopped); a runtime failure while following is
   * thrown from it. tmux: new finished lines of the pane, and the line the cursor stands in
   * (polled); Docker: the log stream split at its newlines, whose last unfinished line is
   * counted finished when the log ends by itself.
   */
  followOutput(instance: Instance, options: FollowOutputOptions): Promise<AsyncIterable<OutputUpdate>>;

  /**
   * Types `text` (then Enter) into the instance. tmux: `send-keys -l`; Docker: the container's
   * stdin through an attach, which needs `OpenStdin` (else INVALID_INPUT) and a running container
   * (else NOT_RUNNING).
   */
  sendInput(instance: Instance, input: SendInputOptions): Promise<void>;

  /**
   * The program that puts a terminal inside the running instance; runs nothing itself. tmux:
   * `tmux -S SOCKET attach-session -t =SESSION` (the agent's own pane; detaching leaves it
   * running); Docker: `docker -H ENDPOINT exec -it CONTAINER sh`, a shell beside the agent, whose
   * exit never stops it. NOT_FOUND without the session or container, NOT_RUNNING for a stopped container.
   */
  terminalCommand(instance: Instance): Promise<TerminalCommand>;

  /**
   * What the terminal of each given running record shows now, by record id; null (or no entry)
   * for one that has no screen to read. tmux: every pane from one batched `capture-pane` (a
   * session gone meanwhile is null). Docker: the container's TTY output drawn by a headless
   * terminal emulator (runtimes/docker/container-screens.ts), one per running container, fed by
   * following its log from the first call on and until `signal` fires, the container stops or
   * it is no longer passed in; a container without a TTY has no screen (null), and a container
   * is only read while `signal` lives (without one: no container screen at all). Throws what the
   * runtime's batched call throws (TMUX_ERROR; DOCKER_UNAVAILABLE); a single container that
   * cannot be followed is null and tried again on the next call.
   */
  readScreens(instances: readonly Instance[], options: { signal?: AbortSignal }): Promise<Map<string, AgentScreen | null>>;

  /**
   * Runtimes that push changes have this (Docker: GET /events); tmux has none (undefined). It
   * resolves once the runtime listens (nothing after that is missed), to changes in order; the
   * iterable ends when `signal` fires, and throws when the runtime goes away (reconnect, then
   * refresh to close the gap).
   */
  readonly changes?: (options: { signal: AbortSignal }) => Promise<AsyncIterable<RuntimeChange>>;
}
