import pLimit from 'p-limit';
import { z } from 'zod';
import { CcBridgeError, isCcBridgeError, serializeError, type SerializedError } from '../errors.ts';
import { instanceName, listInstancesQuery, type Instance, type InstanceStatus, type ListInstancesQuery } from '../instance.ts';
import type { ActorOption } from '../reports.ts';
import { parseInput } from '../validation.ts';
import type { RegistryContext } from './context.ts';
import type { Actions } from './actions.ts';
import type { Records } from './records.ts';
import type { Removal } from './removal.ts';
import type { Statuses } from './status.ts';

/**
 * Which records a bulk operation acts on: these names (any case; each name once), or every record
 * a list query matches, all pages (its `limit`, `offset` and `cursor` are ignored).
 */
export const bulkTarget = z.union([
  z.strictObject({ names: z.array(z.string().max(200)).max(10_000) }),
  z.strictObject({ query: listInstancesQuery }),
]);
export type BulkTarget = { names: string[] } | { query: ListInstancesQuery };

/**
 * What a bulk operation does to each record. `delete`: as `deleteInstance` (with `removeRuntime`,
 * the session or container first); `refreshStatus`: ask the runtimes, one call per runtime for
 * all the records, as `refreshStatuses` does; `start`, `stop`, `restart`: as `startInstance`,
 * `stopInstance`, `restartInstance` (registry/actions.ts), the status being the one the runtime
 * reports afterwards.
 */
export const bulkOperation = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('delete'), removeRuntime: z.boolean().default(false) }),
  z.strictObject({ kind: z.literal('refreshStatus') }),
  z.strictObject({ kind: z.literal('start') }),
  z.strictObject({ kind: z.literal('stop') }),
  z.strictObject({ kind: z.literal('restart') }),
]);
export type BulkOperation = z.input<typeof bulkOperation>;
type ValidBulkOperation = z.output<typeof bulkOperation>;

/** How many records a bulk operation works on at once when the caller does not say. */
export const defaultBulkConcurrency = 4;

export interface BulkOptions extends ActorOption {
  /** At most this many records at once (1–32); default `defaultBulkConcurrency`. */
  concurrency?: number;
}
/** `BulkOptions.concurrency`: 1–32. */
export const bulkConcurrency = z.number().int().min(1).max(32);

/** One record's outcome of a bulk operation. */
export interface BulkResult {
  /** The name as given (a names target), or the record's name (a query target). */
  name: string;
  /** The operation did what it was asked for this record. */
  ok: boolean;
  /**
   * The record's status after the operation: as the runtime reported it (`refreshStatus`, and
   * `start`/`stop`/`restart` even when they failed), or as stored when it was removed (`delete`)
   * or when the operation failed. Null: no such record.
   */
  status: InstanceStatus | null;
  /** The stored status before the operation; null when there was no such record. */
  statusBefore: InstanceStatus | null;
  error: SerializedError | null;
}

/** A record, or why the name given names none. */
type Resolved = { name: string; instance: Instance } | { name: string; instance: null; error: CcBridgeError };

const pageSize = 500;

/**
 * Runs one operation over many records with bounded concurrency and answers one result per
 * record, in the target's order. A CcBridgeError (NOT_FOUND, TMUX_ERROR, DOCKER_UNAVAILABLE…) is
 * that record's result and the others go on; any other error (a database failure, a bug) stops
 * the operation: no new record is started, and it is thrown once those under way have finished.
 */
export class BulkOperations {
  readonly #context: RegistryContext;
  readonly #records: Records;
  readonly #removal: Removal;
  readonly #statuses: Statuses;
  readonly #actions: Actions;

  constructor(context: RegistryContext, parts: { records: Records; removal: Removal; statuses: Statuses; actions: Actions }) {
    this.#context = context;
    this.#records = parts.records;
    this.#removal = parts.removal;
    this.#statuses = parts.statuses;
    this.#actions = parts.actions;
  }

  /** INVALID_INPUT (nothing done) when the target, operation or concurrency is not valid. */
  async runBulk(target: BulkTarget, operation: BulkOperation, options: BulkOptions = {}): Promise<BulkResult[]> {
    const validTarget = parseInput(bulkTarget, target, 'bulk target');
    const validOperation = parseInput(bulkOperation, operation, 'bulk operation');
    const concurrency = options.concurrency === undefined ? defaultBulkConcurrency : parseInput(bulkConcurrency, options.concurrency, 'concurrency');
    const actor = options.actor ?? this.#context.actor;
    const resolved = 'names' in validTarget ? await this.#resolveNames(validTarget.names) : await this.#resolveQuery(validTarget.query);
    return this.#run(resolved, validOperation, { actor, concurrency });
  }

  async #run(resolved: Resolved[], operation: ValidBulkOperation, options: { actor: string; concurrency: number }): Promise<BulkResult[]> {
    switch (operation.kind) {
      case 'delete': {
        const { removeRuntime } = operation;
        return eachRecord(resolved, options.concurrency, async (instance, name) => {
          // By the name given, as `deleteInstance` would be called: a rename meanwhile is NOT_FOUND.
          await this.#removal.deleteInstance(name, { removeRuntime, actor: options.actor });
          return instance.status;
        });
      }
      case 'refreshStatus':
        return this.#refresh(resolved, options.actor);
      case 'start':
      case 'stop':
      case 'restart': {
        const action = operation.kind;
        return settleEach(resolved, options.concurrency, async (item): Promise<BulkResult> => {
          if (!item.instance) return missing(item.name, item.error);
          const { instance, error } = await this.#actions.act(item.instance, action, options.actor);
          return { name: item.name, ok: error === null, status: instance.status, statusBefore: item.instance.status, error: error && serializeError(error) };
        });
      }
      default: {
        const never: never = operation;
        throw new CcBridgeError('INVALID_INPUT', `unknown bulk operation ${JSON.stringify(never)}`);
      }
    }
  }

  /** All the records in one batched refresh (one call per runtime, never one per record). */
  async #refresh(resolved: Resolved[], actor: string): Promise<BulkResult[]> {
    const instances = resolved.flatMap((item) => (item.instance ? [item.instance] : []));
    const { outcomes } = await this.#statuses.refreshRecords(instances, actor);
    const byId = new Map(outcomes.map((outcome) => [outcome.instance.id, outcome]));
    return resolved.map((item) => {
      if (!item.instance) return missing(item.name, item.error);
      const outcome = byId.get(item.instance.id);
      const status = outcome?.instance.status ?? item.instance.status;
      const error = outcome?.error ?? null;
      return { name: item.name, ok: error === null, status, statusBefore: item.instance.status, error };
    });
  }

  /** Each name once (names are unique in any case: the first spelling given stands for the others). */
  async #resolveNames(names: string[]): Promise<Resolved[]> {
    const spellings = new Map<string, string>();
    for (const name of names) if (!spellings.has(name.toLowerCase())) spellings.set(name.toLowerCase(), name);
    const unique = [...spellings.values()];
    const possible = unique.filter((name) => instanceName.safeParse(name).success);
    const found = await this.#records.findByNames(possible);
    return unique.map((name): Resolved => {
      const instance = found.get(name.toLowerCase());
      return instance ? { name, instance } : { name, instance: null, error: new CcBridgeError('NOT_FOUND', `No instance named "${name}"`) };
    });
  }

  /** Every page the query matches, in its order. */
  async #resolveQuery(query: ListInstancesQuery): Promise<Resolved[]> {
    const filters = { ...query, limit: pageSize, offset: undefined, cursor: undefined };
    const instances: Instance[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#records.listInstances({ ...filters, ...(cursor ? { cursor } : {}) });
      instances.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return instances.map((instance) => ({ name: instance.name, instance }));
  }
}

function missing(name: string, error: CcBridgeError): BulkResult {
  return { name, ok: false, status: null, statusBefore: null, error: serializeError(error) };
}

/**
 * Runs `work` for each found record, at most `concurrency` at once; `work` answers the status to
 * report. A CcBridgeError becomes that record's failure, with its status as stored now.
 */
async function eachRecord(
  resolved: Resolved[],
  concurrency: number,
  work: (instance: Instance, name: string) => Promise<InstanceStatus | null>,
): Promise<BulkResult[]> {
  return settleEach(resolved, concurrency, async (item): Promise<BulkResult> => {
    if (!item.instance) return missing(item.name, item.error);
    const { instance, name } = item;
    try {
      const status = await work(instance, name);
      return { name, ok: true, status, statusBefore: instance.status, error: null };
    } catch (error) {
      if (!isCcBridgeError(error)) throw error;
      return { name, ok: false, status: instance.status, statusBefore: instance.status, error: serializeError(error) };
    }
  });
}

/**
 * `work` for each item, at most `concurrency` at once, answers in the items' order. The first
 * error thrown stops the rest: items not yet started are skipped, and the error is thrown once
 * those under way have finished (so nothing runs on after the caller has its answer).
 */
export async function settleEach<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const limit = pLimit(concurrency);
  const thrown: { error: unknown }[] = [];
  const answers = await Promise.all(
    items.map((item) =>
      limit(async (): Promise<{ value: R } | null> => {
        if (thrown.length > 0) return null;
        try {
          return { value: await work(item) };
        } catch (error) {
          thrown.push({ error });
          return null;
        }
      }),
    ),
  );
  const [first] = thrown;
  if (first) throw first.error;
  return answers.flatMap((answer) => (answer ? [answer.value] : []));
}
