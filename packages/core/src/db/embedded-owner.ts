import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PGlite } from '@electric-sql/pglite';
import { CcBridgeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { canConnect, embeddedPaths, ensurePrivateFolder, isLocked, tryLock, type EmbeddedPaths } from './embedded-folder.ts';
import { applyMigrations } from './migrate.ts';
import { servePGlite } from './pglite-server.ts';

// How long an owner that is closing waits for other processes to finish their queries.
const drainMs = 10_000;
// owner.log is started afresh (the old one kept as owner.log.1) once it passes this size (bytes).
const maxLogBytes = 1024 * 1024;

/** The folder opened and served by this process, which holds the lock. */
export interface Ownership {
  /** Stops serving (other processes get up to 10 s to finish), closes PGlite, releases the lock. */
  close(): Promise<void>;
}

/**
 * Opens the data folder as its owner, holding `lock`: PGlite on `pgdata/`, migrations applied, the
 * database served on the folder's socket (0600). `onConnections` hears the number of connected
 * clients. On failure the lock is released and the error is a CcBridgeError (DATABASE_ERROR).
 */
export async function openOwnership(
  paths: EmbeddedPaths,
  lock: Server,
  logger: Logger,
  onConnections?: (count: number) => void,
): Promise<Ownership> {
  let db: PGlite | undefined;
  try {
    // The data folder's 0700 already shields it; the database folder gets the same rights, so
    // the files stay private if someone loosens the outer folder.
    const pgdata = join(paths.dataDir, 'pgdata');
    ensurePrivateFolder(pgdata, logger);
    // Loaded here, by the owner only: a process that finds the folder served (the dashboard's,
    // another command's) never pays for PGlite's module.
    const { PGlite } = await import('@electric-sql/pglite');
    db = await PGlite.create(pgdata);
    await applyMigrations(db, logger);
    // Holding the lock, a socket file left here is a dead owner's.
    rmSync(paths.socket, { force: true });
    const server = await servePGlite(db, paths.socket, (error) => logger.error('embedded database connection failed', { error: String(error) }), onConnections);
    // Connecting to a Unix socket needs write rights on it: the owner only.
    chmodSync(paths.socket, 0o600);
    logger.debug('serving the embedded database', { dataDir: paths.dataDir });
    const opened = db;
    return {
      close: async () => {
        const served = await server.close(drainMs);
        if (served.forced > 0) logger.warn('closed the embedded database with other processes still connected', served);
        await opened.close();
        rmSync(paths.socket, { force: true });
        lock.close();
      },
    };
  } catch (error) {
    await db?.close();
    lock.close();
    if (error instanceof CcBridgeError) throw error;
    throw new CcBridgeError('DATABASE_ERROR', `Cannot open the embedded database in ${paths.dataDir}: ${(error as Error).message}`, { cause: error });
  }
}

/** A process that serves the data folder after the command that started it has ended. */
export interface DetachedOwner {
  /** A Node script that calls runEmbeddedOwner with its arguments (the CLI's dist/owner.mjs). */
  entry: string;
  /** How long it keeps serving with no client connected (ms), > 0. */
  lingerMs: number;
}

/**
 * Starts `owner.entry` for the folder in its own session (detached, unref'd: the caller may end
 * first), its output appended to owner.log (0600). It takes the lock itself, so of several
 * started at once one serves and the others exit. Never throws: a failed start shows as the
 * child's `exit` (or `error`) event.
 */
export function spawnEmbeddedOwner(paths: EmbeddedPaths, owner: DetachedOwner): ChildProcess {
  try {
    if (statSync(paths.ownerLog).size > maxLogBytes) renameSync(paths.ownerLog, `${paths.ownerLog}.1`);
  } catch {
    // No log yet.
  }
  const log = openSync(paths.ownerLog, 'a', 0o600);
  try {
    const child = spawn(process.execPath, [owner.entry, '--data-dir', paths.dataDir, '--linger-ms', String(owner.lingerMs)], {
      detached: true,
      stdio: ['ignore', log, log],
      // Not the caller's folder: a long-lived process must not pin a directory the user may remove.
      cwd: paths.dataDir,
    });
    child.unref();
    return child;
  } finally {
    closeSync(log);
  }
}

/**
 * Starts a detached owner for `requestedDir` if nobody serves the folder or holds its lock, and
 * returns without waiting for it to serve: a command calls this before loading its own heavy
 * modules, so the owner opens PGlite meanwhile; openEmbeddedDatabase then finds it starting and
 * waits for it. Creates the folder 0700 (see ensurePrivateFolder, whose errors it throws).
 */
export async function startDetachedOwner(requestedDir: string, owner: DetachedOwner, logger: Logger): Promise<void> {
  ensurePrivateFolder(resolve(requestedDir), logger);
  const paths = embeddedPaths(realpathSync(requestedDir));
  if ((await canConnect(paths.socket)) || (await isLocked(paths.dataDir))) return;
  logger.debug('starting a database owner process', { dataDir: paths.dataDir, lingerMs: owner.lingerMs });
  spawnEmbeddedOwner(paths, owner);
}

/**
 * The detached owner's program (`owner.mjs --data-dir DIR --linger-ms MS`): takes the lock or
 * exits at once when another process holds it, then serves the folder until no client has been
 * connected for the linger time, or until SIGTERM/SIGINT; then drains and exits. Writes its pid
 * to owner.pid while it runs. Resolves to the exit code (0, or 1 when the folder could not be
 * opened, logged).
 */
export async function runEmbeddedOwner(argv: readonly string[], logger: Logger): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { 'data-dir': { type: 'string' }, 'linger-ms': { type: 'string' } } });
  const lingerMs = Number(values['linger-ms']);
  const dataDir = values['data-dir'];
  if (dataDir === undefined || !Number.isInteger(lingerMs) || lingerMs <= 0) {
    logger.error('usage: owner --data-dir DIR --linger-ms MS (MS a whole number > 0)');
    return 2;
  }
  const paths = embeddedPaths(dataDir);
  const lock = await tryLock(paths.dataDir);
  if (!lock) {
    logger.debug('another process owns the data folder', { dataDir });
    return 0;
  }
  // An object, not a variable: callbacks set it, and TypeScript does not follow them.
  const stopping: { reason: string | null } = { reason: null };
  let wake: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  const stop = (reason: string) => {
    stopping.reason ??= reason;
    wake();
  };
  let idleTimer: NodeJS.Timeout | undefined;
  const onConnections = (count: number) => {
    clearTimeout(idleTimer);
    if (count === 0) idleTimer = setTimeout(() => stop(`no client for ${lingerMs} ms`), lingerMs);
  };
  const onSignal = (signal: NodeJS.Signals) => stop(signal);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    let ownership: Ownership;
    try {
      ownership = await openOwnership(paths, lock, logger, onConnections);
    } catch (error) {
      logger.error('cannot serve the embedded database', { dataDir, error: (error as Error).message });
      return 1;
    }
    writeFileSync(paths.ownerPid, `${process.pid}\n`, { mode: 0o600 });
    logger.info('owner serving the embedded database', { pid: process.pid, dataDir, lingerMs });
    if (stopping.reason === null) onConnections(0);
    await stopped;
    clearTimeout(idleTimer);
    logger.info('owner stopping', { pid: process.pid, reason: stopping.reason });
    // The pid file goes first: once the lock is free a new owner may write its own.
    if (readOwnerPid(paths) === process.pid) rmSync(paths.ownerPid, { force: true });
    await ownership.close();
    return 0;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

function readOwnerPid(paths: EmbeddedPaths): number | null {
  try {
    const pid = Number(readFileSync(paths.ownerPid, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Whether process `pid` is a detached owner of `dataDir`, by its command line (/proc/PID/cmdline;
 * a zombie's is empty), so a pid reused by an unrelated process is never taken for the owner.
 */
function isOwnerProcess(pid: number, dataDir: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const at = argv.indexOf('--data-dir');
    return at > 0 && argv[at + 1] === dataDir && argv.includes('--linger-ms');
  } catch {
    return false;
  }
}

/** The pid of the detached owner serving `dataDir` (resolved), from owner.pid, or null when none runs. */
export function findDetachedOwner(dataDir: string): number | null {
  const pid = readOwnerPid(embeddedPaths(dataDir));
  return pid !== null && isOwnerProcess(pid, dataDir) ? pid : null;
}

/** What stopDetachedOwner found: the owner it stopped, another process serving the folder, or nobody. */
export type OwnerStop = { stopped: number } | { servedByOther: true } | { idle: true };

/**
 * Stops the detached owner of `requestedDir` with SIGTERM and waits until its process has ended
 * (it drains clients first). A folder held by another process (a dashboard) is left alone and
 * said so. Throws DATABASE_BUSY when the owner is still there after `waitMs`.
 */
export async function stopDetachedOwner(requestedDir: string, waitMs = drainMs + 5_000): Promise<OwnerStop> {
  let dataDir: string;
  try {
    dataDir = realpathSync(requestedDir);
  } catch {
    return { idle: true }; // no folder, no owner
  }
  const pid = findDetachedOwner(dataDir);
  if (pid === null) return (await isLocked(dataDir)) ? { servedByOther: true } : { idle: true };
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (!isOwnerProcess(pid, dataDir)) return { stopped: pid };
    await sleep(50);
  }
  throw new CcBridgeError('DATABASE_BUSY', `The database owner (pid ${pid}) of ${dataDir} did not stop within ${Math.round(waitMs / 1000)} s`);
}
