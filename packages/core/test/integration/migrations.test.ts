// Migrations applied to a registry that already holds data, on the embedded engine (PGlite) and
// on a PostgreSQL server: 20261130020000_registry_uniqueness meets the clashes issue 6 showed.
import { execFile as execFileCallback } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, type SqlRunner } from '../../src/db/migrate.ts';
import { migrations } from '../../src/generated/migrations.ts';
import { silentLogger } from '../../src/logger.ts';
import { testBackends, type TestBackend } from '../../src/testing/index.ts';

const execFile = promisify(execFileCallback);
const uniqueness = '20261130020000_registry_uniqueness';

interface Scratch {
  runner: SqlRunner;
  /** LISTENs on `channel` on the runner's own session; payloads arrive in `heard`. */
  listen(channel: string, heard: string[]): Promise<void>;
  dispose(): Promise<void>;
}

async function scratchDatabase(backend: TestBackend): Promise<Scratch> {
  if (backend === 'embedded') {
    const db = new PGlite();
    return {
      runner: db,
      listen: async (channel, heard) => {
        await db.listen(channel, (payload) => heard.push(payload));
      },
      dispose: () => db.close(),
    };
  }
  const adminUrl = process.env.TEST_DATABASE_URL ?? '';
  const name = `cc_bridge_migration_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return {
    runner: {
      query: async (sql, params) => ({ rows: (await client.query(sql, params)).rows }),
      exec: (sql) => client.query(sql),
    },
    listen: async (channel, heard) => {
      client.on('notification', (message) => {
        if (message.channel === channel) heard.push(message.payload ?? '');
      });
      await client.query(`LISTEN ${channel}`);
    },
    async dispose() {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

describe.each(testBackends())('the uniqueness migration on a %s registry that breaks its rules', (backend) => {
  const scratches: Scratch[] = [];
  afterEach(async () => {
    await Promise.all(scratches.splice(0).map((scratch) => scratch.dispose()));
  });

  async function registryBefore(): Promise<SqlRunner> {
    const scratch = await scratchDatabase(backend);
    scratches.push(scratch);
    await applyMigrations(scratch.runner, silentLogger, migrations.filter((migration) => migration.name < uniqueness));
    return scratch.runner;
  }

  /** `minute`: when the record was created, so "older" is plain to read. */
  async function insert(runner: SqlRunner, minute: number, name: string, fields: { tmuxSession?: string | null; containerId?: string } = {}) {
    const isDocker = fields.containerId !== undefined;
    await runner.query(
      `INSERT INTO "Instance" (id, name, type, "tmuxSession", "containerId", "containerName", "createdAt")
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6)`,
      [name, isDocker ? 'docker' : 'tmux', isDocker ? null : (fields.tmuxSession ?? null), fields.containerId ?? null, isDocker ? name : null, new Date(Date.UTC(2026, 0, 1, 0, minute))],
    );
  }

  it('keeps the oldest holder of a session and a name, and changes the others visibly, with an event each', async () => {
    const runner = await registryBefore();
    await insert(runner, 1, 'main', { tmuxSession: 'work' });
    await insert(runner, 2, 'dup', { tmuxSession: 'work' });
    // A record without a session used its name as one: "named" clashes with the older "other".
    await insert(runner, 0, 'other', { tmuxSession: 'named' });
    await insert(runner, 3, 'named', { tmuxSession: null });
    await insert(runner, 4, 'plain', { tmuxSession: null });
    await insert(runner, 1, 'alpha', { tmuxSession: 'alpha' });
    await insert(runner, 2, 'Alpha', { tmuxSession: 'Alpha' });
    await insert(runner, 3, 'ALPHA', { containerId: 'a'.repeat(64) });
    await insert(runner, 5, 'alpha-2', { tmuxSession: 'alpha-2' });
    await insert(runner, 1, 'x'.repeat(64), { tmuxSession: 'long-1' });
    await insert(runner, 2, 'X'.repeat(64), { tmuxSession: 'long-2' });

    expect(await applyMigrations(runner, silentLogger)).toContain(uniqueness);

    const { rows } = (await runner.query('SELECT name, "tmuxSession", version FROM "Instance" ORDER BY "createdAt", name')) as {
      rows: { name: string; tmuxSession: string | null; version: number }[];
    };
    expect(Object.fromEntries(rows.map((row) => [row.name, row.tmuxSession]))).toEqual({
      other: 'named',
      main: 'work',
      alpha: 'alpha',
      ['x'.repeat(64)]: 'long-1',
      dup: null,
      'Alpha-3': 'Alpha',
      [`${'X'.repeat(62)}-2`]: 'long-2',
      named: null,
      'ALPHA-4': null,
      plain: 'plain',
      'alpha-2': 'alpha-2',
    });
    const { rows: events } = (await runner.query(
      'SELECT "instanceName", kind::text AS kind, "from", "to", actor, message FROM "InstanceEvent" ORDER BY id',
    )) as { rows: { instanceName: string; kind: string; from: unknown; to: unknown; actor: string; message: string }[] };
    const sessionEvents = events.filter((event) => event.kind === 'updated').sort((a, b) => a.instanceName.localeCompare(b.instanceName));
    expect(sessionEvents).toEqual([
      {
        instanceName: 'dup', kind: 'updated', from: { tmuxSession: 'work' }, to: { tmuxSession: null }, actor: 'migration',
        message: 'tmux session work is also registered as "main", which is older; one session belongs to one record, so this one has none now',
      },
      expect.objectContaining({ instanceName: 'named', from: { tmuxSession: 'named' }, message: expect.stringContaining('registered as "other"') }),
    ]);
    expect(events.filter((event) => event.kind === 'renamed_on_conflict')).toEqual([
      {
        instanceName: 'Alpha-3', kind: 'renamed_on_conflict', from: 'Alpha', to: 'Alpha-3', actor: 'migration',
        message: 'name "Alpha" is taken regardless of case by "alpha", which is older; renamed to "Alpha-3"',
      },
      expect.objectContaining({ instanceName: 'ALPHA-4', from: 'ALPHA', to: 'ALPHA-4' }),
      expect.objectContaining({ instanceName: `${'X'.repeat(62)}-2`, from: 'X'.repeat(64) }),
    ]);
    expect(rows.find((row) => row.name === 'dup')?.version).toBe(2);
  });

  it('then refuses a second spelling of a name and a second record of a session, whatever writes them', async () => {
    const runner = await registryBefore();
    await applyMigrations(runner, silentLogger);
    await insert(runner, 1, 'alpha', { tmuxSession: 'work' });
    await expect(insert(runner, 2, 'ALPHA', { tmuxSession: 'other' })).rejects.toThrow(/Instance_name_lower_key/);
    await expect(insert(runner, 2, 'beta', { tmuxSession: 'work' })).rejects.toThrow(/Instance_tmuxSession_key/);
    // Records without a session do not collide.
    await insert(runner, 3, 'gamma', { tmuxSession: null });
    await insert(runner, 4, 'delta', { containerId: 'b'.repeat(64) });
  });
});

describe.each(testBackends())('the change_notify migration on a %s registry', (backend) => {
  let scratch: Scratch | null = null;
  afterEach(async () => {
    await scratch?.dispose();
    scratch = null;
  });

  /** Runs `sql`, then gives the notifications it caused (they arrive at its COMMIT). */
  async function notified(runner: SqlRunner, heard: string[], sql: string): Promise<unknown[]> {
    heard.length = 0;
    await runner.exec(sql);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return heard.map((payload) => JSON.parse(payload) as unknown);
  }

  it('announces each statement once on cc_bridge_changes with the ids it changed, and says "all" past 7900 bytes', async () => {
    scratch = await scratchDatabase(backend);
    const { runner } = scratch;
    await applyMigrations(runner, silentLogger);
    const heard: string[] = [];
    await scratch.listen('cc_bridge_changes', heard);
    const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

    expect(await notified(runner, heard, `INSERT INTO "Instance" (id, name) VALUES ('${id(1)}', 'one'), ('${id(2)}', 'two')`)).toEqual([{ ids: [id(1), id(2)] }]);
    expect(await notified(runner, heard, `UPDATE "Instance" SET status = 'running' WHERE name = 'one'`)).toEqual([{ ids: [id(1)] }]);
    // A status refresh moves lastSeenAt of every record it sees: nothing anyone watches.
    expect(await notified(runner, heard, `UPDATE "Instance" SET "lastSeenAt" = now()`)).toEqual([]);
    expect(await notified(runner, heard, `UPDATE "Instance" SET status = 'running' WHERE name = 'nobody'`)).toEqual([]);
    // Several statements of one transaction: one notification each, sent at COMMIT.
    expect(await notified(runner, heard, `BEGIN; UPDATE "Instance" SET cwd = '/a' WHERE name = 'one'; DELETE FROM "Instance" WHERE name = 'two'; COMMIT`)).toEqual([
      { ids: [id(1)] },
      { deleted: [id(2)] },
    ]);
    expect(await notified(runner, heard, `BEGIN; UPDATE "Instance" SET cwd = '/b'; ROLLBACK`)).toEqual([]);

    // 199 uuids fit under 7900 bytes, 250 do not.
    const inserted = await notified(runner, heard, `INSERT INTO "Instance" (id, name) SELECT gen_random_uuid(), 'many-' || n FROM generate_series(1, 199) AS n`);
    expect((inserted[0] as { ids: string[] }).ids).toHaveLength(199);
    expect(await notified(runner, heard, `INSERT INTO "Instance" (id, name) SELECT gen_random_uuid(), 'more-' || n FROM generate_series(1, 250) AS n`)).toEqual([{ all: true }]);
    expect(await notified(runner, heard, `DELETE FROM "Instance"`)).toEqual([{ all: true }]);
  });
});

describe('the migrations and Prisma\'s schema', () => {
  it('agree: `prisma migrate diff` finds nothing to change, the hand-written trigger included', async () => {
    const root = join(import.meta.dirname, '..', '..', '..', '..');
    const { stdout } = await execFile('pnpm', ['exec', 'prisma', 'migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema-datamodel', 'prisma/schema.prisma', '--exit-code'], {
      cwd: root,
      timeout: 120_000,
    });
    expect(stdout).toContain('No difference detected');
  }, 180_000);
});
