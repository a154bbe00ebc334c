import { Prisma } from '../generated/prisma/client.ts';
import { activityFields, fieldKinds, fieldSpec, instanceFieldNames, type Instance, type InstanceField } from '../instance.ts';

type Tx = Prisma.TransactionClient;

/** A whole record as stored; `version` starts at 1 and the agent's activity at `unknown` by default. */
export type InstanceRow = Omit<Instance, 'version' | (typeof activityFields)[number]>;

export interface EventRow {
  instanceId: string | null;
  instanceName: string;
  kind: string;
  from: unknown;
  to: unknown;
  actor: string;
  message: string | null;
}

// Prisma's createMany sends one parameter per value and takes about 2 s for 1,000 discovered
// containers with their events; one JSON parameter unpacked by the database takes a tenth of it.
// Timestamps travel as ISO strings in UTC, as Prisma stores them.

/** The common columns with their SQL types; the per-type ones come from `instanceFields`. */
const commonColumns = {
  id: 'uuid',
  name: 'text',
  type: '"InstanceType"',
  status: '"InstanceStatus"',
  origin: '"InstanceOrigin"',
  createdAt: 'timestamp(3)',
  updatedAt: 'timestamp(3)',
  lastSeenAt: 'timestamp(3)',
  lastActivityAt: 'timestamp(3)',
} as const satisfies Record<Exclude<keyof InstanceRow, InstanceField>, string>;

/** Every column `insertInstances` writes, with its SQL type, in order. */
export const insertedInstanceColumns: readonly { name: keyof InstanceRow; sqlType: string }[] = [
  ...Object.entries(commonColumns).map(([name, sqlType]) => ({ name: name as keyof typeof commonColumns, sqlType })),
  ...instanceFieldNames.map((name) => ({ name, sqlType: fieldKinds[fieldSpec(name).kind].sqlType })),
];

/** Columns a bulk insert leaves to their database default. */
export const defaultedInstanceColumns = ['version', ...activityFields] as const satisfies readonly Exclude<keyof Instance, keyof InstanceRow>[];

// Column names are quoted constants of this module, never input: building them as raw SQL is safe.
const columnList = Prisma.raw(insertedInstanceColumns.map(({ name }) => `"${name}"`).join(', '));
const recordType = Prisma.raw(insertedInstanceColumns.map(({ name, sqlType }) => `"${name}" ${sqlType}`).join(', '));

/**
 * Inserts many instance records in one statement. Every column is named (from the declarations
 * above): one left out would be dropped silently, and a CHECK-constrained default would hide it.
 * A test compares this list with the Prisma model and the migrated table.
 */
export async function insertInstances(tx: Tx, rows: InstanceRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO "Instance" (${columnList})
    SELECT ${columnList}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS row(${recordType})`;
}

/**
 * insertInstances for rows another writer may be racing: a row whose name, container or tmux
 * session a record written meanwhile holds is left out (ON CONFLICT DO NOTHING) instead of
 * failing the statement. The ids of the rows written.
 */
export async function insertInstancesUnlessTaken(tx: Tx, rows: InstanceRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const written = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "Instance" (${columnList})
    SELECT ${columnList}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS row(${recordType})
    ON CONFLICT DO NOTHING
    RETURNING id`;
  return new Set(written.map((row) => row.id));
}

/**
 * One record's change for `updateInstances`: the columns in `set` take its values (null included);
 * a column absent from it (or undefined, as Prisma reads it) keeps its value. `bumpVersion` adds 1
 * to `version`. `ifStatus` makes the write compare-and-set: the record is written only while its
 * stored status is still that one (another process that wrote the same change first wins).
 */
export interface InstanceUpdate {
  id: string;
  set: Partial<Omit<InstanceRow, 'id'>>;
  bumpVersion?: boolean;
  ifStatus?: Instance['status'];
}

// Each row carries the names of the columns it sets ("$set"), so one statement serves rows that
// set different columns, and an absent column is told apart from one set to null.
const updatedColumns = insertedInstanceColumns.filter(({ name }) => name !== 'id');
const updateAssignments = Prisma.raw(
  updatedColumns.map(({ name }) => `"${name}" = CASE WHEN '${name}' = ANY(row."$set") THEN row."${name}" ELSE i."${name}" END`).join(',\n    '),
);

/**
 * Updates many instance records in one statement (one UPDATE per record costs a round trip
 * each: about 3 ms through the embedded database's owner). A record deleted meanwhile is simply
 * not there to update. The ids of the records updated.
 */
export async function updateInstances(tx: Tx, updates: InstanceUpdate[]): Promise<Set<string>> {
  if (updates.length === 0) return new Set();
  const rows = updates.map(({ id, set, bumpVersion, ifStatus }) => ({
    ...set,
    id,
    $set: Object.keys(set).filter((column) => set[column as keyof typeof set] !== undefined),
    $bumpVersion: bumpVersion === true,
    $ifStatus: ifStatus ?? null,
  }));
  const updated = await tx.$queryRaw<{ id: string }[]>`
    UPDATE "Instance" AS i SET
    ${updateAssignments},
    "version" = i."version" + CASE WHEN row."$bumpVersion" THEN 1 ELSE 0 END
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS row(${recordType}, "$set" text[], "$bumpVersion" boolean, "$ifStatus" "InstanceStatus")
    WHERE i.id = row.id AND (row."$ifStatus" IS NULL OR i.status = row."$ifStatus")
    RETURNING i.id`;
  return new Set(updated.map((row) => row.id));
}

/** Inserts many events in one statement; `from` and `to` are stored as JSON (absent: null). */
export async function insertEvents(tx: Tx, events: EventRow[]): Promise<void> {
  if (events.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO "InstanceEvent" ("instanceId", "instanceName", kind, "from", "to", actor, message)
    SELECT "instanceId", "instanceName", kind, "from", "to", actor, message
    FROM jsonb_to_recordset(${JSON.stringify(events)}::jsonb) AS row(
      "instanceId" uuid, "instanceName" text, kind "EventKind", "from" jsonb, "to" jsonb, actor text, message text)`;
}

/** Moves lastSeenAt of many records with one array parameter (an IN list sends one per id). */
export async function markSeen(tx: Tx, ids: string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx.$executeRaw`UPDATE "Instance" SET "lastSeenAt" = ${at} WHERE id = ANY(${ids}::uuid[])`;
}
