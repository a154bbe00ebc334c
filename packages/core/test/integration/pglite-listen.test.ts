// LISTEN/NOTIFY through the embedded database's socket server: a real PGlite shared by real `pg`
// clients, each hearing only the channels it listens on, as on a PostgreSQL server.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servePGlite, type PGliteServer } from '../../src/db/pglite-server.ts';

describe('LISTEN through the PGlite socket server', () => {
  let folder: string;
  let db: PGlite;
  let server: PGliteServer;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'cc-bridge-listen-'));
    db = await PGlite.create();
    server = await servePGlite(db, join(folder, '.s.PGSQL.5432'), (error) => {
      throw error;
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await server.close(1_000);
    await db.close();
    await rm(folder, { recursive: true, force: true });
  });

  async function connect(): Promise<{ client: pg.Client; heard: string[] }> {
    const client = new pg.Client({ host: folder, port: 5432, user: 'postgres', database: 'postgres' });
    await client.connect();
    clients.push(client);
    const heard: string[] = [];
    client.on('notification', (message) => heard.push(`${message.channel}:${message.payload ?? ''}`));
    return { client, heard };
  }

  const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

  it('delivers a COMMIT\'s notifications to each connection listening on their channel, and to no other', async () => {
    const listener = await connect();
    const other = await connect();
    const writer = await connect();
    await listener.client.query('LISTEN feed');
    await other.client.query('LISTEN "Other"');

    await writer.client.query('BEGIN');
    // Extended protocol (parameters), as Prisma sends it.
    await writer.client.query("SELECT pg_notify('feed', $1)", ['one']);
    await writer.client.query("SELECT pg_notify('Other', 'two')");
    await writer.client.query("SELECT pg_notify('nobody', 'three')");
    await settle();
    expect(listener.heard).toEqual([]); // not before COMMIT
    await writer.client.query('COMMIT');
    await settle();
    expect(listener.heard).toEqual(['feed:one']);
    expect(other.heard).toEqual(['Other:two']);
    // The writer did not LISTEN: its own responses carry none of them.
    expect(writer.heard).toEqual([]);
    const { rows } = await writer.client.query<{ answer: number }>('SELECT 42 AS answer');
    expect(rows).toEqual([{ answer: 42 }]);

    // A listener hears its own notifications, as on PostgreSQL.
    await listener.client.query("NOTIFY feed, 'mine'");
    await settle();
    expect(listener.heard).toEqual(['feed:one', 'feed:mine']);
  });

  it('forgets a connection\'s channel on UNLISTEN without deafening the others', async () => {
    const first = await connect();
    const second = await connect();
    await first.client.query('LISTEN shared');
    await second.client.query('LISTEN shared');
    const answer = await first.client.query('UNLISTEN shared');
    expect(answer.command).toBe('UNLISTEN');
    await second.client.query('BEGIN');
    await second.client.query('UNLISTEN *'); // answered inside a transaction: the session stays in it
    await second.client.query('LISTEN shared'); // inside a transaction: passed on, not followed
    await second.client.query('COMMIT');
    const third = await connect();
    await third.client.query('LISTEN shared');
    await third.client.query("NOTIFY shared, 'after'");
    await settle();
    expect(first.heard).toEqual([]);
    expect(second.heard).toEqual([]);
    expect(third.heard).toEqual(['shared:after']);
  });

  it('writes the notifications of a transaction that changed many records one statement at a time', async () => {
    const listener = await connect();
    const writer = await connect();
    await listener.client.query('LISTEN many');
    await writer.client.query('BEGIN');
    for (let index = 0; index < 300; index++) await writer.client.query(`NOTIFY many, '${index}'`);
    await writer.client.query('COMMIT');
    await expect.poll(() => listener.heard.length).toBe(300);
    expect(listener.heard.at(-1)).toBe('many:299');
  });
});
