import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from './config.ts';
import { insertEvents, insertInstances, markSeen, type EventRow, type InstanceRow } from './db/bulk.ts';
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
    this.#now = deps.now ?? (() => new Date());
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
      const session = await this.#startTmuxSession(tmuxSession, valid.cwd ?? null);
      const data = { ...valid, tmuxSession, pid: session.panePid, status: statusFromTmuxSession(session), lastSeenAt: now };
      return this.#insertOrUndo(data, actor, () => this.#tmux.killSession(tmuxSession));
    }
    const docker = this.#requireDocker();
    const engine = await docker.getEngine();
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
    return this.#insertOrUndo(data, actor, () => docker.removeContainer(container.id));
  }

  /**
   * A session whose command is missing or fails at once vanishes with no trace to look at: after
   * a short grace it must still be there, or the start is an error and no record is written.
   */
  async #startTmuxSession(name: string, cwd: string | null): Promise<TmuxSessionInfo> {
    const { command } = this.#config.tmux;
    await this.#tmux.startSession({ name, cwd, command });
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

  async #insertOrUndo(data: Prisma.InstanceCreateInput, actor: string, undo: () => Promise<unknown>): Promise<Instance> {
    try {
      return await this.#insert(data, 'manual', actor);
    } catch (error) {
      await undo().catch((undoError: unknown) =>
        this.#logger.error('could not undo a started runtime after the record failed', { name: data.name, error: String(undoError) }),
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
    let observation: Observation;
    let error: SerializedError | null = null;
    try {
      observation = await this.#observe(instance);
      if (observation.otherEngine) error = serializeError(otherEngineError(instance, observation.otherEngine));
    } catch (caught) {
      if (!isCcBridgeError(caught)) throw caught;
      error = serializeError(caught);
      observation = { status: 'unknown', isSeen: false };
    }
    const [updated] = await this.#applyObservations([{ instance, observation }], this.#actor);
    const result = updated ?? instance;
    this.#statusCache.set(instance.id, { status: result.status, checkedAt: now });
    // A container of another Engine keeps the status it had: this Engine was asked, but not about it.
    return { instance: result, status: result.status, checkedAt: now, isFresh: !observation.otherEngine, error };
  }

  async #observe(instance: Instance): Promise<Observation> {
    if (instance.type === 'tmux') {
      return observeTmux(instance, instance.tmuxSession === null ? null : await this.#tmux.getSession(instance.tmuxSession));
    }
    if (!this.#docker) throw dockerDisabled();
    if (!instance.containerId) return { status: 'error', isSeen: false };
    const [engine, container] = await Promise.all([this.#docker.getEngine(), this.#docker.getContainer(instance.containerId)]);
    return observeContainer(instance, container, engine);
  }

  /**
   * Every record's status at once: one `tmux list-sessions` and one container list, never a call
   * per instance. A runtime that cannot be asked makes its records `unknown`, never `stopped`.
   */
  async refreshStatuses(options: ActorOption = {}): Promise<RefreshReport> {
    const instances = await this.#prisma.instance.findMany();
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
        observation = sessions ? observeTmux(instance, session) : { status: 'unknown', isSeen: false };
      } else {
        observation = byId && engine ? observeContainer(instance, findContainer(byId, instance.containerId), engine) : { status: 'unknown', isSeen: false };
      }
      return { instance, observation };
    });
    const otherEngine = observations.flatMap(({ instance, observation }) => (observation.otherEngine ? [instance.name] : []));
    const before = new Map(instances.map((instance) => [instance.id, instance.status]));
    const updated = await this.#applyObservations(observations, options.actor ?? this.#actor);
    const checkedAt = this.#now();
    const changed: StatusChange[] = [];
    for (const instance of updated) {
      this.#statusCache.set(instance.id, { status: instance.status, checkedAt });
      const from = before.get(instance.id);
      if (from !== undefined && from !== instance.status) changed.push({ name: instance.name, from, to: instance.status });
    }
    return { checked: instances.length, changed, errors, engine, otherEngine };
  }

  /** A runtime call whose expected failure goes into `errors` (as null) instead of throwing. */
  async #ask<T>(runtime: InstanceType, call: () => Promise<T>, errors: SerializedError[]): Promise<T | null> {
    let result: T;
    try {
      result = await call();
    } catch (error) {
      return this.#failed(runtime, error, errors);
    }
    if (this.#failing.delete(runtime)) this.#logger.info(`${runtime === 'docker' ? 'the Docker Engine' : 'tmux'} answers again`);
    return result;
  }

  #failed(runtime: InstanceType, error: unknown, errors: SerializedError[]): null {
    if (!isCcBridgeError(error)) throw error;
    if (!this.#failing.has(runtime)) this.#logger.warn(error.message);
    this.#failing.add(runtime);
    errors.push(serializeError(error));
    return null;
  }

  /** Writes what the runtimes said; only a real change of status writes the status and an event. */
  async #applyObservations(items: { instance: Instance; observation: Observation }[], actor: string): Promise<Instance[]> {
    const now = this.#now();
    const changed = items.filter(
      ({ instance, observation }) =>
        observation.status !== instance.status || (observation.pid !== undefined && observation.pid !== instance.pid) || hasNewDockerFacts(instance, observation),
    );
    const seen = items.filter(({ observation }) => observation.isSeen).map(({ instance }) => instance.id);
    if (changed.length === 0 && seen.length === 0) return items.map(({ instance }) => instance);
    await this.#prisma.$transaction(async (tx) => {
      await markSeen(tx, seen, now);
      for (const { instance, observation } of changed) {
        await tx.instance.update({
          where: { id: instance.id },
          data: { status: observation.status, updatedAt: now, ...(observation.pid !== undefined ? { pid: observation.pid } : {}), ...observation.docker },
        });
      }
      const statusEvents = changed.filter(({ instance, observation }) => observation.status !== instance.status);
      if (statusEvents.length > 0) {
        await insertEvents(
          tx,
          statusEvents.map(({ instance, observation }) =>
            eventRow({ instanceId: instance.id, instanceName: instance.name, kind: 'status_changed', from: instance.status, to: observation.status, actor }),
          ),
        );
      }
    });
    const ids = items.map(({ instance }) => instance.id);
    const fresh = await this.#prisma.instance.findMany({ where: { id: { in: ids } } });
    const byId = new Map(fresh.map((instance) => [instance.id, instance]));
    return items.map(({ instance }) => byId.get(instance.id) ?? instance);
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
          await tx.instance.update({
            where: { id: update.entry.id },
            data: { ...update.fields, ...update.observed, status: update.status, updatedAt: now, ...(hasFields ? { version: { increment: 1 } } : {}) },
          });
          if (update.entry.dockerEngineId !== null && update.entry.dockerEngineId !== update.observed.dockerEngineId) {
            this.#logger.info(`container ${update.container.name} of "${update.entry.name}" is on Engine ${update.observed.dockerEngineId}, not ${update.entry.dockerEngineId} as recorded: the record follows it`);
          }
          if (hasFields) {
            const from = Object.fromEntries(Object.keys(update.fields).map((field) => [field, update.entry[field as keyof RegistryEntry]]));
            events.push({ instanceId: update.entry.id, instanceName: update.entry.name, kind: 'merged', from, to: update.fields, actor });
          }
          if (update.status !== update.entry.status) {
            events.push({ instanceId: update.entry.id, instanceName: update.entry.name, kind: 'status_changed', from: update.entry.status, to: update.status, actor });
          }
          report.updated.push(update.entry.name);
        }
        if (plan.markStopped.length > 0) {
          await tx.instance.updateMany({
            where: { id: { in: plan.markStopped.map((entry) => entry.id) } },
            data: { status: 'stopped', ...goneContainerObservation, updatedAt: now },
          });
          // A record that was stopped already only loses the gone container's last state.
          for (const entry of plan.markStopped.filter(({ status }) => status !== 'stopped')) {
            events.push({ instanceId: entry.id, instanceName: entry.name, kind: 'status_changed', from: entry.status, to: 'stopped', message: 'container no longer exists', actor });
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

  async getDockerHealth(): Promise<DockerHealth> {
    if (!this.#docker) return { enabled: false, reachable: false, error: null };
    try {
      await this.#docker.ping();
      return { enabled: true, reachable: true, error: null };
    } catch (error) {
      if (!isCcBridgeError(error)) throw error;
      return { enabled: true, reachable: false, error: serializeError(error) };
    }
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
          runtimeState: null,
          runtimeHealth: null,
          exitCode: null,
          oomKilled: null,
          dockerEngineId: null,
          dockerEndpoint: null,
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

/** A tmux record never started keeps `created` while it has no session. */
function observeTmux(instance: Instance, session: TmuxSessionInfo | null): Observation {
  if (!session) return { status: instance.status === 'created' ? 'created' : 'stopped', isSeen: false };
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
