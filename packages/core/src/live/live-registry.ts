import { insertEvents } from '../db/bulk.ts';
import { CcBridgeError, type SerializedError } from '../errors.ts';
import type { Instance, InstanceEvent } from '../instance.ts';
import type { ActorOption, DiscoveryReport, RefreshReport } from '../reports.ts';
import type { ContainerChange } from '../runtimes/instance-runtime.ts';
import { dockerDisabled, eventRow, type RegistryContext } from '../registry/context.ts';
import type { DiscoveryApply } from '../registry/discovery.ts';
import type { StatusState } from '../registry/status-state.ts';
import type { Statuses } from '../registry/status.ts';
import { runtimeKeyOf, runtimeOfKey, type RuntimeKey } from '../runtimes/runtimes.ts';
import { hasUnregistered, planContainerWork } from './container-changes.ts';

/** What applying a burst of container changes did. */
export interface ContainerChangesReport {
  /** Discovery's report when it ran (a new or renamed container discovery matches), else null. */
  discovery: DiscoveryReport | null;
  /** The status refresh of the records those containers belong to; null when none does. */
  refresh: RefreshReport | null;
}

/** Whether a runtime answers, as the live follower saw it. */
export interface Reachability {
  reachable: boolean;
  /** Why it cannot be asked (the runtime's error), for the event's message. */
  error?: SerializedError | null;
}

/**
 * How an outage event names its runtime (`runtime:tmux`, `runtime:docker`, `runtime:docker:NAME`
 * for a Docker host after the first; see RuntimeKey): no instance name can hold a colon, so it
 * never mixes with an instance's history.
 */
export function runtimeEventName(key: RuntimeKey): string {
  return `runtime:${key}`;
}

/** The Docker hosts' runtime keys, in configured order (`docker` first); none when Docker is disabled. */
export function dockerRuntimeKeys(context: RegistryContext): RuntimeKey[] {
  return context.dockerHosts.filter((host) => host.docker !== null).map((host) => runtimeKeyOf(context.runtimes, { type: 'docker', dockerHost: host.name }));
}

// Any constant: it keeps two processes that lose the same runtime from writing the outage twice.
const outageLockKey = 0x63636274;

/**
 * The registry side of the live follower: container changes made into registry changes through
 * the same discovery and status modules a command uses (one status path), a runtime's records
 * refreshed at once, and a runtime's outage written as one event.
 */
export class LiveRegistry {
  readonly #context: RegistryContext;
  readonly #statuses: Statuses;
  readonly #discovery: DiscoveryApply;
  readonly #state: StatusState;

  constructor(context: RegistryContext, modules: { statuses: Statuses; discovery: DiscoveryApply; state: StatusState }) {
    this.#context = context;
    this.#statuses = modules.statuses;
    this.#discovery = modules.discovery;
    this.#state = modules.state;
  }

  /**
   * One Docker host's container changes (GET /events, `type=container`, no label filter: a
   * record may name a container discovery matched by image, or one registered by hand); `key`
   * names the host (default `docker`, the first). Resolves once the Engine listens;
   * DOCKER_UNAVAILABLE when Docker is disabled or the Engine cannot be reached, INVALID_INPUT for
   * a key of no host. When it connects, the Engine has answered: a silence remembered from a call
   * that timed out no longer holds back the next status refresh.
   */
  async followContainerChanges(signal: AbortSignal, key: RuntimeKey = 'docker'): Promise<AsyncIterable<ContainerChange>> {
    const host = this.#context.dockerHosts.find((candidate) => runtimeKeyOf(this.#context.runtimes, { type: 'docker', dockerHost: candidate.name }) === key);
    if (!host) throw new CcBridgeError('INVALID_INPUT', `No Docker host has the runtime key "${key}"`);
    if (!host.docker) throw dockerDisabled();
    const changes = await host.docker.watchContainers({ labels: [], signal });
    this.#state.heard(key);
    return changes;
  }

  /**
   * Applies a burst of changes (see planContainerWork): discovery when a container it matches was
   * created or renamed or has no record yet (only with `docker.autoDiscovery`), then one status
   * refresh of the records of every container touched. Containers no record names and discovery
   * would not match cost one database query that returns nothing: other work on the Engine (a
   * build, someone's tests) must not make a follower of 1,000 records read them all each time.
   */
  async applyContainerChanges(changes: readonly ContainerChange[], options: ActorOption = {}): Promise<ContainerChangesReport> {
    const { config } = this.#context;
    const work = planContainerWork(changes, { containerLabel: config.docker.containerLabel, imagePatterns: config.docker.imagePatterns });
    const actor = options.actor ?? this.#context.actor;
    let records = await this.#recordsOfContainers(work.containerIds);
    let discovery: DiscoveryReport | null = null;
    if (config.docker.autoDiscovery && (work.needsDiscovery || hasUnregistered(work, records))) {
      discovery = await this.#discovery.refreshDiscovery({ actor: 'discovery' });
      records = await this.#recordsOfContainers(work.containerIds);
    }
    const refresh = records.length === 0 ? null : (await this.#statuses.refreshRecords(records, actor)).report;
    return { discovery, refresh };
  }

  /** The Docker records naming one of `containerIds` (full ids; a stored short id matches the full id it starts, as recordsOfContainers). */
  async #recordsOfContainers(containerIds: readonly string[]): Promise<Instance[]> {
    if (containerIds.length === 0) return [];
    const { prisma } = this.#context;
    const matches = await prisma.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM "Instance"
      WHERE type = 'docker' AND "containerId" <> ''
        AND EXISTS (SELECT 1 FROM unnest(${[...containerIds]}::text[]) AS touched(id) WHERE starts_with(touched.id, "containerId"))`;
    if (matches.length === 0) return [];
    return prisma.instance.findMany({ where: { id: { in: matches.map((match) => match.id) } } });
  }

  /**
   * Closes any gap in one runtime's records (`key`: tmux, or one Docker host): for Docker a
   * discovery (with `docker.autoDiscovery`, of every host) and then one refresh of the host's records; for tmux one refresh of every tmux record (one
   * `list-panes -a`, and no tmux call at all when there is no tmux record). A runtime that cannot
   * be asked makes its records `unknown` by the outage rule (no event per record).
   */
  async refreshRuntime(key: RuntimeKey, options: ActorOption = {}): Promise<RefreshReport> {
    const actor = options.actor ?? this.#context.actor;
    const { config, docker, runtimes } = this.#context;
    const type = runtimeOfKey(runtimes, key).type;
    const discovery = type === 'docker' && docker && config.docker.autoDiscovery ? await this.#discovery.refreshDiscovery({ actor: 'discovery' }) : null;
    const ofType = await this.#context.prisma.instance.findMany({ where: { type } });
    const records = ofType.filter((record) => runtimeKeyOf(runtimes, record) === key);
    const { report } = await this.#statuses.refreshRecords(records, actor);
    // Discovery failing is the same outage the refresh reports; it is said once.
    const errors = report.errors.length > 0 ? report.errors : (discovery?.errors ?? []);
    return { ...report, errors };
  }

  /**
   * Writes a runtime's outage, or its end, as one event (`runtime_unreachable` /
   * `runtime_reachable`, instanceId null, instanceName `runtime:KEY`, its message naming the
   * Docker host when there are several, `to.host` its name) when that is news: the
   * last such event in the database says otherwise (or, for an end, there was an outage). Every
   * process following the runtime sees the same outage; an advisory lock and that check keep it
   * one event. True when the event was written.
   */
  async recordReachability(key: RuntimeKey, reachability: Reachability, options: ActorOption = {}): Promise<boolean> {
    const name = runtimeEventName(key);
    const runtime = runtimeOfKey(this.#context.runtimes, key);
    const { label } = runtime;
    const host = runtime.type === 'docker' ? this.#context.dockerHosts.find((candidate) => runtimeKeyOf(this.#context.runtimes, { type: 'docker', dockerHost: candidate.name }) === key) : undefined;
    const actor = options.actor ?? this.#context.actor;
    return this.#context.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 AS "locked" FROM pg_advisory_xact_lock(${outageLockKey})`;
      const last = await tx.instanceEvent.findFirst({
        where: { instanceId: null, instanceName: name, kind: { in: ['runtime_unreachable', 'runtime_reachable'] } },
        orderBy: { id: 'desc' },
      });
      const wasReachable = last?.kind !== 'runtime_unreachable';
      if (wasReachable === reachability.reachable) return false;
      const why = reachability.error?.message;
      const message = reachability.reachable ? `${label} answers again` : `${label} cannot be reached${why ? `: ${why}` : ''}`;
      await insertEvents(tx, [eventRow({ instanceId: null, instanceName: name, kind: reachability.reachable ? 'runtime_reachable' : 'runtime_unreachable', to: { runtime: runtime.type, ...(host ? { host: host.name } : {}), reachable: reachability.reachable }, message, actor })]);
      return true;
    });
  }

  /** The runtimes' outage events (see recordReachability), oldest first; of one runtime when `key` is given. */
  async listRuntimeEvents(key?: RuntimeKey): Promise<InstanceEvent[]> {
    return this.#context.prisma.instanceEvent.findMany({
      where: {
        instanceId: null,
        kind: { in: ['runtime_unreachable', 'runtime_reachable'] },
        ...(key ? { instanceName: runtimeEventName(key) } : {}),
      },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
    });
  }
}
