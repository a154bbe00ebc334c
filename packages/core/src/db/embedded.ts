import type { ChildProcess } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { CcBridgeError, isCcBridgeError } from '../errors.ts';
import { migrations } from '../generated/migrations.ts';
import type { Logger } from '../logger.ts';
import { canConnect, embeddedPaths, ensurePrivateFolder, isLocked, socketPort, tryLock, type EmbeddedPaths } from './embedded-folder.ts';
import { openOwnership, spawnEmbeddedOwner, type DetachedOwner, type Ownership } from './embedded-owner.ts';

// How long a process waits for the folder's owner to answer or to hand over, unless told.
const defaultOwnerWaitMs = 30_000;
const connectAttempts = 5;

export interface EmbeddedDatabase {
  /** Connections to the database through the owner's socket in the data folder. */
  pool: pg.Pool;
  /**
   * A connection outside the pool, not yet connected (its connect() makes sure someone serves
   * the folder first, taking over if needed): for a LISTEN held open, which the pool would hand
   * to a query or close as idle.
   */
  newClient(): pg.Client;
  close(): Promise<void>;
}

/** pg's callbacks take an Error; a rejection can carry anything, so wrap what is not one. */
function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * One embedded data folder shared by every cc-bridge process on the machine. Two PGlite
 * instances must never open one folder, so exactly one process (the owner, holding the lock)
 * opens it and serves it on a Unix socket in the folder; every process, the owner included,
 * talks to it through that socket. When the owner closes, it lets the others finish, and the
 * next one to connect takes over: each connection first makes sure someone serves the folder.
 * With a detached owner configured, a process that finds the folder unowned starts one instead
 * of opening it itself, and opens it itself only if that owner ends without serving.
 */
class EmbeddedHost {
  readonly #paths: EmbeddedPaths;
  readonly #logger: Logger;
  readonly #ownerWaitMs: number;
  readonly #detachedOwner: DetachedOwner | null;
  #owned: Ownership | null = null;
  /** Another process answered on the socket, and no connection has failed since. */
  #isServedElsewhere = false;
  #pending: Promise<void> | null = null;
  #isClosed = false;

  constructor(paths: EmbeddedPaths, logger: Logger, ownerWaitMs: number, detachedOwner: DetachedOwner | null) {
    this.#paths = paths;
    this.#logger = logger;
    this.#ownerWaitMs = ownerWaitMs;
    this.#detachedOwner = detachedOwner;
  }

  /** Whether this process serves the folder itself. */
  get isOwner(): boolean {
    return this.#owned !== null;
  }

  /**
   * Resolves once the folder is served, by this process (taking ownership) or another. With
   * `trustServed`, another process that answered before is trusted until a connection fails
   * (see connectFailed) instead of asked again: for connections whose failure is retried.
   */
  ensureServed(trustServed = false): Promise<void> {
    if (this.#isClosed) return Promise.reject(new CcBridgeError('DATABASE_ERROR', 'The database is closed'));
    if (this.#owned || (trustServed && this.#isServedElsewhere)) return Promise.resolve();
    this.#pending ??= this.#serve().finally(() => (this.#pending = null));
    return this.#pending;
  }

  async #serve(): Promise<void> {
    const { dataDir, socket } = this.#paths;
    const deadline = Date.now() + this.#ownerWaitMs;
    let started: { child: ChildProcess; exit: string | null } | null = null;
    while (Date.now() < deadline) {
      if (await canConnect(socket)) {
        this.#isServedElsewhere = true;
        return;
      }
      if (this.#detachedOwner && started === null) {
        // Only a free lock means nobody is coming: a held one is an owner starting or handing over.
        if (!(await isLocked(dataDir))) started = this.#startOwner(this.#detachedOwner);
      } else if (started === null || started.exit !== null) {
        const lock = await tryLock(dataDir);
        if (lock) {
          if (started) this.#logger.warn(`the database owner process ended without serving (${started.exit}; see ${this.#paths.ownerLog}); this command opens the database itself`);
          this.#owned = await openOwnership(this.#paths, lock, this.#logger);
          return;
        }
      }
      // Someone owns the folder but does not listen yet: starting up, or handing over. A detached
      // owner is usually what is starting, and a command waits for nothing else.
      await sleep(this.#detachedOwner ? 20 : 50);
    }
    throw new CcBridgeError(
      'DATABASE_BUSY',
      `The embedded database in ${dataDir} is busy: another cc-bridge process holds it and has not answered for ${Math.round(this.#ownerWaitMs / 1000)} s; stop it (\`cc-bridge db stop\` for a lingering database owner) or try again`,
    );
  }

  /** A connection to the socket failed: the owner may be gone, so the next one asks again. */
  connectFailed(): void {
    this.#isServedElsewhere = false;
  }

  #startOwner(owner: DetachedOwner): { child: ChildProcess; exit: string | null } {
    this.#logger.debug('starting a database owner process', { dataDir: this.#paths.dataDir, lingerMs: owner.lingerMs });
    const child = spawnEmbeddedOwner(this.#paths, owner);
    const started = { child, exit: null as string | null };
    child.once('error', (error) => (started.exit = error.message));
    child.once('exit', (code, signal) => (started.exit = signal === null ? `exit code ${code}` : `signal ${signal}`));
    return started;
  }

  async close(): Promise<void> {
    this.#isClosed = true;
    await this.#pending?.catch(() => undefined);
    const owned = this.#owned;
    this.#owned = null;
    await owned?.close();
  }
}

/**
 * Checks that the database another process serves has every migration this build knows, with the
 * same checksum: an owner from an older build (a dashboard left running across an upgrade, a
 * lingering owner) would otherwise serve tables without this build's columns. Throws
 * DATABASE_ERROR naming the first one missing or changed.
 */
async function checkServedMigrations(pool: pg.Pool, dataDir: string): Promise<void> {
  const { rows } = await pool.query<{ migration_name: string; checksum: string }>(
    'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL',
  );
  const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
  for (const migration of migrations) {
    const checksum = applied.get(migration.name);
    if (checksum === migration.checksum) continue;
    throw new CcBridgeError(
      'DATABASE_ERROR',
      checksum === undefined
        ? `The embedded database in ${dataDir} is served by an older cc-bridge process without migration ${migration.name}: stop it (\`cc-bridge db stop\`, or restart the dashboard) and try again`
        : `Migration ${migration.name} was changed after it was applied to this database`,
    );
  }
}

export interface EmbeddedOptions {
  /** How long a process waits for the folder's owner to answer or to hand over (ms); default 30 s. */
  ownerWaitMs?: number;
  /**
   * Start this owner when nobody serves the folder, instead of opening it in this process, so
   * the next command finds it served; null or absent: this process opens it itself.
   */
  detachedOwner?: DetachedOwner | null;
}

/**
 * Opens the embedded database in `dataDir`, shared with other processes. The folder is created
 * 0700 if missing, and an existing one with rights for group or others is tightened to 0700 with
 * a warning (see ensurePrivateFolder). Throws CONFIG_INVALID for a path too long for a socket,
 * DATABASE_ERROR when the folder cannot be opened, DATABASE_BUSY when its owner does not answer.
 */
export async function openEmbeddedDatabase(requestedDir: string, logger: Logger, options: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  ensurePrivateFolder(resolve(requestedDir), logger);
  const dataDir = realpathSync(requestedDir);
  const host = new EmbeddedHost(embeddedPaths(dataDir), logger, options.ownerWaitMs ?? defaultOwnerWaitMs, options.detachedOwner ?? null);
  await host.ensureServed();

  // pg-pool connects with a callback; both forms make sure the folder is served first.
  type ConnectCallback = Parameters<pg.Client['connect']>[0];
  // pg's end() before the socket opens does nothing: a client ended while it waited for the
  // folder to be served (a change feed stopped during a handover) must not connect afterwards,
  // or its socket would hold the process and the owner open for good.
  class ServedClient extends pg.Client {
    /**
     * Whether a failed connect is retried by whoever asked (the pool does; a LISTEN client's
     * owner would only see the error), so it may skip asking who serves the folder.
     */
    protected readonly isRetried: boolean = false;
    #isEnded = false;

    override connect(): Promise<pg.Client>;
    override connect(callback: NonNullable<ConnectCallback>): void;
    override connect(callback?: ConnectCallback): Promise<pg.Client> | void {
      const connected = host.ensureServed(this.isRetried).then(async () => {
        if (this.#isEnded) throw new Error('Connection terminated: the client was ended before it connected');
        try {
          return await super.connect();
        } catch (error) {
          host.connectFailed();
          throw error;
        }
      });
      if (!callback) return connected;
      connected.then(
        () => (callback as (error: null, client: pg.Client) => void)(null, this),
        (error: unknown) => (callback as (error: Error) => void)(asError(error)),
      );
    }

    override end(): Promise<void>;
    override end(callback: (error: Error) => void): void;
    override end(callback?: (error: Error) => void): Promise<void> | void {
      this.#isEnded = true;
      if (!callback) return super.end();
      super.end(callback);
    }
  }

  class PooledClient extends ServedClient {
    protected override readonly isRetried = true;
  }

  // A connection the kernel queued just as the owner stopped listening is dropped before it
  // is ever used; a new connection (nothing sent on it yet) is always safe to try again, and
  // the retry finds the next owner (or becomes it). So pooled connections trust an owner that
  // answered once (no probe per connection), and a failed one asks again.
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

  const connection = { host: dataDir, port: socketPort, user: 'postgres', database: 'postgres' };
  const pool = new ServedPool({
    ...connection,
    Client: PooledClient,
    max: 4,
    // Idle connections close soon, so an owner that wants to exit is not kept waiting; and a
    // CLI process ends when its work is done.
    idleTimeoutMillis: 250,
    allowExitOnIdle: true,
  });
  const close = async () => {
    await pool.end();
    await host.close();
  };
  // The owner migrated the folder when it opened it: only someone else's serving needs checking.
  if (!host.isOwner) await checkServedMigrations(pool, dataDir).catch(async (error: unknown) => {
    await close();
    throw error;
  });
  return { pool, newClient: () => new ServedClient(connection), close };
}
