import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync, rmSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import type { PoolConfig } from 'pg';
import { CcBridgeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { applyMigrations } from './migrate.ts';
import { servePGlite, type PGliteServer } from './pglite-server.ts';

const socketPort = 5432;
// sun_path holds 108 bytes on Linux, with the terminating NUL.
const maxSocketPath = 107;

export interface EmbeddedDatabase {
  /** How to reach the database with `pg`: the owner's Unix socket in the data folder. */
  connection: PoolConfig;
  /** `owner`: this process opened PGlite and serves it; `client`: another process does. */
  role: 'owner' | 'client';
  close(): Promise<void>;
}

/**
 * The ownership lock is an abstract Unix socket named after the data folder: binding it is atomic
 * and the kernel releases it when the owner dies, so a crash never leaves a stale lock behind.
 */
function ownershipLock(dataDir: string): Promise<Server | null> {
  const name = `\0cc-bridge-db-${createHash('sha256').update(dataDir).digest('hex').slice(0, 32)}`;
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(null) : reject(error)));
    server.listen(name, () => {
      // The lock must not keep a finished CLI process alive.
      server.unref();
      resolve(server);
    });
  });
}

function canConnect(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Opens the embedded database in `dataDir`. The first process to come becomes its owner: it opens
 * PGlite, applies migrations and serves it on a Unix socket in the folder; any later process goes
 * through that socket. Two PGlite instances never open one folder.
 */
export async function openEmbeddedDatabase(requestedDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  mkdirSync(requestedDir, { recursive: true });
  const dataDir = realpathSync(requestedDir);
  const socketPath = join(dataDir, `.s.PGSQL.${socketPort}`);
  if (socketPath.length > maxSocketPath) {
    throw new CcBridgeError('CONFIG_INVALID', `The data folder path is too long for a Unix socket (${socketPath.length} > ${maxSocketPath} bytes): ${dataDir}`);
  }
  const connection: PoolConfig = { host: dataDir, port: socketPort, user: 'postgres', database: 'postgres' };

  const lock = await ownershipLock(dataDir);
  if (!lock) {
    // The owner may still be starting (opening PGlite, migrating): give it time to listen.
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await canConnect(socketPath)) {
        logger.debug('embedded database is served by another process', { dataDir });
        return { connection, role: 'client', close: async () => {} };
      }
      await sleep(100);
    }
    throw new CcBridgeError('DATABASE_BUSY', `The embedded database in ${dataDir} is held by another cc-bridge process that does not answer; stop it and try again`);
  }

  let db: PGlite | undefined;
  let server: PGliteServer | undefined;
  try {
    db = await PGlite.create(join(dataDir, 'pgdata'));
    await applyMigrations(db, logger);
    // Holding the lock, a socket file left here is a dead owner's.
    rmSync(socketPath, { force: true });
    server = await servePGlite(db, socketPath, (error) => logger.error('embedded database connection failed', { error: String(error) }));
  } catch (error) {
    await db?.close();
    lock.close();
    if (error instanceof CcBridgeError) throw error;
    throw new CcBridgeError('DATABASE_ERROR', `Cannot open the embedded database in ${dataDir}: ${(error as Error).message}`, { cause: error });
  }
  logger.debug('embedded database opened', { dataDir });

  const opened = { db, server };
  return {
    connection,
    role: 'owner',
    close: async () => {
      await opened.server.close();
      await opened.db.close();
      rmSync(socketPath, { force: true });
      lock.close();
    },
  };
}
