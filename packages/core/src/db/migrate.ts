import { randomUUID } from 'node:crypto';
import { CcBridgeError } from '../errors.ts';
import { migrations as bundledMigrations } from '../generated/migrations.ts';
import type { Logger } from '../logger.ts';

export interface Migration {
  name: string;
  checksum: string;
  sql: string;
}

/** Just what applying migrations needs from a connection (a PGlite, or one `pg` client). */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  exec(sql: string): Promise<unknown>;
}

// Prisma's own bookkeeping table, so `prisma migrate status` agrees with what we applied.
const createBookkeeping = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

// Any constant works; it keeps two processes migrating one PostgreSQL server from racing.
const advisoryLockKey = 0x63636272;

/**
 * Applies the committed migrations that are not applied yet, each in its own transaction.
 * A migration changed after it was applied, or one that failed earlier, stops everything.
 */
export async function applyMigrations(
  runner: SqlRunner,
  logger: Logger,
  migrations: readonly Migration[] = bundledMigrations,
): Promise<string[]> {
  await runner.query('SELECT pg_advisory_lock($1)', [advisoryLockKey]);
  try {
    await runner.exec(createBookkeeping);
    const { rows } = (await runner.query(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    )) as { rows: { migration_name: string; checksum: string; finished_at: Date | null }[] };
    const applied = new Map(rows.map((row) => [row.migration_name, row]));
    const appliedNow: string[] = [];
    for (const migration of migrations) {
      const row = applied.get(migration.name);
      if (row && row.finished_at === null) {
        throw new CcBridgeError('DATABASE_ERROR', `Migration ${migration.name} failed earlier and needs attention before cc-bridge can start`);
      }
      if (row && row.checksum !== migration.checksum) {
        throw new CcBridgeError('DATABASE_ERROR', `Migration ${migration.name} was changed after it was applied to this database`);
      }
      if (row) continue;
      logger.info('applying migration', { name: migration.name });
      await runner.exec('BEGIN');
      try {
        await runner.exec(migration.sql);
        await runner.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await runner.exec('COMMIT');
      } catch (error) {
        await runner.exec('ROLLBACK');
        throw new CcBridgeError('DATABASE_ERROR', `Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      appliedNow.push(migration.name);
    }
    return appliedNow;
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [advisoryLockKey]);
  }
}
