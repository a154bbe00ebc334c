import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PGlite } from '@electric-sql/pglite';
import { commandCompleteAndReady, hasError, notificationChannel, parseListenCommand, takeNotifications } from './pglite-listen.ts';

// PostgreSQL wire protocol codes (https://www.postgresql.org/docs/current/protocol-message-formats.html).
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const TERMINATE = 0x58; // 'X'
const READY_FOR_QUERY = 0x5a; // 'Z'
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);
const IDLE = 0x49; // 'I'

/** A FIFO lock: PGlite has one backend session, so one client at a time may hold it. */
class SessionLock {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const acquired = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => held);
    return acquired;
  }
}

/** The status byte of the last ReadyForQuery in a backend response, if it holds one. */
export function lastReadyStatus(response: Uint8Array): number | null {
  const view = new DataView(response.buffer, response.byteOffset, response.byteLength);
  let status: number | null = null;
  for (let offset = 0; offset + 5 <= response.length; ) {
    const type = response[offset];
    const length = view.getInt32(offset + 1);
    if (type === READY_FOR_QUERY && offset + 5 < response.length) status = response[offset + 5] ?? null;
    offset += 1 + length;
  }
  return status;
}

export interface FrontendMessage {
  bytes: Buffer;
  /** Startup, SSL, GSS and cancel requests carry no type byte. */
  isUntyped: boolean;
}

/**
 * Splits complete frontend messages off the front of `buffer`. A connection opens with untyped
 * messages (an SSL or GSS request, then the startup message); `isStartup` says whether we are
 * still there, and the result says whether we still are after these messages.
 */
export function takeMessages(
  buffer: Buffer,
  isStartup: boolean,
): { messages: FrontendMessage[]; rest: Buffer; isStartup: boolean } {
  const messages: FrontendMessage[] = [];
  let offset = 0;
  let expectUntyped = isStartup;
  while (true) {
    const header = expectUntyped ? 4 : 5;
    if (buffer.length - offset < header) break;
    const length = expectUntyped ? buffer.readInt32BE(offset) : 1 + buffer.readInt32BE(offset + 1);
    if (length < header - 1 || buffer.length - offset < length) break;
    const bytes = buffer.subarray(offset, offset + length);
    messages.push({ bytes, isUntyped: expectUntyped });
    offset += length;
    if (expectUntyped) expectUntyped = isNegotiation(bytes);
  }
  return { messages, rest: buffer.subarray(offset), isStartup: expectUntyped };
}

function untypedCode(message: Buffer): number {
  return message.length >= 8 ? message.readInt32BE(4) : 0;
}

function isNegotiation(message: Buffer): boolean {
  const code = untypedCode(message);
  return code === SSL_REQUEST || code === GSSENC_REQUEST;
}

export interface PGliteServer {
  /**
   * Stops accepting connections, waits up to `drainMs` for connected clients to leave, then cuts
   * the rest. Says how many left by themselves and how many were cut.
   */
  close(drainMs: number): Promise<{ drained: number; forced: number }>;
}

/**
 * Serves one PGlite over a Unix socket so other processes can share the embedded data folder
 * (two PGlite instances on one folder corrupt it). Unlike a per-message queue, a client keeps
 * the session from its first message until PGlite reports the session idle again: an extended
 * query (Parse…Sync) or a transaction (BEGIN…COMMIT) is never interleaved with another client's.
 *
 * LISTEN works per connection, as on a PostgreSQL server, although the session is shared: a
 * client's `LISTEN channel` (a simple query) runs on the session and the connection is noted as
 * listening; every NotificationResponse PGlite puts in any response (after the COMMIT that
 * notified) is taken out of that response and written, whole, to each connection listening on
 * its channel. `UNLISTEN` is answered here and only forgets the connection's channel: the
 * session keeps listening for the others.
 */
export async function servePGlite(
  db: PGlite,
  path: string,
  onError: (error: unknown) => void,
  /** Told the number of connected clients whenever it changes (a detached owner idles out on 0). */
  onConnections: (count: number) => void = () => undefined,
): Promise<PGliteServer> {
  const lock = new SessionLock();
  const sockets = new Set<Socket>();
  /** Connections that ran LISTEN: their channels, and whether they hold the session now. */
  const listeners = new Map<Socket, { channels: Set<string>; holdsSession: () => boolean }>();

  // A notification goes to whoever listens on its channel, the connection that caused it included
  // (as PostgreSQL does), never to one that did not ask for it.
  const deliver = (notifications: Uint8Array[]) => {
    for (const notification of notifications) {
      const channel = notificationChannel(notification);
      for (const [socket, listener] of listeners) {
        if (listener.channels.has(channel) && !socket.destroyed) socket.write(notification);
      }
    }
  };

  const execute = async (bytes: Uint8Array): Promise<Uint8Array> => {
    const { rest, notifications } = takeNotifications(await db.runExclusive(() => db.execProtocolRaw(bytes)));
    deliver(notifications);
    return rest;
  };

  const serveConnection = (socket: Socket) => {
    sockets.add(socket);
    onConnections(sockets.size);
    let buffer: Buffer = Buffer.alloc(0);
    let isStartup = true;
    let release: (() => void) | null = null;
    let work: Promise<void> = Promise.resolve();
    // The transaction status of this client's last ReadyForQuery, for UNLISTEN's answer.
    let status = IDLE;
    const channels = new Set<string>();

    const run = async ({ bytes, isUntyped }: FrontendMessage) => {
      if (isUntyped) {
        const code = untypedCode(bytes);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          socket.write('N');
          return;
        }
        if (code === CANCEL_REQUEST) {
          socket.end();
          return;
        }
      } else if (bytes[0] === TERMINATE) {
        // Never forwarded: PGlite's single backend would end for every client.
        socket.end();
        return;
      }
      const command = isUntyped ? null : parseListenCommand(bytes);
      if (command && !('listen' in command)) {
        if ('unlisten' in command) channels.delete(command.unlisten);
        else channels.clear();
        socket.write(commandCompleteAndReady('UNLISTEN', status));
        return;
      }
      release ??= await lock.acquire();
      const response = await execute(bytes);
      if (!socket.destroyed) socket.write(response);
      const ready = lastReadyStatus(response);
      if (ready !== null) status = ready;
      // Only a LISTEN that took effect: inside a transaction it would wait for a COMMIT (or
      // vanish with a ROLLBACK) that this server does not follow.
      if (command && ready === IDLE && !hasError(response)) {
        channels.add(command.listen);
        listeners.set(socket, { channels, holdsSession: () => release !== null });
      }
      if (ready === IDLE) {
        release();
        release = null;
      }
    };

    // A client that leaves mid-query or mid-transaction must not leave the session dirty.
    const cleanUp = async () => {
      if (!release) return;
      // A COMMIT executed but not yet synced answers here, with its notifications.
      const status = lastReadyStatus(await execute(SYNC));
      if (status !== IDLE) await db.runExclusive(() => db.exec('ROLLBACK'));
      release();
      release = null;
    };

    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const taken = takeMessages(buffer, isStartup);
      buffer = taken.rest;
      isStartup = taken.isStartup;
      const { messages } = taken;
      for (const message of messages) work = work.then(() => run(message));
      work = work.catch((error: unknown) => {
        onError(error);
        socket.destroy();
      });
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      listeners.delete(socket);
      onConnections(sockets.size);
      work = work.then(cleanUp).catch((error: unknown) => onError(error));
    });
  };

  const server: Server = createServer(serveConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    async close(drainMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const connected = sockets.size;
      // A listening connection never leaves by itself: cut it now unless it is mid-query, and
      // its process connects again (to the next owner, or as it) and reloads what it shows.
      for (const [socket, listener] of listeners) {
        if (!listener.holdsSession()) socket.destroy();
      }
      const deadline = Date.now() + drainMs;
      while (sockets.size > 0 && Date.now() < deadline) await sleep(20);
      const forced = sockets.size;
      for (const socket of sockets) socket.destroy();
      await closed;
      return { drained: connected - forced, forced };
    },
  };
}
