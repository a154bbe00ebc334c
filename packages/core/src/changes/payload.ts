import { z } from 'zod';

/**
 * The PostgreSQL channel the registry's triggers notify (migration `…_change_notify`): one
 * channel for every change of the Instance table, whoever made it.
 */
export const changesChannel = 'cc_bridge_changes';

/**
 * PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; the trigger sends `{"all":true}`
 * instead of a list longer than this (bytes), and so does encodeChangePayload.
 */
export const maxPayloadBytes = 7900;

/**
 * One change seen on the feed. `all: false`: these records were inserted or updated (`ids`) or
 * deleted (`deleted`), by their `Instance.id`. `all: true`: anything may have changed, reload
 * whatever you show — when the feed starts listening (`connected`: nothing before that moment
 * is in the feed), after the connection was lost (`reconnected`), or when too many records
 * changed at once to name them (`overflow`).
 */
export type Change =
  | { all: false; ids: string[]; deleted: string[] }
  | { all: true; reason: 'connected' | 'reconnected' | 'overflow' };

// What the trigger writes: `{"ids":[…]}`, `{"deleted":[…]}` or `{"all":true}` (keys short and
// few, so about 200 uuids fit under the limit).
const payloadSchema = z.union([
  z.object({ all: z.literal(true) }).strict(),
  z.object({ ids: z.array(z.string().min(1)).optional(), deleted: z.array(z.string().min(1)).optional() }).strict(),
]);

/**
 * Reads a notification's payload as the trigger writes it. Anything else (a NOTIFY on the
 * channel by someone else, a newer format) reads as `overflow`: a reload is always safe, a
 * missed change is not.
 */
export function decodeChangePayload(payload: string | undefined): Change {
  let json: unknown;
  try {
    json = JSON.parse(payload ?? '');
  } catch {
    return { all: true, reason: 'overflow' };
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success || 'all' in parsed.data) return { all: true, reason: 'overflow' };
  return { all: false, ids: parsed.data.ids ?? [], deleted: parsed.data.deleted ?? [] };
}

/**
 * The payload the trigger would send for these ids (the same JSON), or `{"all":true}` when it
 * would pass maxPayloadBytes. For tests and for code that notifies by hand.
 */
export function encodeChangePayload(change: { ids?: readonly string[]; deleted?: readonly string[] }): string {
  const body: { ids?: readonly string[]; deleted?: readonly string[] } = {};
  if (change.ids && change.ids.length > 0) body.ids = change.ids;
  if (change.deleted && change.deleted.length > 0) body.deleted = change.deleted;
  const payload = JSON.stringify(body);
  return Buffer.byteLength(payload) > maxPayloadBytes ? '{"all":true}' : payload;
}

/**
 * Folds `next` into `pending` (a watcher that has not read yet gets one change, not a queue):
 * ids and deleted are unions, a deleted id leaves `ids`, and `all` wins. More than `maxIds`
 * ids in all becomes `overflow`, so a stalled watcher holds bounded memory.
 */
export function mergeChanges(pending: Change | null, next: Change, maxIds = 1000): Change {
  if (pending === null) return next;
  if (pending.all) return pending;
  if (next.all) return next;
  const deleted = new Set([...pending.deleted, ...next.deleted]);
  const ids = new Set([...pending.ids, ...next.ids].filter((id) => !deleted.has(id)));
  if (ids.size + deleted.size > maxIds) return { all: true, reason: 'overflow' };
  return { all: false, ids: [...ids], deleted: [...deleted] };
}
