import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Config } from '../config.ts';
import { CcBridgeError } from '../errors.ts';
import { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../logger.ts';
import { openEmbeddedDatabase } from './embedded.ts';
import { applyMigrations, type SqlRunner } from './migrate.ts';

export { PrismaClient };

export interface Database {
  prisma: PrismaClient;
  /** For messages: the server URL without its password, or the embedded data folder. */
  location: string;
  close(): Promise<void>;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgresql://…';
  }
}

async function migrateServer(connectionString: string, logger: Logger): Promise<void> {
  const client = new pg.Client({ connectionString });
  try {
    await client.connect();
    const runner: SqlRunner = {
      query: async <Row>(sql: string, params?: unknown[]) => ({ rows: (await client.query(sql, params)).rows as Row[] }),
      exec: (sql) => client.query(sql),
    };
    await applyMigrations(runner, logger);
  } catch (error) {
    if (error instanceof CcBridgeError) throw error;
    throw new CcBridgeError('DATABASE_ERROR', `Cannot open the database at ${redact(connectionString)}: ${(error as Error).message}`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Opens the registry: the PostgreSQL server at `config.url`, or else the embedded database in
 * `config.dataDir`. Migrations are applied before anything else runs.
 */
export async function openDatabase(config: Config['database'], logger: Logger): Promise<Database> {
  // allowExitOnIdle: a CLI process ends when its work is done, without waiting for idle clients.
  if (config.url) {
    await migrateServer(config.url, logger);
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: config.url, max: 5, allowExitOnIdle: true }) });
    return { prisma, location: redact(config.url), close: () => prisma.$disconnect() };
  }
  const embedded = await openEmbeddedDatabase(config.dataDir, logger);
  const prisma = new PrismaClient({ adapter: new PrismaPg(embedded.pool) });
  return {
    prisma,
    location: config.dataDir,
    close: async () => {
      await prisma.$disconnect();
      await embedded.close();
    },
  };
}
