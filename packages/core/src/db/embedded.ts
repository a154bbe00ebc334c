import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { CcBridgeError, isCcBridgeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { applyMigrations } from './migrate.ts';
import { servePGlite, type PGliteServer } from './pglite-server.ts';

const socketPort = 5432;
// sun_path holds 108 bytes on Linux, with the terminating NUL.
const maxSocketPath = 107;
// How long a process waits for the folder's owner to answer or to hand over, unless told.
const defaultOwnerWaitMs = 30_000;
// How long an owner that is closing waits for other processes to finish their queries.
const drainMs = 10_000;
const connectAttempts = 5;
// PostgreSQL's rule for a data directory: its owner only.
const privateMode = 0o700;

export interface EmbeddedDatabase {
  /** Connections to the database through the owner's socket in the data folder. */
  pool: pg.Pool;
  close(): Promise<void>;
}

interface Ownership {
  lock: Server;
  db: PGlite;
  server: PGliteServer;
}

/** pg's callbacks take an Error; a rejection can carry anything, so wrap what is not one. */
function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The ownership lock is an abstract Unix socket named after the data folder: binding it is atomic
 * and the kernel releases it when its process dies, so a crash never leaves a stale lock.
 */
function tryLock(dataDir: string): Promise<Server | null> {
  const name = `\0cc-bridge-db-${createHash('sha256').update(dataDir).digest('hex').slice(0, 32)}`;
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(null) : reject(error)));
    server.listen(name, () => resolve(server));
  });
}

/**
 * Makes `dir` a folder only its owner can enter (0700): created so if missing, tightened with a
 * warning if it has rights for group or others. PostgreSQL refuses to start on such a data
 * directory; PGlite does not check, and writes its files 0666 whatever the umask, so the rights
 * of this folder are what keep other local users from reading or rewriting the registry.
 * Throws DATABASE_ERROR when the folder cannot be made or its rights set (a folder of another user).
 */
function ensurePrivateFolder(dir: string, logger: Logger): void {
  let isNew = true;
  let mode: number;
  try {
    mkdirSync(dirname(dir), { recursive: true });
    try {
      mkdirSync(dir, { mode: privateMode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      isNew = false;
    }
    mode = statSync(dir).mode & 0o777;
    // mkdir's mode is masked by the umask; only an explicit chmod says exactly what it is.
    if (!isNew && (mode & 0o077) === 0) return;
    chmodSync(dir, privateMode);
  } catch (error) {
    throw new CcBridgeError('DATABASE_ERROR', `Cannot make the data folder ${dir} private to its owner (mkdir, chmod 700): ${(error as Error).message}`, { cause: error });
  }
  if (!isNew) {
    logger.warn(`the data folder ${dir} was open to other users (mode ${mode.toString(8).padStart(4, '0')}); it is now 0700`, { dataDir: dir });
  }
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
 * One embedded data folder shared by every cc-bridge process on the machine. Two PGlite
 * instances must never open one folder, so exactly one process (the owner, holding the lock)
 * opens it and serves it on a Unix socket in the folder; every process, the owner included,
 * talks to it through that socket. When the owner closes, it lets the others finish, and the
 * next one to connect takes over: each connection first makes sure someone serves the folder.
 */
class EmbeddedHost {
  readonly #dataDir: string;
  readonly #socketPath: string;
  readonly #logger: Logger;
  readonly #ownerWaitMs: number;
  #owned: Ownership | null = null;
  #pending: Promise<void> | null = null;
  #isClosed = false;

  constructor(dataDir: string, socketPath: string, logger: Logger, ownerWaitMs: number) {
    this.#dataDir = dataDir;
    this.#socketPath = socketPath;
    this.#logger = logger;
    this.#ownerWaitMs = ownerWaitMs;
  }

  /** Resolves once the folder is served, by this process (taking ownership) or another. */
  ensureServed(): Promise<void> {
    if (this.#isClosed) return Promise.reject(new CcBridgeError('DATABASE_ERROR', 'The database is closed'));
    if (this.#owned) return Promise.resolve();
    this.#pending ??= this.#serve().finally(() => (this.#pending = null));
    return this.#pending;
  }

  async #serve(): Promise<void> {
    const deadline = Date.now() + this.#ownerWaitMs;
    while (Date.now() < deadline) {
      if (await canConnect(this.#socketPath)) return;
      const lock = await tryLock(this.#dataDir);
      if (lock) {
        this.#owned = await this.#open(lock);
        return;
      }
      // Someone owns the folder but does not listen: starting up, or handing over.
      await sleep(50);
    }
    throw new CcBridgeError(
      'DATABASE_BUSY',
      `The embedded database in ${this.#dataDir} is busy: another cc-bridge process holds it and has not answered for ${Math.round(this.#ownerWaitMs / 1000)} s; stop it or try again`,
    );
  }

  async #open(lock: Server): Promise<Ownership> {
    let db: PGlite | undefined;
    try {
      // The data folder's 0700 already shields it; the database folder gets the same rights, so
      // the files stay private if someone loosens the outer folder.
      const pgdata = join(this.#dataDir, 'pgdata');
      ensurePrivateFolder(pgdata, this.#logger);
      // Loaded here, by the owner only: a process that finds the folder served (the dashboard's,
      // another command's) never pays for PGlite's module.
      const { PGlite } = await import('@electric-sql/pglite');
      db = await PGlite.create(pgdata);
      await applyMigrations(db, this.#logger);
      // Holding the lock, a socket file left here is a dead owner's.
      rmSync(this.#socketPath, { force: true });
      const server = await servePGlite(db, this.#socketPath, (error) =>
        this.#logger.error('embedded database connection failed', { error: String(error) }),
      );
      // Connecting to a Unix socket needs write rights on it: the owner only.
      chmodSync(this.#socketPath, 0o600);
      this.#logger.debug('serving the embedded database', { dataDir: this.#dataDir });
      return { lock, db, server };
    } catch (error) {
      await db?.close();
      lock.close();
      if (error instanceof CcBridgeError) throw error;
      throw new CcBridgeError('DATABASE_ERROR', `Cannot open the embedded database in ${this.#dataDir}: ${(error as Error).message}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    this.#isClosed = true;
    await this.#pending?.catch(() => undefined);
    const owned = this.#owned;
    if (!owned) return;
    this.#owned = null;
    const served = await owned.server.close(drainMs);
    if (served.forced > 0) this.#logger.warn('closed the embedded database with other processes still connected', served);
    await owned.db.close();
    rmSync(this.#socketPath, { force: true });
    owned.lock.close();
  }
}

export interface EmbeddedOptions {
  /** How long a process waits for the folder's owner to answer or to hand over (ms); default 30 s. */
  ownerWaitMs?: number;
}

/**
 * Opens the embedded database in `dataDir`, shared with other processes. The folder is created
 * 0700 if missing, and an existing one with rights for group or others is tightened to 0700 with
 * a warning (see ensurePrivateFolder).
 */
export async function openEmbeddedDatabase(requestedDir: string, logger: Logger, options: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  ensurePrivateFolder(resolve(requestedDir), logger);
  const dataDir = realpathSync(requestedDir);
  const socketPath = join(dataDir, `.s.PGSQL.${socketPort}`);
  if (socketPath.length > maxSocketPath) {
    throw new CcBridgeError('CONFIG_INVALID', `The data folder path is too long for a Unix socket (${socketPath.length} > ${maxSocketPath} bytes): ${dataDir}`);
  }
  const host = new EmbeddedHost(dataDir, socketPath, logger, options.ownerWaitMs ?? defaultOwnerWaitMs);
  await host.ensureServed();

  // pg-pool connects with a callback; both forms make sure the folder is served first.
  type ConnectCallback = Parameters<pg.Client['connect']>[0];
  class ServedClient extends pg.Client {
    override connect(): Promise<pg.Client>;
    override connect(callback: NonNullable<ConnectCallback>): void;
    override connect(callback?: ConnectCallback): Promise<pg.Client> | void {
      const served = host.ensureServed();
      if (!callback) return served.then(() => super.connect());
      served.then(
        () => super.connect(callback),
        (error: unknown) => (callback as (error: Error) => void)(asError(error)),
      );
    }
  }

  // A connection the kernel queued just as the owner stopped listening is dropped before it
  // is ever used; a new connection (nothing sent on it yet) is always safe to try again, and
  // the retry finds the next owner (or becomes it).
  type PoolCallback = Parameters<pg.Pool['connect']>[0];
  class ServedPool extends pg.Pool {
    override connect(): Promise<pg.PoolClient>;
    override connect(callback: NonNullable<PoolCallback>): void;
    override connect(callback?: PoolCallback): Promise<pg.PoolClient> | void {
      const attempt = async (): Promise<pg.PoolClient> => {
        for (let tries = 1; ; tries++) {
          try {
            return await super.connect();
          } catch (error) {
            if (tries >= connectAttempts || isCcBridgeError(error)) throw error;
            logger.debug('retrying a connection to the embedded database', { error: String(error) });
            await sleep(25 * tries);
          }
        }
      };
      if (!callback) return attempt();
      attempt().then(
        (client) => callback(undefined, client, (release?: Error | boolean) => client.release(release)),
        (error: unknown) => callback(asError(error), undefined, () => undefined),
      );
    }
  }

  const pool = new ServedPool({
    host: dataDir,
    port: socketPort,
    user: 'postgres',
    database: 'postgres',
    Client: ServedClient,
    max: 4,
    // Idle connections close soon, so an owner that wants to exit is not kept waiting; and a
    // CLI process ends when its work is done.
    idleTimeoutMillis: 250,
    allowExitOnIdle: true,
  });
  return {
    pool,
    close: async () => {
      await pool.end();
      await host.close();
    },
  };
}
