import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Config } from '../config.ts';
import { CcBridgeError, isCcBridgeError } from '../errors.ts';
import { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../logger.ts';
import { openEmbeddedDatabase } from './embedded.ts';
import { applyMigrations, type SqlRunner } from './migrate.ts';
import type { DatabasePlace } from './prisma-errors.ts';

export { PrismaClient };

/**
 * How long a change waits for its turn (ms). The embedded database serves one session at a time,
 * so every process's transaction queues behind the others': this leaves room for dozens of
 * cc-bridge processes started at once (each holds it for tens of milliseconds, but they start on
 * a busy machine), where Prisma's defaults (2 s to start, 5 s to finish) failed a third of 16.
 */
export const defaultDatabaseWaitMs = 60_000;

/** `location`: for messages, the server URL without its password, or the embedded data folder. */
export interface Database extends DatabasePlace {
  prisma: PrismaClient;
  /**
   * A new connection of its own, not yet connected, to the same database (the server, or the
   * embedded folder's owner): for the change feed's LISTEN. The caller ends it.
   */
  newClient(): pg.Client;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /**
   * How long a transaction may wait to start, and to finish; a connection to a server to open;
   * a process for the embedded folder's owner to answer (ms).
   */
  waitMs?: number;
  /**
   * A Node script that runs a detached owner for the embedded folder (the CLI's dist/owner.mjs,
   * see runEmbeddedOwner): started when nobody serves the folder and `ownerLingerMs` > 0, so
   * the next command finds it open. Absent: this process opens the folder itself.
   */
  ownerEntry?: string;
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
      query: async (sql, params) => ({ rows: (await client.query(sql, params)).rows }),
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
export async function openDatabase(config: Config['database'], logger: Logger, options: OpenDatabaseOptions = {}): Promise<Database> {
  const waitMs = options.waitMs ?? defaultDatabaseWaitMs;
  // Set once for every transaction. Prisma's maxWait does not cut a wait short: a transaction that
  // began late is rolled back then (P2028), which translateDatabaseFailure makes DATABASE_BUSY.
  const transactionOptions = { maxWait: waitMs, timeout: waitMs };
  // allowExitOnIdle: a CLI process ends when its work is done, without waiting for idle clients.
  if (config.url) {
    await migrateServer(config.url, logger);
    const adapter = new PrismaPg({ connectionString: config.url, max: 5, allowExitOnIdle: true, connectionTimeoutMillis: waitMs });
    const prisma = new PrismaClient({ adapter, transactionOptions });
    const url = config.url;
    return {
      prisma,
      kind: 'server',
      location: redact(url),
      waitMs,
      // TCP keepalive: a LISTEN connection only reads, so without it a server that vanished
      // unannounced (no FIN) would leave the feed waiting for good.
      newClient: () => new pg.Client({ connectionString: url, connectionTimeoutMillis: waitMs, keepAlive: true, keepAliveInitialDelayMillis: 10_000 }),
      close: () => prisma.$disconnect(),
    };
  }
  const detachedOwner = options.ownerEntry !== undefined && config.ownerLingerMs > 0 ? { entry: options.ownerEntry, lingerMs: config.ownerLingerMs } : null;
  const embedded = await openEmbeddedDatabase(config.dataDir, logger, { ownerWaitMs: waitMs, detachedOwner }).catch((error: unknown) => {
    // The folder itself can fail (not creatable, not readable): that is the database failing too.
    if (isCcBridgeError(error)) throw error;
    throw new CcBridgeError('DATABASE_ERROR', `Cannot open the embedded database in ${config.dataDir}: ${(error as Error).message}`, { cause: error });
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(embedded.pool), transactionOptions });
  return {
    prisma,
    kind: 'embedded',
    location: config.dataDir,
    waitMs,
    newClient: () => embedded.newClient(),
    close: async () => {
      await prisma.$disconnect();
      await embedded.close();
    },
  };
}
