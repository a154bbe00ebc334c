import { describe, expect, it } from 'vitest';
import { lastReadyStatus, takeMessages } from './pglite-server.ts';

function typed(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

function untyped(code: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(code, 4);
  return Buffer.concat([header, body]);
}

describe('takeMessages', () => {
  it('reads an SSL request, then the startup message, then typed messages', () => {
    const ssl = untyped(80877103);
    const startup = untyped(196608, Buffer.from('user\0postgres\0\0'));
    const query = typed('Q', Buffer.from('SELECT 1\0'));
    const result = takeMessages(Buffer.concat([ssl, startup, query]), true);
    expect(result.messages.map((m) => [m.bytes.length, m.isUntyped])).toEqual([[8, true], [startup.length, true], [query.length, false]]);
    expect(result.isStartup).toBe(false);
    expect(result.rest.length).toBe(0);
  });

  it('keeps an incomplete message for the next chunk', () => {
    const parse = typed('P', Buffer.from('\0SELECT 1\0\0\0'));
    const first = takeMessages(parse.subarray(0, 7), false);
    expect(first.messages).toEqual([]);
    const second = takeMessages(Buffer.concat([first.rest, parse.subarray(7), typed('S')]), false);
    expect(second.messages.map((m) => String.fromCharCode(m.bytes[0] ?? 0))).toEqual(['P', 'S']);
  });
});

describe('lastReadyStatus', () => {
  it('finds the status of the last ReadyForQuery', () => {
    const response = Buffer.concat([typed('C', Buffer.from('BEGIN\0')), typed('Z', Buffer.from('T')), typed('Z', Buffer.from('I'))]);
    expect(String.fromCharCode(lastReadyStatus(response) ?? 0)).toBe('I');
    expect(lastReadyStatus(typed('1'))).toBeNull();
  });
});
