import { HookSpool, type DrainReport } from './activity/hook-spool.ts';
import type { Config } from './config.ts';
import type { CcBridgeError } from './errors.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import type {
  AnswerChoice,
  CreateInstanceInput,
  DockerInstance,
  FollowOutputInput,
  ImportRecord,
  Instance,
  InstanceEvent,
  ListInstancesQuery,
  ListInstancesResult,
  ReadOutputInput,
  UpdateInstancePatch,
} from './instance.ts';
import type { Logger } from './logger.ts';
import type {
  ActorOption,
  CleanupOptions,
  CreateOptions,
  DeleteOptions,
  DeleteResult,
  DiscoveryReport,
  DockerHealth,
  ImportReport,
  RefreshReport,
  RemovalReport,
  StatusResult,
  UpdateOptions,
} from './reports.ts';
import { runtimeCallTimeoutMs } from './runtimes/bounds.ts';
import type { TmuxRuntime } from './runtimes/runtime.ts';
import { ActivityReports } from './registry/activity.ts';
import { Actions } from './registry/actions.ts';
import type { ContainerChange, TerminalCommand } from './runtimes/instance-runtime.ts';
import type { OutputUpdate } from './runtimes/output-update.ts';
import { BulkOperations, type BulkOperation, type BulkOptions, type BulkResult, type BulkTarget } from './registry/bulk.ts';
import { createRuntimes, type RuntimeKey } from './runtimes/runtimes.ts';
import { currentActor, type DockerHostDeps, type RegistryContext } from './registry/context.ts';
import { Creation } from './registry/create.ts';
import { DiscoveryApply } from './registry/discovery.ts';
import { Import } from './registry/import.ts';
import { PromptAnswers, type AnswerOptions, type Answered } from './registry/answer.ts';
import { InstanceIo, type InputSent, type SendOptions } from './registry/io.ts';
import { Records } from './registry/records.ts';
import { takePendingEvents, type PendingEvent } from './registry/notifications.ts';
import { Removal } from './registry/removal.ts';
import { Retention, type RetentionReport } from './registry/retention.ts';
import { auditQuery, readAudit, type AuditPage, type AuditQuery } from './audit/audit-log.ts';
import { parseInput } from './validation.ts';
import { ScreenActivity, type ScreenProbeReport } from './registry/screens.ts';
import { defaultStatusMaxAgeMs, StatusPolicy } from './registry/status-policy.ts';
import { StatusState } from './registry/status-state.ts';
import { Statuses } from './registry/status.ts';
import { dockerRuntimeKeys, LiveRegistry, type ContainerChangesReport, type Reachability } from './live/live-registry.ts';

export interface InstanceManagerDeps {
  prisma: PrismaClient;
  tmux: TmuxRuntime;
  /**
   * One per configured Docker host (`config.docker.hosts`, same order, never empty); their
   * `docker` and `discoverer` are null when Docker support is disabled in the configuration.
   */
  dockerHosts: readonly DockerHostDeps[];
  config: Config;
  logger: Logger;
  /** Recorded in events when a call names no actor. */
  actor: string;
  /**
   * How old (ms) a runtime status may be: a probed status answers `getInstanceStatus` this long
   * without asking the runtime again, and `ensureFreshStatuses` refreshes when the last refresh is
   * older. Default `defaultStatusMaxAgeMs` (2 s).
   */
  statusCacheMs?: number;
  /** How long a new tmux session must live to count as started (a command not found ends it at once). */
  tmuxStartGraceMs?: number;
  /**
   * A Docker configuration that cannot be used (`docker` then fails every call with it): warned
   * once when the manager is made, and the Docker outage counts from then.
   */
  dockerConfigError?: CcBridgeError | null;
  /**
   * How long (ms) status checks and discovery do not ask again a runtime that did not answer in
   * time; its error answers for it meanwhile. Default `runtimeCallTimeoutMs`: one command never
   * waits out the bound twice.
   */
  noAnswerRetryMs?: number;
  now?: () => Date;
}

/**
 * The registry of Claude Code instances of both types: records in the database, their status from
 * the real runtimes (a tmux server, the Docker Engine), and discovery of containers.
 *
 * A facade: each concern lives in its module under `registry/` (records and history, creation,
 * status and its freshness policy, discovery apply, import, removal, bulk operations, output and
 * input), and the status cache and outage tracking they share
 * are one `StatusState`.
 */
export class InstanceManager {
  readonly #context: RegistryContext;
  readonly #records: Records;
  readonly #creation: Creation;
  readonly #statuses: Statuses;
  readonly #discovery: DiscoveryApply;
  readonly #removal: Removal;
  readonly #retention: Retention;
  readonly #import: Import;
  readonly #actions: Actions;
  readonly #io: InstanceIo;
  readonly #answers: PromptAnswers;
  readonly #bulk: BulkOperations;
  readonly #statusPolicy: StatusPolicy;
  readonly #live: LiveRegistry;
  readonly #activity: ActivityReports;
  readonly #spool: HookSpool;
  readonly #screens: ScreenActivity;

  constructor(deps: InstanceManagerDeps) {
    const context: RegistryContext = {
      prisma: deps.prisma,
      docker: deps.dockerHosts[0]?.docker ?? null,
      dockerHosts: deps.dockerHosts,
      runtimes: createRuntimes({ tmux: deps.tmux, dockerHosts: deps.dockerHosts, config: deps.config, tmuxStartGraceMs: deps.tmuxStartGraceMs, logger: deps.logger }),
      config: deps.config,
      logger: deps.logger,
      get actor() {
        return currentActor(deps.actor);
      },
      now: deps.now ?? (() => new Date()),
    };
    const state = new StatusState({
      logger: deps.logger,
      statusCacheMs: deps.statusCacheMs ?? defaultStatusMaxAgeMs,
      noAnswerRetryMs: deps.noAnswerRetryMs ?? runtimeCallTimeoutMs,
      dockerConfigError: deps.dockerConfigError,
      runtimes: context.runtimes,
    });
    this.#context = context;
    this.#records = new Records(context);
    this.#creation = new Creation(context, this.#records);
    this.#statuses = new Statuses(context, this.#records, state);
    this.#discovery = new DiscoveryApply(context, state);
    this.#removal = new Removal(context, this.#records, state);
    this.#retention = new Retention(context, this.#removal);
    this.#import = new Import(context);
    this.#actions = new Actions(context, { records: this.#records, statuses: this.#statuses, state });
    this.#io = new InstanceIo(context, this.#records);
    this.#answers = new PromptAnswers(context, this.#records);
    this.#bulk = new BulkOperations(context, { records: this.#records, removal: this.#removal, statuses: this.#statuses, actions: this.#actions });
    this.#statusPolicy = new StatusPolicy(context, this.#statuses, state);
    this.#live = new LiveRegistry(context, { statuses: this.#statuses, discovery: this.#discovery, state });
    this.#activity = new ActivityReports(context, deps.tmux);
    this.#spool = new HookSpool(deps.config.hooks.spoolDir, deps.logger);
    this.#screens = new ScreenActivity(context);
  }

  get isDockerEnabled(): boolean {
    return this.#context.docker !== null;
  }

  // ---- create -------------------------------------------------------------------------------

  /**
   * Writes a new record; with `start`, starts its tmux session or container first (a failed
   * create leaves none behind). NAME_TAKEN, CONTAINER_TAKEN, SESSION_TAKEN, INVALID_INPUT.
   */
  createInstance(input: CreateInstanceInput, options: CreateOptions = {}): Promise<Instance> {
    return this.#creation.createInstance(input, options);
  }

  async createDockerInstance(input: Omit<CreateInstanceInput, 'type'>, options: CreateOptions = {}): Promise<DockerInstance> {
    const instance = await this.createInstance({ ...input, type: 'docker' }, options);
    return instance as DockerInstance;
  }

  // ---- read ---------------------------------------------------------------------------------

  /** One page of the records a query matches, with the counts matched and total. */
  listInstances(query: ListInstancesQuery = {}): Promise<ListInstancesResult> {
    return this.#records.listInstances(query);
  }

  listTmuxInstances(query: Omit<ListInstancesQuery, 'type'> = {}): Promise<ListInstancesResult> {
    return this.listInstances({ ...query, type: 'tmux' });
  }

  listDockerInstances(query: Omit<ListInstancesQuery, 'type'> = {}): Promise<ListInstancesResult> {
    return this.listInstances({ ...query, type: 'docker' });
  }

  /** The record named `name` in any case (names are unique regardless of case), or null. */
  getInstance(name: string): Promise<Instance | null> {
    return this.#records.getInstance(name);
  }

  /**
   * The records with these ids (at most 500 uuids), for a reader of the change feed; ids no
   * record has are left out. INVALID_INPUT for anything else.
   */
  findInstancesByIds(ids: readonly string[]): Promise<Instance[]> {
    return this.#records.findByIds(ids);
  }

  /** The record named `name` in any case; NOT_FOUND when there is none. */
  getInstanceOrThrow(name: string): Promise<Instance> {
    return this.#records.getInstanceOrThrow(name);
  }

  async getDockerInstance(name: string): Promise<DockerInstance | null> {
    const instance = await this.getInstance(name);
    return instance?.type === 'docker' ? (instance as DockerInstance) : null;
  }

  /**
   * The instance's history, oldest first, across renames. A deleted instance's history is found
   * by the name it had last.
   */
  listEvents(name: string): Promise<InstanceEvent[]> {
    return this.#records.listEvents(name);
  }

  // ---- update -------------------------------------------------------------------------------

  /** Changes fields of a record; CONFLICT when `expectedVersion` is not the stored one. */
  updateInstance(name: string, patch: UpdateInstancePatch, options: UpdateOptions = {}): Promise<Instance> {
    return this.#records.updateInstance(name, patch, options);
  }

  updateDockerInstance(name: string, patch: UpdateInstancePatch, options: UpdateOptions = {}): Promise<DockerInstance> {
    return this.#records.updateDockerInstance(name, patch, options);
  }

  // ---- delete -------------------------------------------------------------------------------

  /** Deletes a record; with `removeRuntime`, its session or container first (a runtime failure keeps the record). */
  deleteInstance(name: string, options: DeleteOptions = {}): Promise<DeleteResult> {
    return this.#removal.deleteInstance(name, options);
  }

  // ---- status -------------------------------------------------------------------------------

  /** One record's status from its runtime, or from the short cache unless `refresh`. */
  getInstanceStatus(name: string, options: { refresh?: boolean } = {}): Promise<StatusResult> {
    return this.#statuses.getInstanceStatus(name, options);
  }

  /**
   * Every record's status at once: one `tmux list-panes -a` and one container list, never a call
   * per instance. A runtime that cannot be asked makes its records `unknown`, never `stopped`.
   */
  refreshStatuses(options: ActorOption = {}): Promise<RefreshReport> {
    return this.#statuses.refreshStatuses(options);
  }

  /**
   * Refreshes every record's status when the last refresh is older than `statusMaxAgeMs`;
   * concurrent callers share one refresh. Its report, or null when the statuses were fresh.
   * Call it before a read that shows runtime status (the dashboard's list).
   */
  ensureFreshStatuses(): Promise<RefreshReport | null> {
    return this.#statusPolicy.ensureFreshStatuses();
  }

  /** How old (ms) a runtime status may be before `ensureFreshStatuses` refreshes it. */
  get statusMaxAgeMs(): number {
    return this.#statusPolicy.maxAgeMs;
  }

  // ---- actions ------------------------------------------------------------------------------

  /**
   * Starts the record's runtime (tmux: a session running `[tmux] command` in its cwd; Docker: its
   * existing container) and answers the record with the status the runtime then reports. A
   * running one is left as it is. Writes an `action` event. NOT_FOUND (no record), CONTAINER_GONE
   * (its container was removed: `recreateInstance`), TMUX_ERROR, DOCKER_UNAVAILABLE, DOCKER_ERROR.
   */
  startInstance(name: string, options: ActorOption = {}): Promise<Instance> {
    return this.#actions.actOrThrow(name, 'start', options);
  }

  /** Stops it (tmux: kills the session; Docker: stops the container, its own grace period); as `startInstance`. A stopped one is left as it is. */
  stopInstance(name: string, options: ActorOption = {}): Promise<Instance> {
    return this.#actions.actOrThrow(name, 'stop', options);
  }

  /** Restarts it (tmux: stop, then start; Docker: POST /containers/{id}/restart); as `startInstance`. */
  restartInstance(name: string, options: ActorOption = {}): Promise<Instance> {
    return this.#actions.actOrThrow(name, 'restart', options);
  }

  /**
   * Starts Claude Code again on the record's last conversation (`[tmux] command --resume
   * SESSION_ID` in its cwd) when the instance is stopped or its agent exited. INVALID_INPUT for a
   * container or a record without a Claude session id; CONFLICT while its agent runs. See registry/actions.ts.
   */
  resumeInstance(name: string, options: ActorOption = {}): Promise<Instance> {
    return this.#actions.resumeInstance(name, options);
  }

  /**
   * A new container (or session) for a record whose own is gone, made from the record's image,
   * container name, network and the cc-bridge label; the record keeps its name and history and
   * gets the new container id (an `action` event). CONFLICT when it still exists. See registry/actions.ts.
   */
  recreateInstance(name: string, options: ActorOption = {}): Promise<Instance> {
    return this.#actions.recreateInstance(name, options);
  }

  // ---- output and input (registry/io.ts) ----------------------------------------------------

  /**
   * The last `lines` (1–10 000, default 50) lines the instance printed, `\n`-separated, plain
   * text unless `colors`: tmux the pane and its scroll-back (`capture-pane -J`), Docker the
   * container's log. INVALID_INPUT, NOT_FOUND (no record), NOT_RUNNING (no session or container).
   */
  readOutput(name: string, options: ReadOutputInput = {}): Promise<string> {
    return this.#io.readOutput(name, options);
  }

  /**
   * Follows what the instance prints: resolves once following has begun, to `OutputUpdate`s
   * (finished lines, and the line still being drawn, which each update replaces; `lines` of
   * recent output first, default 0); ends when `signal` fires or the session or container stops,
   * throws a runtime failure met on the way. Errors as `readOutput`.
   */
  followOutput(name: string, options: FollowOutputInput): Promise<AsyncIterable<OutputUpdate>> {
    return this.#io.followOutput(name, options);
  }

  /**
   * Types `text` into the instance as literal characters, then Enter unless `enter` is false
   * (tmux `send-keys -l`; a container's stdin, which needs OpenStdin: else INVALID_INPUT). Writes
   * an `action` event with the number of characters, never the text. INVALID_INPUT (a NUL, over
   * 8 KiB, nothing to send), NOT_FOUND, NOT_RUNNING, TMUX_ERROR, DOCKER_*.
   */
  sendInput(name: string, text: string, options: SendOptions = {}): Promise<InputSent> {
    return this.#io.sendInput(name, text, options);
  }

  /**
   * Answers an agent waiting on Claude Code's permission prompt: `yes`, `always` (`Yes, and don't
   * ask again …`) or `no`, with an optional message typed after a `no` (what to do instead); the
   * choice's number is pressed, again once if the prompt stays (registry/answer.ts). Writes an
   * `action` event (`answer`), never the message's text. NOT_WAITING when the record's activity
   * is not `waiting` or no prompt is shown; INVALID_INPUT, NOT_FOUND, NOT_RUNNING, TMUX_ERROR, DOCKER_*.
   */
  async answer(name: string, choice: AnswerChoice, options: AnswerOptions = {}): Promise<Answered> {
    // The PermissionRequest that made the agent wait may still be in the spool (no page open to
    // drain it): the answer must not be refused for an activity the hooks have already changed.
    await this.applyHookReports();
    return this.#answers.answer(name, choice, options);
  }

  /**
   * The program (an argument array) that attaches a terminal to the running instance: tmux attach
   * to its session on the configured server, or a shell in its container; writes an `action`
   * event. NOT_FOUND, NOT_RUNNING, TMUX_ERROR, DOCKER_*.
   */
  attachTerminal(name: string, options: ActorOption = {}): Promise<TerminalCommand> {
    return this.#io.attachTerminal(name, options);
  }

  // ---- bulk ---------------------------------------------------------------------------------

  /**
   * One operation (`delete`, `refreshStatus`, `start`, `stop`, `restart`) over these names or every record a list query
   * matches (all pages), at most `concurrency` records at once: one result per record, a failure
   * of one (NOT_FOUND, a runtime error) never stopping the others. INVALID_INPUT when the target
   * or operation is not valid. See registry/bulk.ts.
   */
  runBulk(target: BulkTarget, operation: BulkOperation, options: BulkOptions = {}): Promise<BulkResult[]> {
    return this.#bulk.runBulk(target, operation, options);
  }

  // ---- discovery ----------------------------------------------------------------------------

  /**
   * Finds Claude Code containers and merges them into the registry in one transaction. When the
   * Engine cannot be reached the report carries the error and no record changes.
   */
  refreshDiscovery(options: ActorOption = {}): Promise<DiscoveryReport> {
    return this.#discovery.refreshDiscovery(options);
  }

  /** Pings the Engine, under the outage rule: one warning per outage, an Engine that just did not answer is not waited for again. */
  getDockerHealth(): Promise<DockerHealth> {
    return this.#discovery.getDockerHealth();
  }

  // ---- cleanup ------------------------------------------------------------------------------

  /** Removes stopped records (never runtimes), optionally of one type and older than a duration. */
  cleanupStoppedInstances(options: CleanupOptions & ActorOption = {}): Promise<RemovalReport> {
    return this.#removal.cleanupStoppedInstances(options);
  }

  /** Removes discovered records whose container is gone; DOCKER_UNAVAILABLE (nothing removed) when the Engine cannot be asked. */
  pruneDiscoveredInstances(options: { dryRun?: boolean } & ActorOption = {}): Promise<RemovalReport> {
    return this.#removal.pruneDiscoveredInstances(options);
  }

  /**
   * Applies `[retention]` (see registry/retention.ts): stopped records past `stopped_after` and
   * history past `events_after`, as actor `retention`, each removal in the audit log. `dryRun`
   * reports what would go and removes nothing.
   */
  applyRetention(options: { dryRun?: boolean } = {}): Promise<RetentionReport> {
    return this.#retention.apply(options);
  }

  // ---- audit log ----------------------------------------------------------------------------

  /**
   * One page of the audit log, newest first (see `auditQuery` for the filters); INVALID_INPUT for
   * a bad query. An `instance` that names a record finds its entries across renames.
   */
  async listAudit(query: AuditQuery = {}): Promise<AuditPage> {
    const valid = parseInput(auditQuery, query, 'audit query');
    const instance = valid.instance ? await this.#records.getInstance(valid.instance) : null;
    return readAudit(this.#context.prisma, valid, instance?.id ?? null);
  }

  // ---- live status (the live follower's calls; see live/live-registry.ts) ----------------------

  /** The runtime keys of the Docker hosts the live follower follows (`docker`, `docker:NAME`…); none when Docker is off. */
  get dockerRuntimeKeys(): RuntimeKey[] {
    return dockerRuntimeKeys(this.#context);
  }

  /** One Docker host's container changes (`key`, default the first host's), from when it listens; DOCKER_UNAVAILABLE when it cannot be reached or Docker is off. */
  followContainerChanges(signal: AbortSignal, key?: RuntimeKey): Promise<AsyncIterable<ContainerChange>> {
    return this.#live.followContainerChanges(signal, key);
  }

  /** A burst of container changes made into registry changes: discovery when needed, one refresh of the records touched. */
  applyContainerChanges(changes: readonly ContainerChange[], options: ActorOption = {}): Promise<ContainerChangesReport> {
    return this.#live.applyContainerChanges(changes, options);
  }

  /** Every record of one runtime refreshed at once (Docker: after a discovery), under the outage rule. */
  refreshRuntime(key: RuntimeKey, options: ActorOption = {}): Promise<RefreshReport> {
    return this.#live.refreshRuntime(key, options);
  }

  /** Writes a runtime's outage or its end as one event, when it is news to the database; true when written. */
  recordRuntimeReachability(key: RuntimeKey, reachability: Reachability, options: ActorOption = {}): Promise<boolean> {
    return this.#live.recordReachability(key, reachability, options);
  }

  /** The runtimes' outage events, oldest first (`runtime_unreachable`, `runtime_reachable`). */
  listRuntimeEvents(key?: RuntimeKey): Promise<InstanceEvent[]> {
    return this.#live.listRuntimeEvents(key);
  }

  // ---- import -------------------------------------------------------------------------------

  /** Imports records written elsewhere (the original cc-bridge); invalid and already registered ones are skipped with the reason. */
  importInstances(records: ImportRecord[], options: ActorOption = {}): Promise<ImportReport> {
    return this.#import.importInstances(records, options);
  }

  // ---- agent activity (Claude Code's hooks) -------------------------------------------------

  /** The folder the hook command leaves its reports in (`[hooks] spool_dir`). */
  get hookSpoolDir(): string {
    return this.#spool.dir;
  }

  /**
   * Applies every hook report waiting in the spool folder, in order, to its record's activity
   * (registry/activity.ts); each file is deleted once applied. What a list shows is then current.
   */
  applyHookReports(): Promise<DrainReport> {
    return this.#spool.drain((content) => this.#activity.apply(content));
  }

  /**
   * Reads the screens of the running instances (one tmux command for the panes; a headless
   * terminal per running container with a TTY, followed while `signal` lives) and writes the
   * activity they show where no hook report says otherwise (registry/screens.ts: the hold, hooks
   * win). The live follower calls it with every probe and its own signal; the holds and the
   * containers' terminals it keeps are this process's.
   */
  probeScreens(options: { signal?: AbortSignal } = {}): Promise<ScreenProbeReport> {
    return this.#screens.probeScreens(options);
  }

  /** Calls `onReport` whenever a hook report arrives, until `signal` aborts (the live follower drains then). */
  watchHookReports(signal: AbortSignal, onReport: () => void): void {
    this.#spool.watch(signal, onReport);
  }

  /** Takes up to `limit` events waiting to be notified, each by one caller only (registry/notifications.ts). */
  takePendingEvents(limit: number): Promise<PendingEvent[]> {
    return takePendingEvents(this.#context, limit);
  }
}
