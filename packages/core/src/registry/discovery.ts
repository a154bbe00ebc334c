import { randomUUID } from 'node:crypto';
import { insertInstancesUnlessTaken, markSeen, updateInstances, type InstanceRow } from '../db/bulk.ts';
import { goneContainerObservation, planMerge, type RegistryEntry } from '../discovery/merge.ts';
import { emptyInstanceFields, fieldsOfType, type FieldsOfType } from '../instance.ts';
import { serializeError, type SerializedError } from '../errors.ts';
import type { ActorOption, DiscoveryReport, DockerHealth } from '../reports.ts';
import { dockerDisabled, recordEvents, type DockerHostDeps, type EventInput, type RegistryContext, type Tx } from './context.ts';
import { runtimeKeyOf } from '../runtimes/runtimes.ts';
import { statusesBeforeOutage } from './status.ts';
import type { StatusState } from './status-state.ts';

// Any constant: it keeps discovery one run at a time across the processes sharing the database.
const discoveryLockKey = 0x63636264;

// Every Docker field of a record, whatever the declarations add: the merge compares them all.
const dockerFieldSelect = Object.fromEntries(fieldsOfType('docker').map((field) => [field, true])) as { [Field in FieldsOfType<'docker'>]: true };

/** Applying discovery: containers the Engine lists merged into the registry, and the Engine's health. */
export class DiscoveryApply {
  readonly #context: RegistryContext;
  readonly #state: StatusState;

  constructor(context: RegistryContext, state: StatusState) {
    this.#context = context;
    this.#state = state;
  }

  /**
   * Finds Claude Code containers and merges them into the registry in one transaction. When the
   * Engine cannot be reached the report carries the error and no record changes.
   */
  async refreshDiscovery(options: ActorOption = {}): Promise<DiscoveryReport> {
    const report: DiscoveryReport = { engine: null, found: 0, added: [], updated: [], markedStopped: [], otherEngine: [], conflicts: [], errors: [] };
    const hosts = this.#context.dockerHosts.filter((host) => host.discoverer !== null);
    if (hosts.length === 0) {
      report.errors.push(serializeError(dockerDisabled()));
      return report;
    }
    const actor = options.actor ?? 'discovery';
    const now = this.#context.now();
    // Every process following the Engine runs discovery on the same events. One at a time across
    // processes (an advisory lock held by the transaction), and the Engine is listed under that
    // lock with the registry read after the last run committed: the second run plans from the
    // first one's records (nothing left to add), and no older listing is applied after a newer one.
    // Each host in turn, in the same transaction: a host's records and names as the hosts before it left them.
    await this.#context.prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 AS "locked" FROM pg_advisory_xact_lock(${discoveryLockKey})`;
        for (const host of hosts) await this.#mergeHost(tx, host, report, actor, now);
      },
      { timeout: 60_000 },
    );
    return report;
  }

  /** Lists one host's Engine and merges what it has into its records (see refreshDiscovery); its failure is the report's error. */
  async #mergeHost(tx: Tx, host: DockerHostDeps, report: DiscoveryReport, actor: string, now: Date): Promise<void> {
    const { discoverer } = host;
    if (discoverer === null) return;
    const runtimes = this.#context.runtimes;
    const key = runtimeKeyOf(runtimes, { type: 'docker', dockerHost: host.name });
    // The records first, the Engine after: a status refresh (which does not take this lock) may
    // write a newer status in between, and then the compare-and-set below skips what this run
    // saw. Listed first, an older listing could overwrite that newer status (a started container
    // read `created` for good on one of two servers).
    const entries: RegistryEntry[] = await tx.instance.findMany({
      select: { id: true, name: true, type: true, status: true, ...dockerFieldSelect },
    });
    const discovery = await this.#state.ask(key, () => discoverer.discover(), report.errors);
    if (!discovery) return;
    report.engine ??= discovery.engine;
    report.found += discovery.candidates.length;
    const isOfHost = (entry: RegistryEntry) => runtimeKeyOf(runtimes, entry) === key;
    const plan = planMerge(entries, discovery.candidates, discovery.containers, discovery.engine, isOfHost);
    report.otherEngine.push(...plan.otherEngine.map((entry) => entry.name));
    // A record back from an outage changed only if it differs from its status before the outage.
    const before = await statusesBeforeOutage(tx, entries);
    const statusBefore = (entry: RegistryEntry) => before.get(entry.id) ?? entry.status;
    const events: EventInput[] = [];
    if (plan.creates.length > 0) {
      const rows: InstanceRow[] = plan.creates.map((create) => ({
        id: randomUUID(),
        name: create.name,
        type: 'docker' as const,
        status: create.status,
        origin: 'discovered' as const,
        ...emptyInstanceFields,
        containerId: create.container.id,
        containerName: create.container.name,
        imageName: create.container.image,
        dockerNetwork: create.container.networks[0] ?? null,
        ...create.observed,
        dockerHost: host.name,
        lastSeenAt: now,
        lastActivityAt: null,
        createdAt: now,
        updatedAt: now,
      }));
      // A create --start may have registered a container since the plan was made: that record
      // stands, and the container is merged next time.
      const written = await insertInstancesUnlessTaken(tx, rows);
      plan.creates.forEach((create, index) => {
        const row = rows[index];
        if (!row) return;
        if (!written.has(row.id)) {
          this.#context.logger.debug(`container ${create.container.name}: registered meanwhile by another writer; left to it`);
          return;
        }
        let message: string | undefined;
        if (create.invalidLabel !== null) {
          // The label is what someone chose to call it: a changed name must not pass unnoticed.
          message = `label ${this.#context.config.docker.containerLabel}=${JSON.stringify(create.invalidLabel)} is not a valid instance name; made into "${create.name}"`;
          this.#context.logger.warn(`container ${create.container.name}: ${message}`);
        }
        events.push({ instanceId: row.id, instanceName: row.name, kind: 'discovered', to: row, actor, ...(message ? { message } : {}) });
        report.added.push(create.name);
        if (create.conflict) {
          const message = `name "${create.conflict.wanted}" ${create.conflict.heldBy ? `is held by a ${create.conflict.heldBy} instance` : 'is not allowed'}; registered as "${create.name}"`;
          this.#context.logger.warn(`container ${create.container.name}: ${message}`);
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
    const updates = plan.updates.map((update) => {
      const hasFields = Object.keys(update.fields).length > 0;
      const from = statusBefore(update.entry);
      return { update, hasFields, from };
    });
    // One statement for all of them; a record deleted since the plan was read is not among
    // those written, and that fails nothing else. Compare-and-set on the status read, as a
    // status refresh writes: another server's live follower (which does not take discovery's
    // lock) may have written this very transition meanwhile, and it is written once.
    const written = await updateInstances(
      tx,
      updates.map(({ update, hasFields, from }) => ({
        id: update.entry.id,
        ifStatus: update.entry.status,
        set: {
          ...update.fields,
          ...update.observed,
          status: update.status,
          ...(hasFields || from !== update.status ? { updatedAt: now } : {}),
        },
        bumpVersion: hasFields,
      })),
    );
    for (const { update, hasFields, from } of updates) {
      if (!written.has(update.entry.id)) continue;
      if (update.entry.dockerEngineId !== null && update.entry.dockerEngineId !== update.observed.dockerEngineId) {
        this.#context.logger.info(`container ${update.container.name} of "${update.entry.name}" is on Engine ${update.observed.dockerEngineId}, not ${update.entry.dockerEngineId} as recorded: the record follows it`);
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
    await recordEvents(tx, events);
  }

  /**
   * Pings every host's Engine, under the outage rule: one warning per outage, an Engine that just
   * did not answer is not waited for again. `reachable` only when all answer; `error` is the first
   * failing host's (its message names the host when there are several).
   */
  async getDockerHealth(): Promise<DockerHealth> {
    const { dockerHosts, runtimes } = this.#context;
    if (!dockerHosts.some((host) => host.docker !== null)) return { enabled: false, reachable: false, error: null, hosts: [] };
    // Every host at once: one that does not answer costs its bound, not the others'.
    const hosts = await Promise.all(
      dockerHosts.map(async (host) => {
        const { docker } = host;
        if (docker === null) return { name: host.name, reachable: false, error: serializeError(dockerDisabled()) };
        const errors: SerializedError[] = [];
        const key = runtimeKeyOf(runtimes, { type: 'docker', dockerHost: host.name });
        const isReachable = await this.#state.ask(key, () => docker.ping().then(() => true), errors);
        return { name: host.name, reachable: isReachable === true, error: errors[0] ?? null };
      }),
    );
    const failing = hosts.find((host) => !host.reachable);
    return { enabled: true, reachable: failing === undefined, error: failing?.error ?? null, hosts };
  }
}

/** The items that pass `test`, then the others. */
function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const passed: T[] = [];
  const failed: T[] = [];
  for (const item of items) (test(item) ? passed : failed).push(item);
  return [passed, failed];
}
