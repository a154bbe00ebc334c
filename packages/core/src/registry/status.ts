import { insertEvents, markSeen, updateInstances, type EventRow } from '../db/bulk.ts';
import { lastAnnouncedStatuses } from '../db/status-history.ts';
import { serializeError, type SerializedError } from '../errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Instance, InstanceStatus } from '../instance.ts';
import type { ActorOption, RefreshReport, StatusChange, StatusResult } from '../reports.ts';
import { hasNewDockerFacts, isContainerGone, otherEngineError, unanswered, type Observation } from '../runtimes/observation.ts';
import { groupByRuntime, runtimeFor, runtimeKeyOf, type RuntimeKey } from '../runtimes/runtimes.ts';
import type { DockerEngine } from '../runtimes/runtime.ts';
import { markAgentsEnded } from './activity.ts';
import { eventRow, type RegistryContext } from './context.ts';
import type { Records } from './records.ts';
import type { StatusState } from './status-state.ts';

/**
 * For records stored `unknown`, the status their history last announced: `unknown` written by
 * an outage has no event, so this is the status before the outage (or `unknown` itself, when
 * a runtime really reported it). Other records are left out: their stored status is it.
 */
export async function statusesBeforeOutage(prisma: Prisma.TransactionClient, instances: { id: string; status: InstanceStatus }[]): Promise<Map<string, InstanceStatus>> {
  const ids = instances.filter((instance) => instance.status === 'unknown').map((instance) => instance.id);
  return ids.length === 0 ? new Map() : lastAnnouncedStatuses(prisma, ids);
}

/** One record after a refresh: as stored now, and why its status could not be observed (null: it was). */
export interface RefreshOutcome {
  instance: Instance;
  error: SerializedError | null;
}

/** Runtime status: asking tmux and the Engine, the short cache, and writing what they said under the outage rule. */
export class Statuses {
  readonly #context: RegistryContext;
  readonly #records: Records;
  readonly #state: StatusState;

  constructor(context: RegistryContext, records: Records, state: StatusState) {
    this.#context = context;
    this.#records = records;
    this.#state = state;
  }

  async getInstanceStatus(name: string, options: { refresh?: boolean } = {}): Promise<StatusResult> {
    const instance = await this.#records.getInstanceOrThrow(name);
    const cached = this.#state.cache.get(instance.id);
    const now = this.#context.now();
    if (!options.refresh && cached && now.getTime() - cached.checkedAt.getTime() < this.#state.cacheMs) {
      return { instance, status: cached.status, checkedAt: cached.checkedAt, isFresh: false, error: null };
    }
    const errors: SerializedError[] = [];
    const before = await statusesBeforeOutage(this.#context.prisma, [instance]);
    const observation = (await this.#state.ask(runtimeKeyOf(this.#context.runtimes, instance), () => this.#observe(instance, before.get(instance.id) ?? instance.status), errors)) ?? unanswered;
    if (observation.otherEngine) errors.push(serializeError(otherEngineError(instance, observation.otherEngine)));
    const { instances } = await this.#applyObservations([{ instance, observation }], before, this.#context.actor);
    const result = instances[0] ?? instance;
    this.#state.cache.set(instance.id, { status: result.status, checkedAt: now });
    // A container of another Engine keeps the status it had: this Engine was asked, but not about it.
    return { instance: result, status: result.status, checkedAt: now, isFresh: !observation.otherEngine, error: errors[0] ?? null };
  }

  /** `statusBefore`: the stored status, or the one before an outage for a record it made `unknown`. */
  #observe(instance: Instance, statusBefore: InstanceStatus): Promise<Observation> {
    return runtimeFor(this.#context.runtimes, instance).observe(instance, statusBefore);
  }

  /**
   * Every record's status at once: one batched call per runtime that has records (`tmux
   * list-panes -a`, one container list), never a call per instance. A runtime that cannot be
   * asked makes its records `unknown`, never `stopped` (see #applyObservations). `changed` lists
   * real changes, as the events do.
   */
  async refreshStatuses(options: ActorOption = {}): Promise<RefreshReport> {
    const askedAt = this.#context.now();
    const instances = await this.#context.prisma.instance.findMany();
    const { report } = await this.refreshRecords(instances, options.actor ?? this.#context.actor);
    this.#state.lastFullRefreshAt = askedAt;
    return report;
  }

  /**
   * The status of these records, asked as `refreshStatuses` asks for all of them (one call per
   * runtime), with each record's outcome: the record as stored now and, when its status could
   * not be observed, why (its runtime's error, or another Engine holding its container).
   */
  async refreshRecords(instances: Instance[], actor: string): Promise<{ report: RefreshReport; outcomes: RefreshOutcome[] }> {
    const { prisma, runtimes } = this.#context;
    const before = await statusesBeforeOutage(prisma, instances);
    const errors: SerializedError[] = [];
    // Each runtime's failure, beside the report's list, so every record can say why it is `unknown`.
    const failures = new Map<RuntimeKey, SerializedError>();
    const sink = (key: RuntimeKey) => ({
      push: (error: SerializedError) => {
        errors.push(error);
        failures.set(key, error);
      },
    });
    // One call per runtime: tmux, and each Docker host on its own (one host failing leaves the others' records observed).
    const asked = await Promise.all(
      groupByRuntime(runtimes, instances).map(async ({ key, runtime, records }) => {
        if (records.length === 0) return null;
        return this.#state.ask(key, () => runtime.observeAll(records, before), sink(key));
      }),
    );
    const observed = new Map<string, Observation>();
    let engine: DockerEngine | null = null;
    for (const result of asked) {
      for (const [id, observation] of result?.observations ?? []) observed.set(id, observation);
      engine ??= result?.engine ?? null;
    }
    const observations = instances.map((instance) => ({ instance, observation: observed.get(instance.id) ?? unanswered }));
    const otherEngine = observations.flatMap(({ instance, observation }) => (observation.otherEngine ? [instance.name] : []));
    const { instances: updated, changed } = await this.#applyObservations(observations, before, actor);
    const checkedAt = this.#context.now();
    for (const instance of updated) this.#state.cache.set(instance.id, { status: instance.status, checkedAt });
    const outcomes = observations.map(({ instance, observation }, index): RefreshOutcome => {
      const error = observation.otherEngine ? serializeError(otherEngineError(instance, observation.otherEngine)) : (failures.get(runtimeKeyOf(runtimes, instance)) ?? null);
      return { instance: updated[index] ?? instance, error };
    });
    return { report: { checked: instances.length, changed, errors, engine, otherEngine }, outcomes };
  }

  /**
   * Writes one record's observation (made by a runtime action: start, stop, restart) as a refresh
   * writes it, with its `status_changed` event when the status changed, and caches it. Answers the
   * record as stored now.
   */
  async applyObservation(instance: Instance, observation: Observation, actor: string): Promise<Instance> {
    const before = await statusesBeforeOutage(this.#context.prisma, [instance]);
    const { instances } = await this.#applyObservations([{ instance, observation }], before, actor);
    const result = instances[0] ?? instance;
    this.#state.cache.set(instance.id, { status: result.status, checkedAt: this.#context.now() });
    return result;
  }

  /**
   * Writes what the runtimes said. The outage rule: records of a runtime that could not be asked
   * become `unknown` in one statement (but a record whose container is confirmed gone stays
   * `stopped`: see isContainerGone), with no event (the outage is one warning, not a change of
   * every record); when the runtime answers again, only a status that differs from the one
   * before the outage (`before`, from statusesBeforeOutage) is a change, with its event from
   * that status. Returns the records as stored now and the real changes.
   */
  async #applyObservations(
    items: { instance: Instance; observation: Observation }[],
    before: Map<string, InstanceStatus>,
    actor: string,
  ): Promise<{ instances: Instance[]; changed: StatusChange[] }> {
    const now = this.#context.now();
    const gone = items
      .filter(({ instance, observation }) => observation.isUnanswered && instance.status !== 'unknown' && !isContainerGone(instance))
      .map(({ instance }) => instance.id);
    const answered = items.filter(({ observation }) => !observation.isUnanswered);
    const differs = answered.filter(
      ({ instance, observation }) =>
        observation.status !== instance.status || (observation.pid !== undefined && observation.pid !== instance.pid) || hasNewDockerFacts(instance, observation),
    );
    const seen = answered.filter(({ observation }) => observation.isSeen).map(({ instance }) => instance.id);
    if (gone.length === 0 && differs.length === 0 && seen.length === 0) return { instances: items.map(({ instance }) => instance), changed: [] };
    const changed: StatusChange[] = [];
    const { prisma } = this.#context;
    await prisma.$transaction(async (tx) => {
      if (gone.length > 0) await tx.instance.updateMany({ where: { id: { in: gone }, status: { not: 'unknown' } }, data: { status: 'unknown' } });
      await markSeen(tx, seen, now);
      const events: EventRow[] = [];
      const writes = differs.map(({ instance, observation }) => {
        const from = before.get(instance.id) ?? instance.status;
        const isChange = from !== observation.status;
        const hasNewPid = observation.pid !== undefined && observation.pid !== instance.pid;
        return { instance, observation, from, isChange, hasNewPid };
      });
      // One statement for all of them; a record deleted since it was read (another process, a
      // bulk delete) is not among those written, and that fails nothing else. Compare-and-set on
      // the status read: every server following the runtime observes the same change, and only
      // the first to write it writes its event (the others' row no longer has the old status).
      const written = await updateInstances(
        tx,
        writes.map(({ instance, observation, isChange, hasNewPid }) => ({
          id: instance.id,
          ifStatus: instance.status,
          set: {
            status: observation.status,
            ...(isChange || hasNewPid ? { updatedAt: now } : {}),
            ...(hasNewPid ? { pid: observation.pid } : {}),
            ...observation.docker,
          },
        })),
      );
      for (const { instance, observation, from, isChange } of writes) {
        if (isChange && written.has(instance.id)) {
          changed.push({ name: instance.name, from, to: observation.status });
          events.push(eventRow({ instanceId: instance.id, instanceName: instance.name, kind: 'status_changed', from, to: observation.status, actor }));
        }
      }
      await insertEvents(tx, events);
      // An agent does not outlive its session or container: one shown working is now `exited`.
      const ended = writes.filter(({ instance, observation, isChange }) => isChange && written.has(instance.id) && (observation.status === 'stopped' || observation.status === 'error'));
      await markAgentsEnded(tx, ended.map(({ instance }) => instance.id), now, actor);
    });
    const ids = items.map(({ instance }) => instance.id);
    const fresh = await prisma.instance.findMany({ where: { id: { in: ids } } });
    const byId = new Map(fresh.map((instance) => [instance.id, instance]));
    return { instances: items.map(({ instance }) => byId.get(instance.id) ?? instance), changed };
  }
}
