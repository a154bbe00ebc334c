// The raw bulk insert (db/bulk.ts) names its columns itself; these tests hold it to the table the
// migrations build, so a column added by a migration but not declared in instanceFields fails here.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultedInstanceColumns, insertedInstanceColumns, insertInstances, insertInstancesUnlessTaken, updateInstances, type InstanceRow } from '../../src/db/bulk.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { emptyInstanceFields, noActivity, fieldKinds, fieldSpec, fieldsOfType, instanceFieldNames, type InstanceType } from '../../src/instance.ts';
import { silentLogger } from '../../src/logger.ts';
import { testBackends, type TestBackend } from '../../src/testing/index.ts';

async function scratchDatabase(backend: TestBackend): Promise<{ database: Database; dispose(): Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), 'cc-bridge-bulk-'));
  if (backend === 'embedded') {
    const database = await openDatabase({ url: null, dataDir: join(home, 'db'), ownerLingerMs: 0 }, silentLogger);
    return {
      database,
      async dispose() {
        await database.close();
        await rm(home, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = process.env.TEST_DATABASE_URL ?? '';
  const name = `cc_bridge_bulk_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), dataDir: join(home, 'db'), ownerLingerMs: 0 }, silentLogger);
  return {
    database,
    async dispose() {
      await database.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** A record of `type` with every one of its fields holding a value of the field's kind. */
function fullRow(type: InstanceType, name: string): InstanceRow {
  const values = { text: `${name}-value`, integer: 4242, boolean: true } as const;
  const fields = Object.fromEntries(fieldsOfType(type).map((field) => [field, values[fieldSpec(field).kind]]));
  return {
    id: crypto.randomUUID(),
    name,
    type,
    status: 'stopped',
    origin: 'discovered',
    createdAt: new Date('2026-11-01T10:00:00.000Z'),
    updatedAt: new Date('2026-11-02T10:00:00.000Z'),
    lastSeenAt: new Date('2026-11-03T10:00:00.000Z'),
    lastActivityAt: new Date('2026-11-04T10:00:00.000Z'),
    ...emptyInstanceFields,
    ...fields,
  };
}

describe.each(testBackends())('the bulk instance insert on the %s database', (backend) => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  beforeAll(async () => {
    scratch = await scratchDatabase(backend);
  });
  afterAll(() => scratch.dispose());

  it('writes every column of the migrated Instance table but those left to their default', async () => {
    const columns = await scratch.database.prisma.$queryRaw<{ column_name: string }[]>`
      SELECT column_name::text AS column_name FROM information_schema.columns WHERE table_name = 'Instance' AND table_schema = current_schema()`;
    const written = insertedInstanceColumns.map(({ name }) => name);
    expect([...written, ...defaultedInstanceColumns].sort()).toEqual(columns.map((column) => column.column_name).sort());
  });

  it('declares each per-type field with the SQL type of its column', async () => {
    const columns = await scratch.database.prisma.$queryRaw<{ column_name: string; data_type: string }[]>`
      SELECT column_name::text AS column_name, data_type::text AS data_type FROM information_schema.columns
      WHERE table_name = 'Instance' AND table_schema = current_schema()`;
    const types = new Map(columns.map((column) => [column.column_name, column.data_type]));
    for (const field of instanceFieldNames) expect([field, types.get(field)]).toEqual([field, fieldKinds[fieldSpec(field).kind].sqlType]);
  });

  it('stores every field of a tmux and a Docker record as given', async () => {
    const rows = [fullRow('tmux', 'full-tmux'), fullRow('docker', 'full-docker')];
    await scratch.database.prisma.$transaction((tx) => insertInstances(tx, rows));
    const stored = await scratch.database.prisma.instance.findMany({ where: { id: { in: rows.map((row) => row.id) } }, orderBy: { name: 'asc' } });
    expect(stored).toEqual(rows.map((row) => ({ ...row, ...noActivity, version: 1 })).sort((a, b) => a.name.localeCompare(b.name)));
  });

  it('leaves out the rows whose name or container a record already holds, where the plain insert fails', async () => {
    const held = { ...fullRow('docker', 'held'), containerId: 'e'.repeat(64) };
    await scratch.database.prisma.$transaction((tx) => insertInstances(tx, [held]));
    const sameName = { ...fullRow('docker', 'HELD'), containerId: 'f'.repeat(64) };
    const sameContainer = { ...fullRow('docker', 'other-name'), containerId: held.containerId };
    const free = { ...fullRow('docker', 'free'), containerId: 'a'.repeat(64) };
    const written = await scratch.database.prisma.$transaction((tx) => insertInstancesUnlessTaken(tx, [sameName, sameContainer, free]));
    expect([...written]).toEqual([free.id]);
    expect((await scratch.database.prisma.instance.findMany({ where: { name: { in: ['held', 'HELD', 'other-name', 'free'] } } })).map((row) => row.id).sort()).toEqual([held.id, free.id].sort());
    await expect(scratch.database.prisma.$transaction((tx) => insertInstances(tx, [{ ...sameName, id: crypto.randomUUID() }]))).rejects.toThrow();
  });

  it('updates many records in one call: the columns given (null too), the others kept, version bumped where asked', async () => {
    const [first, second] = [fullRow('docker', 'update-first'), fullRow('tmux', 'update-second')];
    await scratch.database.prisma.$transaction((tx) => insertInstances(tx, [first, second]));
    // Every column but the id, each to a value of its type other than the stored one: a column
    // the declarations add is covered without a change here.
    const changed = { text: 'changed', integer: 7, boolean: false } as const;
    const fields = Object.fromEntries(fieldsOfType('docker').map((field) => [field, changed[fieldSpec(field).kind]]));
    const everything = {
      name: 'update-renamed',
      type: 'docker',
      status: 'running',
      origin: 'manual',
      createdAt: new Date('2026-12-01T10:00:00.000Z'),
      updatedAt: new Date('2026-12-02T10:00:00.000Z'),
      lastSeenAt: null,
      lastActivityAt: new Date('2026-12-03T10:00:00.000Z'),
      ...emptyInstanceFields,
      ...fields,
    } as const;
    expect(Object.keys(everything).sort()).toEqual(insertedInstanceColumns.map(({ name }) => name).filter((name) => name !== 'id').sort());
    const missing = crypto.randomUUID();
    const written = await scratch.database.prisma.$transaction((tx) =>
      updateInstances(tx, [
        { id: first.id, set: everything, bumpVersion: true },
        // null is written, undefined and absent columns keep their value.
        { id: second.id, set: { status: 'unknown', pid: null, cwd: undefined } },
        { id: missing, set: { status: 'running' } },
      ]),
    );
    expect([...written].sort()).toEqual([first.id, second.id].sort());
    const stored = await scratch.database.prisma.instance.findMany({ where: { id: { in: [first.id, second.id, missing] } } });
    expect(stored.find((row) => row.id === first.id)).toEqual({ ...everything, ...noActivity, id: first.id, version: 2 });
    expect(stored.find((row) => row.id === second.id)).toEqual({ ...second, ...noActivity, status: 'unknown', pid: null, version: 1 });
    expect(stored).toHaveLength(2);
  });

  it('updates nothing for no records', async () => {
    expect(await scratch.database.prisma.$transaction((tx) => updateInstances(tx, []))).toEqual(new Set());
  });
});
