import type { DockerHealth, ListInstancesResult } from '@cc-bridge/core';
import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { Instance } from './core-schemas';
import type { InstanceListParams } from './list-params';
import { dockerHealthKey, instanceKeys } from './queries';
import type { InstanceDetail } from './reads';

// How a change pushed by the server (GET /api/events) lands in TanStack Query's cache: the
// changed records, fetched by id, replace the rows a cached page holds, in place; a page is
// fetched again only when a record may have entered, left or moved in it.

type Field = keyof Instance;

// What core's list search looks in (registry/records.ts listInstances).
const searchedFields: readonly Field[] = ['name', 'tmuxSession', 'containerName', 'imageName', 'cwd', 'containerId', 'dockerHost'];

/**
 * The fields that decide whether a record is on a list page and where: what its filters and its
 * sort read, and the name (every sort ends on it). A change elsewhere leaves the row in place.
 */
export function placingFields(params: InstanceListParams): Set<Field> {
  const fields = new Set<Field>(['name', params.sort]);
  if (params.type !== null) fields.add('type');
  if (params.status.length > 0) fields.add('status');
  if (params.activity !== null) fields.add('activity');
  if (params.origin !== null) fields.add('origin');
  if (params.search !== null) for (const field of searchedFields) fields.add(field);
  return fields;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

function movesIn(params: InstanceListParams, before: Instance, after: Instance): boolean {
  for (const field of placingFields(params)) if (!sameValue(before[field], after[field])) return true;
  return false;
}

function isListParams(value: unknown): value is InstanceListParams {
  return typeof value === 'object' && value !== null && 'sort' in value && 'status' in value;
}

/** A newer copy of a record never gives way to an older one that arrives late. */
export function isNewer(candidate: Instance, current: Instance): boolean {
  return new Date(candidate.updatedAt).getTime() >= new Date(current.updatedAt).getTime();
}

/**
 * Records seen by id that no cached page holds (another page's, or not shown at all), so the
 * next change to one can be judged against what it was. Bounded: past the limit it starts over,
 * and a record it no longer knows costs a refetch, never a wrong row.
 */
export class KnownRecords {
  readonly #records = new Map<string, Instance>();
  constructor(readonly limit = 5_000) {}

  get(id: string): Instance | undefined {
    return this.#records.get(id);
  }

  set(record: Instance): void {
    if (this.#records.size >= this.limit && !this.#records.has(record.id)) this.#records.clear();
    this.#records.set(record.id, record);
  }

  delete(id: string): void {
    this.#records.delete(id);
  }

  clear(): void {
    this.#records.clear();
  }
}

export interface RecordChanges {
  /** The changed records as the server has them now. */
  records: readonly Instance[];
  /** Ids that are gone: deleted, or asked for and not found. */
  goneIds: readonly string[];
}

export interface AppliedChanges {
  /** List pages whose rows were replaced in place. */
  replaced: QueryKey[];
  /** Queries marked stale and fetched again (when shown) because a record entered, left or moved. */
  invalidated: QueryKey[];
}

/**
 * Puts changed records into every cached list page and detail: a row a page holds is replaced
 * in place (unchanged rows keep their objects, so they do not re-render); a page is invalidated
 * when a record on it is gone, when a record it holds changed a field its filters or sort read,
 * or when a record it does not hold may now belong on it (new to this browser, or changed in
 * such a field). A page being fetched right now is invalidated rather than patched, since its
 * answer may predate the change. A detail gets its record at once and its events refetched.
 */
export function applyRecordChanges(queryClient: QueryClient, changes: RecordChanges, known: KnownRecords): AppliedChanges {
  const gone = new Set(changes.goneIds);
  const byId = new Map(changes.records.map((record) => [record.id, record]));
  const lists = queryClient.getQueriesData<ListInstancesResult>({ queryKey: instanceKeys.lists() });
  const details = queryClient.getQueriesData<InstanceDetail | null>({ queryKey: instanceKeys.details() });

  // What each changed record was before, wherever this browser last saw it.
  const before = new Map<string, Instance>();
  for (const [, list] of lists) for (const item of list?.items ?? []) if (byId.has(item.id)) before.set(item.id, item);
  for (const [, detail] of details) if (detail && byId.has(detail.instance.id)) before.set(detail.instance.id, detail.instance);
  for (const id of byId.keys()) {
    const seen = known.get(id);
    if (seen && !before.has(id)) before.set(id, seen);
  }

  const applied: AppliedChanges = { replaced: [], invalidated: [] };
  const invalidate = (queryKey: QueryKey) => {
    applied.invalidated.push(queryKey);
    void queryClient.invalidateQueries({ queryKey, exact: true });
  };

  for (const [queryKey, list] of lists) {
    const params = queryKey[2];
    if (!list || !isListParams(params)) continue;
    const held = new Set(list.items.map((item) => item.id));
    let isStale = queryClient.getQueryState(queryKey)?.fetchStatus === 'fetching' || list.items.some((item) => gone.has(item.id));
    for (const record of byId.values()) {
      const previous = before.get(record.id);
      if (held.has(record.id)) {
        if (previous && movesIn(params, previous, record)) isStale = true;
      } else if (!previous || movesIn(params, previous, record)) {
        isStale = true;
      }
    }
    if (list.items.some((item) => byId.has(item.id))) {
      queryClient.setQueryData<ListInstancesResult>(queryKey, {
        ...list,
        items: list.items.map((item) => {
          const record = byId.get(item.id);
          return record && isNewer(record, item) ? record : item;
        }),
      });
      applied.replaced.push(queryKey);
    }
    if (isStale) invalidate(queryKey);
  }

  for (const [queryKey, detail] of details) {
    if (detail === undefined) continue;
    if (detail === null) {
      // "No such instance" by this name: one may have taken it since.
      const name = queryKey[2];
      if ([...byId.values()].some((record) => typeof name === 'string' && record.name.toLowerCase() === name.toLowerCase())) invalidate(queryKey);
      continue;
    }
    const id = detail.instance.id;
    if (gone.has(id)) {
      invalidate(queryKey);
      continue;
    }
    const record = byId.get(id);
    if (!record) continue;
    if (isNewer(record, detail.instance)) {
      const next: InstanceDetail = { ...detail, instance: record, status: { ...detail.status, instance: record, status: record.status } };
      queryClient.setQueryData(queryKey, next);
    }
    // The events the change wrote, and a status read of its own.
    invalidate(queryKey);
  }

  for (const id of gone) known.delete(id);
  for (const record of byId.values()) known.set(record);
  return applied;
}

/**
 * Whether pushed records contradict the cached Docker health: a Docker record turned `unknown`
 * while the Engine was last seen reachable (an outage: the live follower writes no `all` change
 * for it, only the records), or one reads a real status again while it was last seen unreachable
 * (the outage ended). The caller then asks GET /api/docker/health again instead of waiting for
 * its 10 s poll, so the page's banner follows the rows.
 */
export function contradictsDockerHealth(queryClient: QueryClient, records: readonly Instance[]): boolean {
  const health = queryClient.getQueryData<DockerHealth>(dockerHealthKey);
  if (!health?.enabled) return false;
  const docker = records.filter((record) => record.type === 'docker');
  return health.reachable ? docker.some((record) => record.status === 'unknown') : docker.some((record) => record.status !== 'unknown');
}
