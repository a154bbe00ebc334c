import { containerTaken, nameTaken, sessionTaken, translateDatabaseError } from '../db/prisma-errors.ts';
import { CcBridgeError } from '../errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import {
  fieldSpec,
  instanceFieldNames,
  checkFieldsMatchType,
  expectedVersion as expectedVersionSchema,
  instanceName,
  listInstancesQuery,
  updateInstancePatch,
  type DockerInstance,
  type Instance,
  type InstanceEvent,
  type ListInstancesQuery,
  type ListInstancesResult,
  type UpdateInstancePatch,
} from '../instance.ts';
import type { UpdateOptions } from '../reports.ts';
import { refuseUnknownDockerHost } from '../runtimes/runtimes.ts';
import { parseInput } from '../validation.ts';
import { z } from 'zod';
import { recordEvent, recordEvents, type RegistryContext, type Tx } from './context.ts';

/** The most ids findByIds reads at once: as many as one change notification can name, with room. */
export const maxIdsPerRead = 500;
const instanceIds = z.array(z.uuid()).max(maxIdsPerRead);

const nameArgument = z.string();

/** Equal as stored: dates by their time, everything else by identity. */
function isSameValue(a: unknown, b: unknown): boolean {
  return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
}

/** No record can hold a name that is not a valid instance name: looking one up finds nothing. */
function isPossibleName(name: string): boolean {
  return instanceName.safeParse(name).success;
}

/**
 * The records and their history: insert, read, list, update and delete rows in the database, each
 * write with its event, and the checks that keep one name, one container and one tmux session
 * to one record. Never asks a runtime.
 */
export class Records {
  readonly #context: RegistryContext;

  constructor(context: RegistryContext) {
    this.#context = context;
  }

  /** Writes a new record and its `created` event; NAME_TAKEN, CONTAINER_TAKEN or SESSION_TAKEN when one is held. */
  async insert(data: Prisma.InstanceCreateInput, origin: 'manual' | 'discovered', actor: string): Promise<Instance> {
    try {
      return await this.#context.prisma.$transaction(async (tx) => {
        await this.refuseTakenName(tx, data.name, null);
        if (data.containerId) await this.refuseRegisteredContainer(tx, data.containerId, null);
        if (data.tmuxSession) await this.refuseTakenSession(tx, data.tmuxSession, null);
        const instance = await tx.instance.create({ data: { ...data, origin } });
        await recordEvent(tx, { instanceId: instance.id, instanceName: instance.name, kind: 'created', to: instance, actor });
        return instance;
      });
    } catch (error) {
      throw translateDatabaseError(error, { name: data.name, containerId: data.containerId ?? null, tmuxSession: data.tmuxSession ?? null });
    }
  }

  /**
   * Takes over the record discovery wrote for a container this process has just launched. Discovery
   * in any process (a live follower hearing the Engine's `create` event, another shell's `list`)
   * can register the container between its start and the create's insert; that record then gets
   * the create's fields and origin `manual`, with an `updated` event that says so. Null when no
   * discovered record names `data.containerId` (the create's own error stands then).
   */
  async adoptDiscovered(data: Prisma.InstanceCreateInput & { containerId: string }, actor: string): Promise<Instance | null> {
    try {
      return await this.#context.prisma.$transaction(async (tx) => {
        const found = await tx.instance.findFirst({ where: { containerId: data.containerId, origin: 'discovered' } });
        if (!found) return null;
        await this.refuseTakenName(tx, data.name, found.id);
        const changes: Record<string, unknown> = {};
        const before: Record<string, unknown> = {};
        for (const [field, value] of Object.entries({ ...data, origin: 'manual' })) {
          if (isSameValue(value, found[field as keyof Instance])) continue;
          changes[field] = value;
          before[field] = found[field as keyof Instance];
        }
        const updated = await tx.instance.update({
          where: { id: found.id },
          data: { ...changes, version: { increment: 1 }, updatedAt: this.#context.now() },
        });
        const message = 'created and started here; discovery had registered its container a moment before';
        await recordEvent(tx, { instanceId: found.id, instanceName: updated.name, kind: 'updated', from: before, to: changes, actor, message });
        return updated;
      });
    } catch (error) {
      throw translateDatabaseError(error, { name: data.name, containerId: data.containerId, tmuxSession: data.tmuxSession ?? null });
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
      ...(valid.activity && valid.activity.length > 0 ? { activity: { in: valid.activity } } : {}),
      ...(valid.origin ? { origin: valid.origin } : {}),
      ...(search
        ? {
            OR: [
              { name: { contains: search, mode: 'insensitive' } },
              ...fieldSearches(search),
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
    const { prisma } = this.#context;
    // Counts only where the rows cannot tell: every match is in the rows unless a page was asked
    // for, and with no filter every record matches.
    const isEveryMatch = take === undefined && !valid.cursor && !valid.offset;
    const isUnfiltered = Object.keys(where).length === 0;
    const findRows = (client: Pick<typeof prisma, 'instance'>) =>
      client.instance.findMany({
        where,
        orderBy,
        ...(take === undefined ? {} : { take }),
        ...(valid.cursor ? { cursor: { id: valid.cursor }, skip: 1 } : valid.offset ? { skip: valid.offset } : {}),
      });
    // Counts beside the rows are read in one snapshot (REPEATABLE READ): read apart, a record
    // committed between the two could be in the rows and not in the count ("1 of …" over two rows).
    const [rows, matchedCount, totalCount] =
      isEveryMatch && isUnfiltered
        ? [await findRows(prisma), null, null]
        : await prisma.$transaction(
            async (tx) => [await findRows(tx), isEveryMatch ? null : await tx.instance.count({ where }), isUnfiltered ? null : await tx.instance.count()] as const,
            { isolationLevel: 'RepeatableRead' },
          );
    const matched = matchedCount ?? rows.length;
    const total = totalCount ?? matched;
    const hasMore = valid.limit !== undefined && rows.length > valid.limit;
    const items = hasMore ? rows.slice(0, valid.limit) : rows;
    return { items, matched, total, nextCursor: hasMore ? (items.at(-1)?.id ?? null) : null };
  }

  /** The record named `name` in any case (names are unique regardless of case), or null. */
  async getInstance(name: string): Promise<Instance | null> {
    const valid = parseInput(nameArgument, name, 'name');
    if (!isPossibleName(valid)) return null;
    const holder = await this.#findNameHolder(this.#context.prisma, valid, null);
    return holder ? this.#context.prisma.instance.findUnique({ where: { id: holder.id } }) : null;
  }

  async getInstanceOrThrow(name: string): Promise<Instance> {
    const instance = await this.getInstance(name);
    if (!instance) throw new CcBridgeError('NOT_FOUND', `No instance named "${name}"`);
    return instance;
  }

  /**
   * The records with these ids (`Instance.id`, as the change feed names them), in one query;
   * ids no record has (deleted meanwhile) are left out. INVALID_INPUT for a value that is not a
   * uuid or more than `maxIdsPerRead` ids.
   */
  async findByIds(ids: readonly string[]): Promise<Instance[]> {
    const valid = parseInput(instanceIds, ids, 'instance ids');
    if (valid.length === 0) return [];
    return this.#context.prisma.instance.findMany({ where: { id: { in: valid } } });
  }

  /**
   * The records holding these names in any case, keyed by the lower-case name: one query for all
   * (`lower(name)`, the unique index's own expression). Names no record holds are left out.
   */
  async findByNames(names: readonly string[]): Promise<Map<string, Instance>> {
    if (names.length === 0) return new Map();
    const lowered = names.map((name) => name.toLowerCase());
    const { prisma } = this.#context;
    const rows = await prisma.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM "Instance" WHERE lower(name) = ANY(${lowered}::text[])`;
    const instances = await prisma.instance.findMany({ where: { id: { in: rows.map((row) => row.id) } } });
    return new Map(instances.map((instance) => [instance.name.toLowerCase(), instance]));
  }

  /**
   * The instance's history, oldest first, across renames. A deleted instance's history is found
   * by the name it had last.
   */
  async listEvents(name: string): Promise<InstanceEvent[]> {
    const valid = parseInput(nameArgument, name, 'name');
    if (!isPossibleName(valid)) return [];
    const instance = await this.getInstance(valid);
    const { prisma } = this.#context;
    const last = instance ? null : await prisma.instanceEvent.findFirst({ where: { instanceName: valid }, orderBy: { id: 'desc' } });
    const instanceId = instance?.id ?? last?.instanceId ?? null;
    return prisma.instanceEvent.findMany({
      where: instanceId ? { instanceId } : { instanceName: valid },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
    });
  }

  // ---- update -------------------------------------------------------------------------------

  async updateInstance(name: string, patch: UpdateInstancePatch, options: UpdateOptions = {}): Promise<Instance> {
    const valid = parseInput(updateInstancePatch, patch, 'update');
    refuseUnknownDockerHost(this.#context.runtimes, valid.dockerHost);
    const expected = options.expectedVersion === undefined ? undefined : parseInput(expectedVersionSchema, options.expectedVersion, 'expected version');
    const current = await this.getInstanceOrThrow(name);
    if (expected !== undefined && expected !== current.version) throw conflict(current);

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

    const actor = options.actor ?? this.#context.actor;
    try {
      return await this.#context.prisma.$transaction(async (tx) => {
        if (typeof changes.name === 'string') await this.refuseTakenName(tx, changes.name, current.id);
        if (typeof changes.containerId === 'string') await this.refuseRegisteredContainer(tx, changes.containerId, current.id);
        if (typeof changes.tmuxSession === 'string') await this.refuseTakenSession(tx, changes.tmuxSession, current.id);
        // The version in the WHERE makes the write fail if anyone wrote since we read.
        const { count } = await tx.instance.updateMany({
          where: { id: current.id, version: current.version },
          data: { ...changes, version: { increment: 1 }, updatedAt: this.#context.now() },
        });
        if (count === 0) throw conflict(current);
        const updated = await tx.instance.findUniqueOrThrow({ where: { id: current.id } });
        await recordEvent(tx, { instanceId: current.id, instanceName: updated.name, kind: 'updated', from: before, to: changes, actor });
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

  // ---- delete -------------------------------------------------------------------------------

  /**
   * Deletes the records in one transaction, each with its `deleted` event carrying `message`.
   * Answers the ids it deleted: a record another call deleted meanwhile is left out, and gets no
   * second event (two deletes of one record race: the database lets one of them have it).
   */
  async deleteRecords(instances: Instance[], actor: string, message: string): Promise<Set<string>> {
    if (instances.length === 0) return new Set();
    return this.#context.prisma.$transaction(async (tx) => {
      const ids = instances.map((instance) => instance.id);
      const rows = await tx.$queryRaw<{ id: string }[]>`DELETE FROM "Instance" WHERE id = ANY(${ids}::uuid[]) RETURNING id::text AS id`;
      const deleted = new Set(rows.map((row) => row.id));
      await recordEvents(
        tx,
        instances
          .filter((instance) => deleted.has(instance.id))
          .map((instance) => ({ instanceId: instance.id, instanceName: instance.name, kind: 'deleted' as const, from: instance, message, actor })),
      );
      return deleted;
    });
  }

  // ---- one name, one container, one session -------------------------------------------------

  /**
   * One container, one record. The unique index catches the same id twice; a short id and a full
   * one name the same container too (one is a prefix of the other), which only a lookup sees.
   */
  async refuseRegisteredContainer(tx: Tx, containerId: string, exceptId: string | null): Promise<void> {
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

  async refuseTakenName(tx: Tx, name: string, exceptId: string | null): Promise<void> {
    const holder = await this.#findNameHolder(tx, name, exceptId);
    if (holder) throw nameTaken(name, holder.name);
  }

  /**
   * One tmux session, one record: two records of one session would each kill it on delete. The
   * unique index catches a race; this lookup names the holder.
   */
  async refuseTakenSession(tx: Tx, session: string, exceptId: string | null): Promise<void> {
    const holder = await tx.instance.findFirst({
      where: { tmuxSession: session, ...(exceptId ? { id: { not: exceptId } } : {}) },
      select: { name: true },
    });
    if (holder) throw sessionTaken(session, holder.name);
  }
}

/** Where a list's search text may match the per-type fields, as their declarations say (`search`; text fields only). */
function fieldSearches(search: string): Prisma.InstanceWhereInput[] {
  return instanceFieldNames.flatMap((field): Prisma.InstanceWhereInput[] => {
    const mode = fieldSpec(field).search;
    if (mode === undefined) return [];
    return [{ [field]: mode === 'contains' ? { contains: search, mode: 'insensitive' } : { startsWith: search.toLowerCase() } }];
  });
}

function conflict(current: Instance): CcBridgeError {
  return new CcBridgeError('CONFLICT', `"${current.name}" was changed by someone else since you read it; reload and try again`);
}
