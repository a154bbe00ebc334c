import { describe, expect, it } from 'vitest';
import { commandCompleteAndReady, hasError, notificationChannel, notificationMessage, parseListenCommand, takeNotifications } from './pglite-listen.ts';
import { lastReadyStatus } from './pglite-server.ts';

function typed(type: string, body: string | Buffer = Buffer.alloc(0)): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(4 + bytes.length, 1);
  return Buffer.concat([header, bytes]);
}

const query = (sql: string) => typed('Q', `${sql}\0`);

describe('parseListenCommand', () => {
  it('reads one LISTEN or UNLISTEN, folding an unquoted channel to lower case as PostgreSQL does', () => {
    expect(parseListenCommand(query('LISTEN cc_bridge_changes'))).toEqual({ listen: 'cc_bridge_changes' });
    expect(parseListenCommand(query(' listen Changes ; '))).toEqual({ listen: 'changes' });
    expect(parseListenCommand(query('LISTEN "Mixed ""Case"""'))).toEqual({ listen: 'Mixed "Case"' });
    expect(parseListenCommand(query('UNLISTEN cc_bridge_changes'))).toEqual({ unlisten: 'cc_bridge_changes' });
    expect(parseListenCommand(query('UNLISTEN *'))).toEqual({ unlistenAll: true });
  });

  it('leaves everything else to PGlite: other statements, several statements, extended queries', () => {
    for (const sql of ['SELECT 1', 'LISTEN a; SELECT 1', 'LISTEN *', 'NOTIFY a', 'LISTEN', "SELECT 'LISTEN a'"]) {
      expect(parseListenCommand(query(sql))).toBeNull();
    }
    expect(parseListenCommand(typed('P', '\0LISTEN a\0\0\0'))).toBeNull();
  });
});

describe('takeNotifications', () => {
  it('takes NotificationResponses out of a response and keeps the rest in order', () => {
    const notification = notificationMessage(42, 'cc_bridge_changes', '{"ids":[]}');
    const response = Buffer.concat([typed('C', 'COMMIT\0'), notification, typed('Z', 'I')]);
    const { rest, notifications } = takeNotifications(response);
    expect(Buffer.from(rest)).toEqual(Buffer.concat([typed('C', 'COMMIT\0'), typed('Z', 'I')]));
    expect(notifications.map((message) => Buffer.from(message))).toEqual([notification]);
    expect(notificationChannel(notification)).toBe('cc_bridge_changes');
    expect(String.fromCharCode(lastReadyStatus(rest) ?? 0)).toBe('I');
  });

  it('hands back the same response when it holds none', () => {
    const response = Buffer.concat([typed('C', 'SELECT 1\0'), typed('Z', 'T')]);
    expect(takeNotifications(response).rest).toBe(response);
  });
});

describe('answers made by the server', () => {
  it('builds CommandComplete and ReadyForQuery with the given status', () => {
    expect(commandCompleteAndReady('UNLISTEN', 0x54)).toEqual(Buffer.concat([typed('C', 'UNLISTEN\0'), typed('Z', 'T')]));
    expect(hasError(Buffer.concat([typed('E', 'SERROR\0\0'), typed('Z', 'I')]))).toBe(true);
    expect(hasError(typed('Z', 'I'))).toBe(false);
  });
});
