import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from './config.ts';
import { insertEvents, insertInstances, markSeen, type EventRow, type InstanceRow } from './db/bulk.ts';
import { lastAnnouncedStatuses } from './db/status-history.ts';
import { containerTaken, nameTaken, sessionTaken, translateDatabaseError } from './db/prisma-errors.ts';
import type { DockerDiscoverer } from './discovery/docker-discoverer.ts';
import { goneContainerObservation, planMerge, type RegistryEntry } from './discovery/merge.ts';
import { CcBridgeError, isCcBridgeError, serializeError, type SerializedError } from './errors.ts';
import type { Prisma, PrismaClient } from './generated/prisma/client.ts';
import {
  checkFieldsMatchType,
  createInstanceInput,
  describeDockerEngine,
  dockerFields,
  expectedVersion as expectedVersionSchema,
  instanceName,
  isSameContainer,
  listInstancesQuery,
  shortContainerId,
  startInstanceInput,
  tmuxFields,
  updateInstancePatch,
  type CreateInstanceInput,
  type DockerInstance,
  type DockerObservation,
  type EventKind,
  type ImportRecord,
  type Instance,
  type InstanceEvent,
  type InstanceStatus,
  type InstanceType,
  type ListInstancesQuery,
  type ListInstancesResult,
  type UpdateInstancePatch,
  unobservedContainer,
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
  StatusChange,
  StatusResult,
  UpdateOptions,
} from './reports.ts';
import { isNoAnswer, runtimeCallTimeoutMs } from './runtimes/bounds.ts';
import {
  belongsToOtherEngine,
  observeDockerContainer,
  statusFromContainerState,
  statusFromTmuxSession,
  type ContainerInfo,
  type DockerEngine,
  type DockerRuntime,
  type TmuxRuntime,
  type TmuxSessionInfo,
} from './runtimes/runtime.ts';
import { parseInput } from './validation.ts';
import { z } from 'zod';

export interface InstanceManagerDeps {
  prisma: PrismaClient;
  tmux: TmuxRuntime;
  /** Null when Docker support is disabled in the configuration. */
  docker: DockerRuntime | null;
  discoverer: DockerDiscoverer | null;
  config: Config;
  logger: Logger;
  /** Recorded in events when a call names no actor. */
  actor: string;
  /** How long a probed status answers `getInstanceStatus` without asking the runtime again. */
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

type Tx = Prisma.TransactionClient;
type EventInput = { instanceId: string | null; instanceName: string; kind: EventKind; from?: unknown; to?: unknown; message?: string; actor: string };

const dockerDisabled = () =>
  new CcBridgeError('DOCKER_UNAVAILABLE', 'Docker support is disabled in the configuration ([docker] enabled = false)');

/** JSON-safe copies (Dates become ISO strings), as events store them. */
function eventRow(event: EventInput): EventRow {
  const plain = (value: unknown) => (value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown));
  return {
    instanceId: event.instanceId,
    instanceName: event.instanceName,
    kind: event.kind,
    from: plain(event.from),
    to: plain(event.to),
    actor: event.actor,
    message: event.message ?? null,
  };
}

const nameArgument = z.string();

/** No record can hold a name that is not a valid instance name: looking one up finds nothing. */
function isPossibleName(name: string): boolean {
  return instanceName.safeParse(name).success;
}

/**
 * The registry of Claude Code instances of both types: records in the database, their status from
 * the real runtimes (a tmux server, the Docker Engine), and discovery of containers.
 */
export class InstanceManager {
  readonly #prisma: PrismaClient;
  readonly #tmux: TmuxRuntime;
  readonly #docker: DockerRuntime | null;
  readonly #discoverer: DockerDiscoverer | null;
  readonly #config: Config;
  readonly #logger: Logger;
  readonly #actor: string;
  readonly #statusCacheMs: number;
  readonly #tmuxStartGraceMs: number;
  readonly #now: () => Date;
  readonly #statusCache = new Map<string, { status: InstanceStatus; checkedAt: Date }>();
  /** Runtimes (by the type they serve) whose last call failed: an outage is logged when it starts and ends, not on every refresh. */
  readonly #failing = new Set<InstanceType>();
  /** Runtimes whose last call got no answer in time, with that error and when it came. */
  readonly #unanswered = new Map<InstanceType, { error: CcBridgeError; at: number }>();
  readonly #noAnswerRetryMs: number;

  constructor(deps: InstanceManagerDeps) {
    this.#prisma = deps.prisma;
    this.#tmux = deps.tmux;
    this.#docker = deps.docker;
    this.#discoverer = deps.discoverer;
    this.#config = deps.config;
    this.#logger = deps.logger;
    this.#actor = deps.actor;
    this.#statusCacheMs = deps.statusCacheMs ?? 2_000;
    this.#tmuxStartGraceMs = deps.tmuxStartGraceMs ?? 300;
    this.#noAnswerRetryMs = deps.noAnswerRetryMs ?? runtimeCallTimeoutMs;
    this.#now = deps.now ?? (() => new Date());
    if (deps.dockerConfigError) {
      this.#logger.warn(`${deps.dockerConfigError.message}. Docker cannot be used until this is fixed; tmux instances work as usual`);
      this.#failing.add('docker');
    }
  }

  get isDockerEnabled(): boolean {
    return this.#docker !== null;
  }

  // ---- create -------------------------------------------------------------------------------

  async createInstance(input: CreateInstanceInput, options: CreateOptions = {}): Promise<Instance> {
    const actor = options.actor ?? this.#actor;
    if (options.start) return this.#createAndStart(input, actor);
    const valid = parseInput(createInstanceInput, input, 'instance');
    const data = { ...valid, tmuxSession: valid.type === 'tmux' ? (valid.tmuxSession ?? valid.name) : null };
    return this.#insert(data, 'manual', actor);
  }

  async createDockerInstance(input: Omit<CreateInstanceInput, 'type'>, options: CreateOptions = {}): Promise<DockerInstance> {
    const instance = await this.createInstance({ ...input, type: 'docker' }, options);
    return instance as DockerInstance;
  }

  /**
   * Starts the session or container, then writes the record. Whatever fails after the start
   * (the session ending at once, a status read, the insert, a name taken meanwhile) removes what
   * was started: a failed create leaves no session or container behind.
   */
  async #createAndStart(input: CreateInstanceInput, actor: string): Promise<Instance> {
    const valid = parseInput(startInstanceInput, input, 'instance');
    // Checked before the runtime starts, so a taken name leaves no session or container behind,
    // and a taken session is never started (nor killed by the undo below).
    const holder = await this.getInstance(valid.name);
    if (holder) throw nameTaken(valid.name, holder.name);
    const now = this.#now();
    if (valid.type === 'tmux') {
      const tmuxSession = valid.tmuxSession ?? valid.name;
      await this.#refuseTakenSession(this.#prisma, tmuxSession, null);
      const { command } = this.#config.tmux;
      // startSession removes the session itself if it fails after tmux made it.
      await this.#tmux.startSession({ name: tmuxSession, cwd: valid.cwd ?? null, command });
      return this.#orUndo(`the tmux session ${tmuxSession}`, () => this.#tmux.killSession(tmuxSession), async () => {
        const session = await this.#confirmTmuxSession(tmuxSession, command);
        const data = { ...valid, tmuxSession, pid: session.panePid, status: statusFromTmuxSession(session), lastSeenAt: now };
        return this.#insert(data, 'manual', actor);
      });
    }
    const docker = this.#requireDocker();
    const engine = await docker.getEngine();
    // runContainer removes the container itself if it fails after the Engine made it.
    const container = await docker.runContainer({
      name: valid.containerName ?? valid.name,
      image: valid.imageName ?? '',
      labels: { [this.#config.docker.containerLabel]: valid.name },
      network: valid.dockerNetwork ?? this.#config.docker.network,
    });
    const data = {
      ...valid,
      containerId: container.id,
      containerName: container.name,
      dockerNetwork: container.networks[0] ?? valid.dockerNetwork ?? null,
      status: statusFromContainerState(container),
      ...observeDockerContainer(container, engine),
      lastSeenAt: now,
    };
    return this.#orUndo(`the container ${container.name}`, () => docker.removeContainer(container.id), () => this.#insert(data, 'manual', actor));
  }

  /**
   * A session whose command is missing or fails at once vanishes with no trace to look at: after
   * a short grace it must still be there, or the start is an error and no record is written.
   */
  async #confirmTmuxSession(name: string, command: readonly string[]): Promise<TmuxSessionInfo> {
    await sleep(this.#tmuxStartGraceMs);
    const session = await this.#tmux.getSession(name);
    if (!session) {
      throw new CcBridgeError(
        'TMUX_ERROR',
        `The tmux session ${name} ended as soon as it started: its command (${command.join(' ')}) exited or was not found. ` +
          'Set [tmux] command (or CC_BRIDGE_TMUX_COMMAND) to a program that keeps running.',
      );
    }
    return session;
  }

  /** Runs `work` after a runtime was started; if it fails, `undo` removes what was started. */
  async #orUndo(started: string, undo: () => Promise<unknown>, work: () => Promise<Instance>): Promise<Instance> {
    try {
      return await work();
    } catch (error) {
      await undo().catch((undoError: unknown) =>
        this.#logger.error(`${started} was started but could not be removed after the create failed; remove it by hand`, {
          error: undoError instanceof Error ? undoError.message : String(undoError),
        }),
      );
      throw error;
    }
  }

  async #insert(data: Prisma.InstanceCreateInput, origin: 'manual' | 'discovered', actor: string): Promise<Instance> {
    try {
      return await this.#prisma.$transaction(async (tx) => {
        await this.#refuseTakenName(tx, data.name, null);
        if (data.containerId) await this.#refuseRegisteredContainer(tx, data.containerId, null);
        if (data.tmuxSession) await this.#refuseTakenSession(tx, data.tmuxSession, null);
        const instance = await tx.instance.create({ data: { ...data, origin } });
        await this.#record(tx, { instanceId: instance.id, instanceName: instance.name, kind: 'created', to: instance, actor });
        return instance;
      });
    } catch (error) {
      throw translateDatabaseError(error, { name: data.name, containerId: data.containerId ?? null, tmuxSession: data.tmuxSession ?? null });
    }
  }

  // ---- read ---------------------------------------------------------------------------------

  async listInstances(query: ListInstancesQuery = {}): Promise<ListInstancesResult> {
    const valid = parseInput(listInstancesQuery, query, 'list query');
    // Prisma's contains/startsWith become LIKE patterns without escaping: "_" (a valid name
    // character) and "%" would match anything.
    const search = valid.search ? valid.search.replace(/[\\%_]/g, (character) => `\\${character}`) : undefined;
    const where: Prisma.InstanceWhereInput = {
      ...(valid.type ? { type: valid.type } : {}),
      ...(valid.status && valid.status.length > 0 ? { status: { in: valid.status } } : {}),
      ...(valid.origin ? { origin: valid.origin } : {}),
      ...(search
        ? {
            OR: [
              { name: { contains: search, mode: 'insensitive' } },
              { tmuxSession: { contains: search, mode: 'insensitive' } },
              { containerName: { contains: search, mode: 'insensitive' } },
              { imageName: { contains: search, mode: 'insensitive' } },
              { cwd: { contains: search, mode: 'insensitive' } },
              { containerId: { startsWith: search.toLowerCase() } },
            ],
          }
        : {}),
    };
    // Nulls last either way, then name and id: a stable order makes pages and cursors exact.
    const primary: Prisma.InstanceOrderByWithRelationInput =
      valid.sort === 'lastSeenAt' ? { lastSeenAt: { sort: valid.order, nulls: 'last' } } : { [valid.sort]: valid.order };
    const orderBy: Prisma.InstanceOrderByWithRelationInput[] = [primary];
    if (valid.sort !== 'name') orderBy.push({ name: 'asc' });
    orderBy.push({ id: 'asc' });

    const take = valid.limit === undefined ? undefined : valid.limit + 1;
    const [rows, matched, total] = await Promise.all([
      this.#prisma.instance.findMany({
        where,
        orderBy,
        ...(take === undefined ? {} : { take }),
        ...(valid.cursor ? { cursor: { id: valid.cursor }, skip: 1 } : valid.offset ? { skip: valid.offset } : {}),
      }),
      this.#prisma.instance.count({ where }),
      this.#prisma.instance.count(),
    ]);
    const hasMore = valid.limit !== undefined && rows.length > valid.limit;
    const items = hasMore ? rows.slice(0, valid.limit) : rows;
    return { items, matched, total, nextCursor: hasMore ? (items.at(-1)?.id ?? null) : null };
  }

  listTmuxInstances(query: Omit<ListInstancesQuery, 'type'> = {}): Promise<ListInstancesResult> {
    return this.listInstances({ ...query, type: 'tmux' });
  }

  listDockerInstances(query: Omit<ListInstancesQuery, 'type'> = {}): Promise<ListInstancesResult> {
    return this.listInstances({ ...query, type: 'docker' });
  }

  /** The record named `name` in any case (names are unique regardless of case), or null. */
  async getInstance(name: string): Promise<Instance | null> {
    const valid = parseInput(nameArgument, name, 'name');
    if (!isPossibleName(valid)) return null;
    const holder = await this.#findNameHolder(this.#prisma, valid, null);
    return holder ? this.#prisma.instance.findUnique({ where: { id: holder.id } }) : null;
  }

  async getInstanceOrThrow(name: string): Promise<Instance> {
    const instance = await this.getInstance(name);
    if (!instance) throw new CcBridgeError('NOT_FOUND', `No instance named "${name}"`);
    return instance;
  }

  async getDockerInstance(name: string): Promise<DockerInstance | null> {
    const instance = await this.getInstance(name);
    return instance?.type === 'docker' ? (instance as DockerInstance) : null;
  }

  /**
   * The instance's history, oldest first, across renames. A deleted instance's history is found
   * by the name it had last.
   */
  async listEvents(name: string): Promise<InstanceEvent[]> {
    const valid = parseInput(nameArgument, name, 'name');
    if (!isPossibleName(valid)) return [];
    const instance = await this.getInstance(valid);
    const last = instance ? null : await this.#prisma.instanceEvent.findFirst({ where: { instanceName: valid }, orderBy: { id: 'desc' } });
    const instanceId = instance?.id ?? last?.instanceId ?? null;
    return this.#prisma.instanceEvent.findMany({
      where: instanceId ? { instanceId } : { instanceName: valid },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
    });
  }

  // ---- update -------------------------------------------------------------------------------

  async updateInstance(name: string, patch: UpdateInstancePatch, options: UpdateOptions = {}): Promise<Instance> {
    const valid = parseInput(updateInstancePatch, patch, 'update');
    const expected = options.expectedVersion === undefined ? undefined : parseInput(expectedVersionSchema, options.expectedVersion, 'expected version');
    const current = await this.getInstanceOrThrow(name);
    if (expected !== undefined && expected !== current.version) throw this.#conflict(current);

    const merged = { ...current, ...valid };
    const fieldCheck = z.object({}).superRefine((_, ctx) => checkFieldsMatchType(current.type, merged, ctx));
    parseInput(fieldCheck, {}, 'update');

    const changes: Record<string, unknown> = {};
    const before: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(valid) as [keyof typeof valid, unknown][]) {
      if (value !== undefined && value !== current[field]) {
        changes[field] = value;
        before[field] = current[field];
      }
    }
    if (Object.keys(changes).length === 0) return current;

    const actor = options.actor ?? this.#actor;
    try {
      return await this.#prisma.$transaction(async (tx) => {
        if (typeof changes.name === 'string') await this.#refuseTakenName(tx, changes.name, current.id);
        if (typeof changes.containerId === 'string') await this.#refuseRegisteredContainer(tx, changes.containerId, current.id);
        if (typeof changes.tmuxSession === 'string') await this.#refuseTakenSession(tx, changes.tmuxSession, current.id);
        // The version in the WHERE makes the write fail if anyone wrote since we read.
        const { count } = await tx.instance.updateMany({
          where: { id: current.id, version: current.version },
          data: { ...changes, version: { increment: 1 }, updatedAt: this.#now() },
        });
        if (count === 0) throw this.#conflict(current);
        const updated = await tx.instance.findUniqueOrThrow({ where: { id: current.id } });
        await this.#record(tx, { instanceId: current.id, instanceName: updated.name, kind: 'updated', from: before, to: changes, actor });
        return updated;
      });
    } catch (error) {
      throw translateDatabaseError(error, { name: valid.name ?? name, containerId: valid.containerId ?? null, tmuxSession: valid.tmuxSession ?? null });
    }
  }

  async updateDockerInstance(name: string, patch: UpdateInstancePatch, options: UpdateOptions = {}): Promise<DockerInstance> {
    const current = await this.getInstanceOrThrow(name);
    if (current.type !== 'docker') throw new CcBridgeError('INVALID_INPUT', `"${name}" is a ${current.type} instance, not a Docker one`);
    return (await this.updateInstance(name, patch, options)) as DockerInstance;
  }

  #conflict(current: Instance): CcBridgeError {
    return new CcBridgeError('CONFLICT', `"${current.name}" was changed by someone else since you read it; reload and try again`);
  }

  // ---- delete -------------------------------------------------------------------------------

  async deleteInstance(name: string, options: DeleteOptions = {}): Promise<DeleteResult> {
    const instance = await this.getInstanceOrThrow(name);
    // The runtime goes first: if tmux or Docker fails, the record stays and the error is reported.
    const runtime = options.removeRuntime ? ((await this.#removeRuntime(instance)) ? 'removed' : 'gone') : 'kept';
    const actor = options.actor ?? this.#actor;
    const message = { kept: 'record removed', removed: 'record and runtime removed', gone: 'record removed; the runtime was already gone' }[runtime];
    await this.#deleteRecords([instance], actor, message);
    this.#statusCache.delete(instance.id);
    return { instance, runtime };
  }

  /** True when there was a session or container to remove. */
  async #removeRuntime(instance: Instance): Promise<boolean> {
    // A tmux record without a session (cleared) has nothing to kill, whatever its name.
    if (instance.type === 'tmux') return instance.tmuxSession !== null && this.#tmux.killSession(instance.tmuxSession);
    const docker = this.#requireDocker();
    if (!instance.containerId) throw new CcBridgeError('INVALID_INPUT', `"${instance.name}" names no container`);
    if (await docker.removeContainer(instance.containerId)) return true;
    // Not on this Engine is not "gone" when the container belongs to another one: the record stays.
    const engine = await docker.getEngine();
    if (belongsToOtherEngine(instance, engine)) throw otherEngineError(instance, engine);
    return false;
  }

  async #deleteRecords(instances: Instance[], actor: string, message: string): Promise<void> {
    if (instances.length === 0) return;
    await this.#prisma.$transaction(async (tx) => {
      await insertEvents(
        tx,
        instances.map((instance) => eventRow({ instanceId: instance.id, instanceName: instance.name, kind: 'deleted', from: instance, message, actor })),
      );
      await tx.instance.deleteMany({ where: { id: { in: instances.map((instance) => instance.id) } } });
    });
  }

  // ---- status -------------------------------------------------------------------------------

  async getInstanceStatus(name: string, options: { refresh?: boolean } = {}): Promise<StatusResult> {
    const instance = await this.getInstanceOrThrow(name);
    const cached = this.#statusCache.get(instance.id);
    const now = this.#now();
    if (!options.refresh && cached && now.getTime() - cached.checkedAt.getTime() < this.#statusCacheMs) {
      return { instance, status: cached.status, checkedAt: cached.checkedAt, isFresh: false, error: null };
    }
    const errors: SerializedError[] = [];
    const before = await this.#statusesBeforeOutage([instance]);
    const observation = (await this.#ask(instance.type, () => this.#observe(instance, before.get(instance.id) ?? instance.status), errors)) ?? unanswered;
    if (observation.otherEngine) errors.push(serializeError(otherEngineError(instance, observation.otherEngine)));
    const { instances } = await this.#applyObservations([{ instance, observation }], before, this.#actor);
    const result = instances[0] ?? instance;
    this.#statusCache.set(instance.id, { status: result.status, checkedAt: now });
    // A container of another Engine keeps the status it had: this Engine was asked, but not about it.
    return { instance: result, status: result.status, checkedAt: now, isFresh: !observation.otherEngine, error: errors[0] ?? null };
  }

  /** `statusBefore`: the stored status, or the one before an outage for a record it made `unknown`. */
  async #observe(instance: Instance, statusBefore: InstanceStatus): Promise<Observation> {
    if (instance.type === 'tmux') {
      return observeTmux(statusBefore, instance.tmuxSession === null ? null : await this.#tmux.getSession(instance.tmuxSession));
    }
    if (!this.#docker) throw dockerDisabled();
    if (!instance.containerId) return { status: 'error', isSeen: false };
    const [engine, container] = await Promise.all([this.#docker.getEngine(), this.#docker.getContainer(instance.containerId)]);
    return observeContainer(instance, container, engine);
  }

  /**
   * Every record's status at once: one `tmux list-panes -a` and one container list, never a call
   * per instance. A runtime that cannot be asked makes its records `unknown`, never `stopped`
   * (see #applyObservations). `changed` lists real changes, as the events do.
   */
  async refreshStatuses(options: ActorOption = {}): Promise<RefreshReport> {
    const instances = await this.#prisma.instance.findMany();
    const before = await this.#statusesBeforeOutage(instances);
    const errors: SerializedError[] = [];
    const wants = (type: InstanceType) => instances.some((instance) => instance.type === type);
    const docker = this.#docker;
    const [sessions, listed] = await Promise.all([
      wants('tmux') ? this.#ask('tmux', () => this.#tmux.listSessions(), errors) : new Map<string, TmuxSessionInfo>(),
      wants('docker')
        ? docker
          ? this.#ask('docker', () => Promise.all([docker.getEngine(), docker.listContainers()]), errors)
          : this.#failed('docker', dockerDisabled(), errors)
        : null,
    ]);
    const engine = listed?.[0] ?? null;
    const byId = listed ? indexContainers(listed[1]) : null;
    const observations = instances.map((instance) => {
      let observation: Observation;
      if (instance.type === 'tmux') {
        const session = sessions && instance.tmuxSession !== null ? (sessions.get(instance.tmuxSession) ?? null) : null;
        observation = sessions ? observeTmux(before.get(instance.id) ?? instance.status, session) : unanswered;
      } else {
        observation = byId && engine ? observeContainer(instance, findContainer(byId, instance.containerId), engine) : unanswered;
      }
      return { instance, observation };
    });
    const otherEngine = observations.flatMap(({ instance, observation }) => (observation.otherEngine ? [instance.name] : []));
    const { instances: updated, changed } = await this.#applyObservations(observations, before, options.actor ?? this.#actor);
    const checkedAt = this.#now();
    for (const instance of updated) this.#statusCache.set(instance.id, { status: instance.status, checkedAt });
    return { checked: instances.length, changed, errors, engine, otherEngine };
  }

  /**
   * A runtime call whose expected failure goes into `errors` (as null) instead of throwing. A
   * runtime that just failed to answer in time is not asked again for `noAnswerRetryMs`: its
   * error answers at once, so a command that asks twice (discovery, then statuses) waits once.
   */
  async #ask<T>(runtime: InstanceType, call: () => Promise<T>, errors: SerializedError[]): Promise<T | null> {
    const silence = this.#unanswered.get(runtime);
    if (silence && Date.now() - silence.at < this.#noAnswerRetryMs) return this.#failed(runtime, silence.error, errors);
    let result: T;
    try {
      result = await call();
    } catch (error) {
      return this.#failed(runtime, error, errors);
    }
    this.#unanswered.delete(runtime);
    if (this.#failing.delete(runtime)) this.#logger.info(`${runtime === 'docker' ? 'the Docker Engine' : 'tmux'} answers again`);
    return result;
  }

  #failed(runtime: InstanceType, error: unknown, errors: SerializedError[]): null {
    if (!isCcBridgeError(error)) throw error;
    if (!this.#failing.has(runtime)) this.#logger.warn(error.message);
    this.#failing.add(runtime);
    if (isNoAnswer(error) && !this.#unanswered.has(runtime)) this.#unanswered.set(runtime, { error, at: Date.now() });
    errors.push(serializeError(error));
    return null;
  }

  /**
   * Writes what the runtimes said. The outage rule: records of a runtime that could not be asked
   * become `unknown` in one statement, with no event (the outage is one warning, not a change of
   * every record); when the runtime answers again, only a status that differs from the one
   * before the outage (`before`, from #statusesBeforeOutage) is a change, with its event from
   * that status. Returns the records as stored now and the real changes.
   */
  async #applyObservations(
    items: { instance: Instance; observation: Observation }[],
    before: Map<string, InstanceStatus>,
    actor: string,
  ): Promise<{ instances: Instance[]; changed: StatusChange[] }> {
    const now = this.#now();
    const gone = items.filter(({ instance, observation }) => observation.isUnanswered && instance.status !== 'unknown').map(({ instance }) => instance.id);
    const answered = items.filter(({ observation }) => !observation.isUnanswered);
    const differs = answered.filter(
      ({ instance, observation }) =>
        observation.status !== instance.status || (observation.pid !== undefined && observation.pid !== instance.pid) || hasNewDockerFacts(instance, observation),
    );
    const seen = answered.filter(({ observation }) => observation.isSeen).map(({ instance }) => instance.id);
    if (gone.length === 0 && differs.length === 0 && seen.length === 0) return { instances: items.map(({ instance }) => instance), changed: [] };
    const changed: StatusChange[] = [];
    await this.#prisma.$transaction(async (tx) => {
      if (gone.length > 0) await tx.instance.updateMany({ where: { id: { in: gone }, status: { not: 'unknown' } }, data: { status: 'unknown' } });
      await markSeen(tx, seen, now);
      const events: EventRow[] = [];
      for (const { instance, observation } of differs) {
        const from = before.get(instance.id) ?? instance.status;
        const isChange = from !== observation.status;
        const hasNewPid = observation.pid !== undefined && observation.pid !== instance.pid;
        await tx.instance.update({
          where: { id: instance.id },
          data: {
            status: observation.status,
            ...(isChange || hasNewPid ? { updatedAt: now } : {}),
            ...(hasNewPid ? { pid: observation.pid } : {}),
            ...observation.docker,
          },
        });
        if (isChange) {
          changed.push({ name: instance.name, from, to: observation.status });
          events.push(eventRow({ instanceId: instance.id, instanceName: instance.name, kind: 'status_changed', from, to: observation.status, actor }));
        }
      }
      await insertEvents(tx, events);
    });
    const ids = items.map(({ instance }) => instance.id);
    const fresh = await this.#prisma.instance.findMany({ where: { id: { in: ids } } });
    const byId = new Map(fresh.map((instance) => [instance.id, instance]));
    return { instances: items.map(({ instance }) => byId.get(instance.id) ?? instance), changed };
  }

  /**
   * For records stored `unknown`, the status their history last announced: `unknown` written by
   * an outage has no event, so this is the status before the outage (or `unknown` itself, when
   * a runtime really reported it). Other records are left out: their stored status is it.
   */
  async #statusesBeforeOutage(instances: { id: string; status: InstanceStatus }[]): Promise<Map<string, InstanceStatus>> {
    const ids = instances.filter((instance) => instance.status === 'unknown').map((instance) => instance.id);
    return ids.length === 0 ? new Map() : lastAnnouncedStatuses(this.#prisma, ids);
  }

  // ---- discovery ----------------------------------------------------------------------------

  /**
   * Finds Claude Code containers and merges them into the registry in one transaction. When the
   * Engine cannot be reached the report carries the error and no record changes.
   */
  async refreshDiscovery(options: ActorOption = {}): Promise<DiscoveryReport> {
    const report: DiscoveryReport = { engine: null, found: 0, added: [], updated: [], markedStopped: [], otherEngine: [], conflicts: [], errors: [] };
    if (!this.#discoverer) {
      report.errors.push(serializeError(dockerDisabled()));
      return report;
    }
    const entriesRead = this.#prisma.instance.findMany({
      select: {
        id: true, name: true, type: true, status: true, containerId: true, containerName: true, imageName: true, dockerNetwork: true,
        runtimeState: true, runtimeHealth: true, exitCode: true, oomKilled: true, dockerEngineId: true, dockerEndpoint: true,
      },
    });
    const discoverer = this.#discoverer;
    const discovery = await this.#ask('docker', () => discoverer.discover(), report.errors);
    if (!discovery) {
      await entriesRead;
      return report;
    }
    report.engine = discovery.engine;
    report.found = discovery.candidates.length;
    const actor = options.actor ?? 'discovery';
    const entries: RegistryEntry[] = await entriesRead;
    const plan = planMerge(entries, discovery.candidates, discovery.containers, discovery.engine);
    report.otherEngine = plan.otherEngine.map((entry) => entry.name);
    const now = this.#now();
    // A record back from an outage changed only if it differs from its status before the outage.
    const before = await this.#statusesBeforeOutage(entries);
    const statusBefore = (entry: RegistryEntry) => before.get(entry.id) ?? entry.status;

    await this.#prisma.$transaction(
      async (tx) => {
        const events: EventInput[] = [];
        if (plan.creates.length > 0) {
          const rows: InstanceRow[] = plan.creates.map((create) => ({
            id: randomUUID(),
            name: create.name,
            type: 'docker' as const,
            status: create.status,
            origin: 'discovered' as const,
            containerId: create.container.id,
            containerName: create.container.name,
            imageName: create.container.image,
            dockerNetwork: create.container.networks[0] ?? null,
            ...create.observed,
            lastSeenAt: now,
            lastActivityAt: null,
            createdAt: now,
            updatedAt: now,
            tmuxSession: null,
            pid: null,
            cwd: null,
          }));
          await insertInstances(tx, rows);
          plan.creates.forEach((create, index) => {
            const row = rows[index];
            if (!row) return;
            let message: string | undefined;
            if (create.invalidLabel !== null) {
              // The label is what someone chose to call it: a changed name must not pass unnoticed.
              message = `label ${this.#config.docker.containerLabel}=${JSON.stringify(create.invalidLabel)} is not a valid instance name; made into "${create.name}"`;
              this.#logger.warn(`container ${create.container.name}: ${message}`);
            }
            events.push({ instanceId: row.id, instanceName: row.name, kind: 'discovered', to: row, actor, ...(message ? { message } : {}) });
            report.added.push(create.name);
            if (create.conflict) {
              const message = `name "${create.conflict.wanted}" ${create.conflict.heldBy ? `is held by a ${create.conflict.heldBy} instance` : 'is not allowed'}; registered as "${create.name}"`;
              this.#logger.warn(`container ${create.container.name}: ${message}`);
              events.push({ instanceId: row.id, instanceName: row.name, kind: 'renamed_on_conflict', from: create.conflict.wanted, to: create.name, message, actor });
              report.conflicts.push({
                containerId: create.container.id,
                containerName: create.container.name,
                wanted: create.conflict.wanted,
                assigned: create.name,
                heldBy: create.conflict.heldBy,
              });
            }
          });
        }
        for (const update of plan.updates) {
          const hasFields = Object.keys(update.fields).length > 0;
          const from = statusBefore(update.entry);
          await tx.instance.update({
            where: { id: update.entry.id },
            data: {
              ...update.fields,
              ...update.observed,
              status: update.status,
              ...(hasFields || from !== update.status ? { updatedAt: now } : {}),
              ...(hasFields ? { version: { increment: 1 } } : {}),
            },
          });
          if (update.entry.dockerEngineId !== null && update.entry.dockerEngineId !== update.observed.dockerEngineId) {
            this.#logger.info(`container ${update.container.name} of "${update.entry.name}" is on Engine ${update.observed.dockerEngineId}, not ${update.entry.dockerEngineId} as recorded: the record follows it`);
          }
          if (hasFields) {
            const previous = Object.fromEntries(Object.keys(update.fields).map((field) => [field, update.entry[field as keyof RegistryEntry]]));
            events.push({ instanceId: update.entry.id, instanceName: update.entry.name, kind: 'merged', from: previous, to: update.fields, actor });
          }
          if (update.status !== from) {
            events.push({ instanceId: update.entry.id, instanceName: update.entry.name, kind: 'status_changed', from, to: update.status, actor });
          }
          if (hasFields || update.status !== from) report.updated.push(update.entry.name);
        }
        if (plan.markStopped.length > 0) {
          // Stopped before an outage and stopped now: written back, but nothing happened. Either
          // way the gone container's last state is cleared.
          const [wereStopped, stopped] = partition(plan.markStopped, (entry) => statusBefore(entry) === 'stopped');
          if (wereStopped.length > 0) {
            await tx.instance.updateMany({ where: { id: { in: wereStopped.map((entry) => entry.id) } }, data: { status: 'stopped', ...goneContainerObservation } });
          }
          if (stopped.length > 0) {
            await tx.instance.updateMany({ where: { id: { in: stopped.map((entry) => entry.id) } }, data: { status: 'stopped', ...goneContainerObservation, updatedAt: now } });
          }
          for (const entry of stopped) {
            events.push({ instanceId: entry.id, instanceName: entry.name, kind: 'status_changed', from: statusBefore(entry), to: 'stopped', message: 'container no longer exists', actor });
            report.markedStopped.push(entry.name);
          }
        }
        await markSeen(tx, plan.seen, now);
        await insertEvents(tx, events.map(eventRow));
      },
      { timeout: 60_000 },
    );
    return report;
  }

  /** Pings the Engine, under the outage rule: one warning per outage, an Engine that just did not answer is not waited for again. */
  async getDockerHealth(): Promise<DockerHealth> {
    const docker = this.#docker;
    if (!docker) return { enabled: false, reachable: false, error: null };
    const errors: SerializedError[] = [];
    const isReachable = await this.#ask('docker', () => docker.ping().then(() => true), errors);
    return { enabled: true, reachable: isReachable === true, error: errors[0] ?? null };
  }

  // ---- cleanup ------------------------------------------------------------------------------

  /** Removes stopped records (never runtimes), optionally of one type and older than a duration. */
  async cleanupStoppedInstances(options: CleanupOptions & ActorOption = {}): Promise<RemovalReport> {
    const olderThan = options.olderThanMs === undefined ? undefined : parseInput(z.number().int().min(0), options.olderThanMs, 'age');
    const where: Prisma.InstanceWhereInput = {
      status: 'stopped',
      ...(options.type ? { type: options.type } : {}),
      ...(olderThan !== undefined ? { updatedAt: { lt: new Date(this.#now().getTime() - olderThan) } } : {}),
    };
    const removed = await this.#prisma.instance.findMany({ where, orderBy: { name: 'asc' } });
    if (!options.dryRun) await this.#deleteRecords(removed, options.actor ?? this.#actor, 'cleanup of stopped instances');
    return { dryRun: options.dryRun ?? false, removed, engine: null, otherEngine: [] };
  }

  /**
   * Removes discovered records whose container is gone. Asks the Engine first: when it cannot be
   * reached nothing is removed (DOCKER_UNAVAILABLE), since "gone" cannot be told from "unknown".
   * A record another Engine has claimed is kept: this Engine not having its container says nothing.
   */
  async pruneDiscoveredInstances(options: { dryRun?: boolean } & ActorOption = {}): Promise<RemovalReport> {
    const docker = this.#requireDocker();
    const [engine, listed] = await Promise.all([docker.getEngine(), docker.listContainers()]);
    const containers = indexContainers(listed);
    const discovered = await this.#prisma.instance.findMany({ where: { origin: 'discovered', type: 'docker' }, orderBy: { name: 'asc' } });
    const missing = discovered.filter((instance) => !findContainer(containers, instance.containerId));
    const removed = missing.filter((instance) => !belongsToOtherEngine(instance, engine));
    const otherEngine = missing.filter((instance) => belongsToOtherEngine(instance, engine)).map((instance) => instance.name);
    if (!options.dryRun) await this.#deleteRecords(removed, options.actor ?? this.#actor, `prune: container no longer exists on Engine ${engine.id} at ${engine.endpoint}`);
    return { dryRun: options.dryRun ?? false, removed, engine, otherEngine };
  }

  // ---- import -------------------------------------------------------------------------------

  /**
   * Imports records written elsewhere (the original cc-bridge). Each is validated like a new
   * record; invalid ones, and names (in any case), containers and tmux sessions already
   * registered, here or earlier in the file, are skipped with the reason. Re-running an import
   * adds nothing twice.
   */
  async importInstances(records: ImportRecord[], options: ActorOption = {}): Promise<ImportReport> {
    const report: ImportReport = { imported: [], skipped: [] };
    const existing = await this.#prisma.instance.findMany({ select: { name: true, containerId: true, tmuxSession: true } });
    // Who has each name (keyed in lower case) and each session.
    const names = new Map(existing.map((instance) => [instance.name.toLowerCase(), instance.name]));
    const sessions = new Map(existing.flatMap((instance) => (instance.tmuxSession ? [[instance.tmuxSession, instance.name] as const] : [])));
    const containerIds = existing.flatMap((instance) => (instance.containerId ? [instance.containerId] : []));
    const rows: InstanceRow[] = [];
    for (const record of records) {
      const fields = record.type === 'tmux' ? tmuxFields : dockerFields;
      const input = { name: record.name, type: record.type, ...Object.fromEntries(fields.map((field) => [field, record[field]])) };
      const parsed = createInstanceInput.safeParse(input);
      const containerId = parsed.success ? (parsed.data.containerId ?? null) : null;
      const session = parsed.success && parsed.data.type === 'tmux' ? (parsed.data.tmuxSession ?? parsed.data.name) : null;
      const nameHolder = parsed.success ? names.get(parsed.data.name.toLowerCase()) : undefined;
      const sessionHolder = session === null ? undefined : sessions.get(session);
      if (!parsed.success) {
        report.skipped.push({ name: record.name, reason: parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ') });
      } else if (nameHolder !== undefined) {
        const reason = nameHolder === parsed.data.name ? 'an instance with this name is already registered' : `the name is taken by "${nameHolder}"`;
        report.skipped.push({ name: record.name, reason });
      } else if (containerId && containerIds.some((id) => isSameContainer(id, containerId))) {
        report.skipped.push({ name: record.name, reason: `container ${shortContainerId(containerId)} is already registered` });
      } else if (session !== null && sessionHolder !== undefined) {
        report.skipped.push({ name: record.name, reason: `tmux session ${session} is already registered as "${sessionHolder}"` });
      } else {
        names.set(parsed.data.name.toLowerCase(), parsed.data.name);
        if (session !== null) sessions.set(session, parsed.data.name);
        if (containerId) containerIds.push(containerId);
        const { data } = parsed;
        rows.push({
          id: randomUUID(),
          name: data.name,
          type: data.type,
          status: record.status,
          origin: 'manual',
          createdAt: record.createdAt ?? this.#now(),
          updatedAt: this.#now(),
          lastSeenAt: null,
          lastActivityAt: record.lastActivityAt,
          tmuxSession: session,
          pid: data.pid ?? null,
          cwd: data.cwd ?? null,
          containerId: data.containerId ?? null,
          containerName: data.containerName ?? null,
          imageName: data.imageName ?? null,
          dockerNetwork: data.dockerNetwork ?? null,
          // No Engine has seen the container yet: the first one that lists it claims the record.
          ...unobservedContainer,
        });
        report.imported.push(parsed.data.name);
      }
    }
    const actor = options.actor ?? this.#actor;
    await this.#prisma.$transaction(async (tx) => {
      await insertInstances(tx, rows);
      await insertEvents(tx, rows.map((row) => eventRow({ instanceId: row.id, instanceName: row.name, kind: 'imported', to: row, actor })));
    });
    return report;
  }

  // ---- helpers ------------------------------------------------------------------------------

  /**
   * One container, one record. The unique index catches the same id twice; a short id and a full
   * one name the same container too (one is a prefix of the other), which only a lookup sees.
   */
  async #refuseRegisteredContainer(tx: Tx, containerId: string, exceptId: string | null): Promise<void> {
    const shorter = Array.from({ length: containerId.length - 11 }, (_, index) => containerId.slice(0, 12 + index));
    const holder = await tx.instance.findFirst({
      where: {
        ...(exceptId ? { id: { not: exceptId } } : {}),
        OR: [{ containerId: { startsWith: containerId } }, { containerId: { in: shorter } }],
      },
      select: { name: true, containerId: true },
    });
    if (holder) throw containerTaken(holder.containerId, holder.name);
  }

  /**
   * The record holding `name` in any case, other than `exceptId`. The unique index on lower(name)
   * keeps two spellings out; this lookup names the spelling that is there (`=`, not ILIKE: "_"
   * is a valid name character and a LIKE wildcard).
   */
  async #findNameHolder(tx: Tx, name: string, exceptId: string | null): Promise<{ id: string; name: string } | null> {
    const rows = await tx.$queryRaw<{ id: string; name: string }[]>`SELECT id::text AS id, name FROM "Instance" WHERE lower(name) = lower(${name})`;
    return rows.find((row) => row.id !== exceptId) ?? null;
  }

  async #refuseTakenName(tx: Tx, name: string, exceptId: string | null): Promise<void> {
    const holder = await this.#findNameHolder(tx, name, exceptId);
    if (holder) throw nameTaken(name, holder.name);
  }

  /**
   * One tmux session, one record: two records of one session would each kill it on delete. The
   * unique index catches a race; this lookup names the holder.
   */
  async #refuseTakenSession(tx: Tx, session: string, exceptId: string | null): Promise<void> {
    const holder = await tx.instance.findFirst({
      where: { tmuxSession: session, ...(exceptId ? { id: { not: exceptId } } : {}) },
      select: { name: true },
    });
    if (holder) throw sessionTaken(session, holder.name);
  }

  #requireDocker(): DockerRuntime {
    if (!this.#docker) throw dockerDisabled();
    return this.#docker;
  }

  async #record(tx: Tx, event: EventInput): Promise<void> {
    await insertEvents(tx, [eventRow(event)]);
  }
}

interface Observation {
  status: InstanceStatus;
  /** The runtime confirmed the session or container exists (moves lastSeenAt). */
  isSeen: boolean;
  /** The runtime could not be asked: the status is `unknown` by the outage rule, not observed. */
  isUnanswered?: boolean;
  pid?: number | null;
  /** What the Engine said of the container, written as given (never bumps the version). */
  docker?: Partial<DockerObservation>;
  /** Set when the container belongs to another Engine than this one: nothing was observed. */
  otherEngine?: DockerEngine;
}

function hasNewDockerFacts(instance: Instance, observation: Observation): boolean {
  const facts = observation.docker ?? {};
  return (Object.keys(facts) as (keyof DockerObservation)[]).some((field) => facts[field] !== instance[field]);
}

const unanswered: Observation = { status: 'unknown', isSeen: false, isUnanswered: true };

/** A tmux record never started (`statusBefore` created) keeps `created` while it has no session. */
function observeTmux(statusBefore: InstanceStatus, session: TmuxSessionInfo | null): Observation {
  if (!session) return { status: statusBefore === 'created' ? 'created' : 'stopped', isSeen: false };
  return { status: statusFromTmuxSession(session), isSeen: true, pid: session.panePid };
}

/**
 * A container this Engine has is observed (and claims the record for the Engine). One it does not
 * have is gone, unless another Engine claimed the record: then nothing is concluded.
 */
function observeContainer(instance: Instance, container: ContainerInfo | null, engine: DockerEngine): Observation {
  if (container) return { status: statusFromContainerState(container), isSeen: true, docker: observeDockerContainer(container, engine) };
  if (belongsToOtherEngine(instance, engine)) return { status: instance.status, isSeen: false, otherEngine: engine };
  return { status: 'stopped', isSeen: false, docker: goneContainerObservation };
}

/** Refuses to judge, or act on, a container from an Engine that is not the one it belongs to. */
function otherEngineError(instance: Instance, engine: DockerEngine): CcBridgeError {
  return new CcBridgeError(
    'DOCKER_UNAVAILABLE',
    `"${instance.name}" belongs to Docker Engine ${describeDockerEngine(instance) ?? '(unknown)'}, not to the Engine asked (${engine.id} at ${engine.endpoint}); ` +
      'its container was not looked for there. Point DOCKER_HOST at its Engine to check or remove it.',
  );
}

/** The items that pass `test`, then the others. */
function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const passed: T[] = [];
  const failed: T[] = [];
  for (const item of items) (test(item) ? passed : failed).push(item);
  return [passed, failed];
}

type ContainerIndex = Map<string, ContainerInfo>;

function indexContainers(containers: ContainerInfo[]): ContainerIndex {
  return new Map(containers.map((container) => [container.id, container]));
}

/** A stored short id (as `docker ps` prints) matches the full id it starts. */
function findContainer(index: ContainerIndex, id: string | null): ContainerInfo | null {
  if (!id) return null;
  const exact = index.get(id);
  if (exact || id.length === 64) return exact ?? null;
  for (const container of index.values()) if (container.id.startsWith(id)) return container;
  return null;
}
