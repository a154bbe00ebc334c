import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { CcBridgeError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** The port in the socket's name (`.s.PGSQL.5432`), which pg derives from host + port. */
export const socketPort = 5432;
// sun_path holds 108 bytes on Linux, with the terminating NUL.
const maxSocketPath = 107;
// PostgreSQL's rule for a data directory: its owner only.
const privateMode = 0o700;

/** The files of one embedded data folder that are not the database itself. */
export interface EmbeddedPaths {
  /** The folder, resolved through symlinks: the lock is named after it. */
  dataDir: string;
  /** The Unix socket the owner serves the database on (mode 0600). */
  socket: string;
  /** The detached owner's process id, while it runs (mode 0600). */
  ownerPid: string;
  /** What detached owners wrote to stdout and stderr, appended (mode 0600). */
  ownerLog: string;
}

/**
 * The paths for a data folder that is already resolved (realpath). Throws CONFIG_INVALID when the
 * socket's path would not fit in a Unix socket address.
 */
export function embeddedPaths(dataDir: string): EmbeddedPaths {
  const socket = join(dataDir, `.s.PGSQL.${socketPort}`);
  if (socket.length > maxSocketPath) {
    throw new CcBridgeError('CONFIG_INVALID', `The data folder path is too long for a Unix socket (${socket.length} > ${maxSocketPath} bytes): ${dataDir}`);
  }
  return { dataDir, socket, ownerPid: join(dataDir, 'owner.pid'), ownerLog: join(dataDir, 'owner.log') };
}

/**
 * The ownership lock is an abstract Unix socket named after the data folder: binding it is atomic
 * and the kernel releases it when its process dies, so a crash never leaves a stale lock.
 * Resolves to the bound server (the lock, held until it is closed), or null when another process
 * holds it.
 */
export function tryLock(dataDir: string): Promise<Server | null> {
  const name = `\0cc-bridge-db-${createHash('sha256').update(dataDir).digest('hex').slice(0, 32)}`;
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(null) : reject(error)));
    server.listen(name, () => resolve(server));
  });
}

/** Whether the lock is held by some process right now (taken and released at once when free). */
export async function isLocked(dataDir: string): Promise<boolean> {
  const lock = await tryLock(dataDir);
  if (!lock) return true;
  await new Promise((resolve) => lock.close(resolve));
  return false;
}

/** Whether something accepts connections on the Unix socket at `path`. */
export function canConnect(path: string): Promise<boolean> {
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
 * Makes `dir` a folder only its owner can enter (0700): created so if missing, tightened with a
 * warning if it has rights for group or others. PostgreSQL refuses to start on such a data
 * directory; PGlite does not check, and writes its files 0666 whatever the umask, so the rights
 * of this folder are what keep other local users from reading or rewriting the registry.
 * Throws DATABASE_ERROR when the folder cannot be made or its rights set (a folder of another user).
 */
export function ensurePrivateFolder(dir: string, logger: Logger): void {
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
