// LISTEN/NOTIFY on PGlite's one shared session, in PostgreSQL's wire protocol
// (https://www.postgresql.org/docs/current/protocol-message-formats.html). Pure functions:
// pglite-server.ts decides who hears what.

const QUERY = 0x51; // 'Q'
const NOTIFICATION_RESPONSE = 0x41; // 'A'
const ERROR_RESPONSE = 0x45; // 'E'

/** What a client's simple query asks of notifications, if that is all it asks. */
export type ListenCommand = { listen: string } | { unlisten: string } | { unlistenAll: true };

// One statement: LISTEN/UNLISTEN and one channel, a plain identifier or a quoted one.
const listenPattern = /^\s*(LISTEN|UNLISTEN)\s+(\*|"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\s*;?\s*$/i;

/**
 * Reads a frontend Query message ('Q') that is exactly one `LISTEN channel` or `UNLISTEN
 * channel|*`; null for anything else. A channel is folded like any identifier: lower case
 * unless quoted.
 */
export function parseListenCommand(message: Uint8Array): ListenCommand | null {
  if (message[0] !== QUERY || message.length < 6) return null;
  const text = Buffer.from(message.buffer, message.byteOffset + 5, message.length - 6).toString('utf8');
  const match = listenPattern.exec(text);
  if (!match) return null;
  const [, verb = '', word = ''] = match;
  const isListen = verb.toUpperCase() === 'LISTEN';
  if (word === '*') return isListen ? null : { unlistenAll: true };
  const channel = word.startsWith('"') ? word.slice(1, -1).replaceAll('""', '"') : word.toLowerCase();
  return isListen ? { listen: channel } : { unlisten: channel };
}

/** A NotificationResponse as PostgreSQL sends it: the notifying process's id, channel, payload. */
export function notificationMessage(pid: number, channel: string, payload: string): Buffer {
  const body = Buffer.concat([Buffer.from(`${channel}\0`), Buffer.from(`${payload}\0`)]);
  const header = Buffer.alloc(9);
  header[0] = NOTIFICATION_RESPONSE;
  header.writeInt32BE(8 + body.length, 1);
  header.writeInt32BE(pid, 5);
  return Buffer.concat([header, body]);
}

/** The channel a NotificationResponse is for. */
export function notificationChannel(message: Uint8Array): string {
  const start = 9;
  const end = message.indexOf(0, start);
  return Buffer.from(message.buffer, message.byteOffset + start, (end < 0 ? message.length : end) - start).toString('utf8');
}

/**
 * Splits a backend response into the NotificationResponses in it and everything else, in
 * order. The same array comes back when there is none (the usual case costs one scan).
 */
export function takeNotifications(response: Uint8Array): { rest: Uint8Array; notifications: Uint8Array[] } {
  const view = new DataView(response.buffer, response.byteOffset, response.byteLength);
  const notifications: Uint8Array[] = [];
  const kept: Uint8Array[] = [];
  let keptFrom = 0;
  for (let offset = 0; offset + 5 <= response.length; ) {
    const end = offset + 1 + view.getInt32(offset + 1);
    if (response[offset] === NOTIFICATION_RESPONSE) {
      kept.push(response.subarray(keptFrom, offset));
      notifications.push(response.subarray(offset, end));
      keptFrom = end;
    }
    offset = end;
  }
  if (notifications.length === 0) return { rest: response, notifications };
  kept.push(response.subarray(keptFrom));
  return { rest: Buffer.concat(kept), notifications };
}

/** Whether a backend response holds an ErrorResponse. */
export function hasError(response: Uint8Array): boolean {
  const view = new DataView(response.buffer, response.byteOffset, response.byteLength);
  for (let offset = 0; offset + 5 <= response.length; offset += 1 + view.getInt32(offset + 1)) {
    if (response[offset] === ERROR_RESPONSE) return true;
  }
  return false;
}

/** CommandComplete with `tag`, then ReadyForQuery with the transaction status byte `status`. */
export function commandCompleteAndReady(tag: string, status: number): Buffer {
  const text = Buffer.from(`${tag}\0`);
  const complete = Buffer.alloc(5);
  complete[0] = 0x43; // 'C'
  complete.writeInt32BE(4 + text.length, 1);
  const ready = Buffer.from([0x5a, 0, 0, 0, 5, status]); // 'Z'
  return Buffer.concat([complete, text, ready]);
}
