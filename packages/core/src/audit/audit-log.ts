import { z } from 'zod';
import type { Prisma } from '../generated/prisma/client.ts';
import type { EventKind } from '../instance.ts';
import { currentCaller } from './caller.ts';

type Tx = Prisma.TransactionClient;

/** One field a change set: its value before and after (null where there was none). */
export interface FieldChange {
  before: unknown;
  after: unknown;
}

/** `{ field: { before, after } }` of the fields a change set. */
export type AuditChanges = Record<string, FieldChange>;

/**
 * What `recordAudit` writes. `actor` and `origin` default to the caller of the call running now
 * (`actingAs`); `target` names what changed: an instance's name (with `instanceId`), `user:NAME`,
 * `token:NAME/ID`, `events` (a retention run).
 */
export interface AuditInput {
  actor?: string;
  origin?: string | null;
  action: string;
  target: string;
  instanceId?: string | null;
  changes?: AuditChanges | null;
  detail?: Record<string, unknown> | null;
  message?: string | null;
}

/** One row of the audit log as read back. `at` is when its transaction began. */
export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  origin: string | null;
  action: string;
  instanceId: string | null;
  target: string;
  changes: AuditChanges | null;
  detail: Record<string, unknown> | null;
  message: string | null;
}

/**
 * Writes audit entries with `tx`, the transaction of the change they record, so the log holds a
 * change exactly when the change happened. Throws when an entry has no actor and no call is
 * running as anyone (`actingAs`): an entry that names nobody is a bug, not a record.
 * The one writer of `AuditEntry`: instance changes reach it through their events
 * (`auditOfEvent`); users, tokens and retention runs call it directly.
 */
export async function recordAudit(tx: Tx, entries: AuditInput | readonly AuditInput[]): Promise<void> {
  const list = Array.isArray(entries) ? (entries as readonly AuditInput[]) : [entries as AuditInput];
  if (list.length === 0) return;
  const who = currentCaller();
  const data = list.map((entry) => {
    const actor = entry.actor ?? who?.actor;
    if (!actor) throw new Error(`audit entry "${entry.action}" of ${entry.target} names no actor`);
    return {
      actor,
      origin: entry.origin === undefined ? (who?.origin ?? null) : entry.origin,
      action: entry.action,
      target: entry.target,
      instanceId: entry.instanceId ?? null,
      ...(entry.changes ? { changes: plain(entry.changes) as Prisma.InputJsonValue } : {}),
      ...(entry.detail ? { detail: plain(entry.detail) as Prisma.InputJsonValue } : {}),
      message: entry.message ?? null,
    };
  });
  await tx.auditEntry.createMany({ data });
}

/** The fields whose values differ between two snapshots (dates compared by time), as changes. */
export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>): AuditChanges {
  const changes: AuditChanges = {};
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const [was, is] = [before[field] ?? null, after[field] ?? null];
    if (JSON.stringify(plain(was)) !== JSON.stringify(plain(is))) changes[field] = { before: was, after: is };
  }
  return changes;
}

// ---- instance changes, from their events ----------------------------------------------------

/**
 * Which instance events are changes someone decided (audited), with the action they are logged
 * as. What a runtime reports (status_changed, activity_changed, runtime_(un)reachable) is an
 * observation: it stays in the instance's history and never floods the audit log.
 */
const auditedKinds: Partial<Record<EventKind, string>> = {
  created: 'create',
  updated: 'update',
  discovered: 'discover',
  merged: 'merge',
  renamed_on_conflict: 'rename',
  deleted: 'delete',
  imported: 'import',
  // An `action` event is logged as the action it names: start, stop, restart, recreate, resume,
  // answer, send, attach.
  action: 'action',
};

/**
 * A whole record's fields that are observations or bookkeeping rather than what someone set: left
 * out of the snapshot a create or delete records.
 */
const unsetFields = new Set([
  'id', 'createdAt', 'updatedAt', 'version', 'status', 'lastSeenAt', 'lastActivityAt', 'pid',
  'runtimeState', 'runtimeHealth', 'exitCode', 'oomKilled', 'activity', 'activitySince', 'activityReason',
]);

/** The shape of an event as the registry writes it (`EventInput` in registry/context.ts). */
export interface AuditedEvent {
  instanceId: string | null;
  instanceName: string;
  kind: EventKind;
  from?: unknown;
  to?: unknown;
  actor: string;
  message?: string;
}

/**
 * The audit entry an instance event makes, or null when its kind is not audited. Pure. Create,
 * discover and import record the fields set (after); delete the fields the record had (before);
 * update and merge their from/to maps; an action its outcome as detail (a send's length, never its
 * text) and, for a re-create, the fields it changed.
 */
export function auditOfEvent(event: AuditedEvent): AuditInput | null {
  const kindAction = auditedKinds[event.kind];
  if (kindAction === undefined) return null;
  const base = { actor: event.actor, target: event.instanceName, instanceId: event.instanceId, message: event.message ?? null };
  const from = asObject(event.from);
  const to = asObject(event.to);
  switch (event.kind) {
    case 'created':
    case 'discovered':
    case 'imported':
      return { ...base, action: kindAction, changes: diffFields({}, setFields(to)) };
    case 'deleted':
      return { ...base, action: kindAction, changes: diffFields(setFields(from), {}) };
    case 'renamed_on_conflict':
      return { ...base, action: kindAction, changes: { name: { before: event.from ?? null, after: event.to ?? null } } };
    case 'action': {
      const { action, ...rest } = to;
      const changed = Object.keys(from);
      const changes = Object.fromEntries(changed.map((field) => [field, { before: from[field] ?? null, after: rest[field] ?? null }]));
      const detail = Object.fromEntries(Object.entries(rest).filter(([field]) => !changed.includes(field)));
      return { ...base, action: typeof action === 'string' ? action : kindAction, changes: changed.length > 0 ? changes : null, detail };
    }
    default:
      return { ...base, action: kindAction, changes: Object.fromEntries(Object.keys(to).map((field) => [field, { before: from[field] ?? null, after: to[field] ?? null }])) };
  }
}

function setFields(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([field, value]) => !unsetFields.has(field) && value !== null && value !== undefined));
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** JSON-safe copy (Dates become ISO strings), as the database stores it. */
function plain(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

/** The actions the audit log holds: of instances, of retention, and of users and tokens (auth/service.ts), for pickers. */
export const auditActions = [
  'create', 'update', 'delete', 'discover', 'merge', 'rename', 'import',
  'start', 'stop', 'restart', 'recreate', 'resume', 'answer', 'send', 'attach', 'prune-events',
  'user-add', 'user-remove', 'token-create', 'token-revoke',
] as const;

// ---- reading ---------------------------------------------------------------------------------

/** The most entries one read returns. */
export const maxAuditPage = 1000;

/**
 * A read of the audit log, newest first. `actor`: part of the actor, any case (`alice` finds
 * `user:alice`); `instance`: an instance's name, any case (its entries across renames while it
 * exists, else those that named it); `action`: exact (`update`, `start`, `prune-events`);
 * `since`/`until`: bounds on `at`; `before`: the cursor, entries with a smaller id.
 */
export const auditQuery = z.object({
  actor: z.string().trim().min(1).max(200).optional(),
  instance: z.string().trim().min(1).max(200).optional(),
  action: z.string().trim().min(1).max(50).optional(),
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(maxAuditPage).default(50),
});
export type AuditQuery = z.input<typeof auditQuery>;

/** One page of entries and the cursor of the next (null when this was the last). */
export interface AuditPage {
  items: AuditEntry[];
  nextCursor: number | null;
}

/** Reads one page; `instanceId` is the id of the record `query.instance` names now, if any. */
export async function readAudit(tx: Tx, query: z.output<typeof auditQuery>, instanceId: string | null): Promise<AuditPage> {
  const where: Prisma.AuditEntryWhereInput = {
    ...(query.actor ? { actor: { contains: query.actor, mode: 'insensitive' } } : {}),
    ...(query.instance ? (instanceId ? { instanceId } : { target: { equals: query.instance, mode: 'insensitive' } }) : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.since || query.until ? { at: { ...(query.since ? { gte: query.since } : {}), ...(query.until ? { lte: query.until } : {}) } } : {}),
    ...(query.before ? { id: { lt: query.before } } : {}),
  };
  const rows = await tx.auditEntry.findMany({ where, orderBy: { id: 'desc' }, take: query.limit + 1 });
  const hasMore = rows.length > query.limit;
  const items = (hasMore ? rows.slice(0, query.limit) : rows) as AuditEntry[];
  return { items, nextCursor: hasMore ? (items.at(-1)?.id ?? null) : null };
}
