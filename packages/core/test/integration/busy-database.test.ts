// Writers that must wait for the database, and database failures as a person sees them (issue 6,
// item 6): a wait has room for a queue of many processes, a wait that truly runs out is
// DATABASE_BUSY, and nothing from the database reaches anyone as an unexpected error.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { caught, createTestTmux, disposeAll, openTestBridge, testBackends, type TestBridge, type TestTmux } from '../../src/testing/index.ts';

/**
 * Another connection to the bridge's database, as another process would have: the owner's socket
 * in the embedded data folder, or the PostgreSQL server.
 */
async function connectBeside(bridge: TestBridge): Promise<pg.Client> {
  const client = bridge.databaseUrl
    ? new pg.Client({ connectionString: bridge.databaseUrl })
    : new pg.Client({ host: bridge.dataDir ?? '', port: 5432, user: 'postgres', database: 'postgres' });
  await client.connect();
  return client;
}

/**
 * Holds the registry for `ms` in a transaction that locks the Instance table against writes: on
 * the embedded database nobody else's transaction can even begin, on a server writers block.
 */
async function holdRegistry(client: pg.Client, ms: number): Promise<void> {
  await client.query('BEGIN');
  await client.query('LOCK TABLE "Instance" IN EXCLUSIVE MODE');
  await new Promise((resolve) => setTimeout(resolve, ms));
  await client.query('COMMIT');
}

describe.each(testBackends())('writers on a busy %s database', (backend) => {
  let tmux: TestTmux;
  const bridges: TestBridge[] = [];
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    tmux = await createTestTmux();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.end()));
    await Promise.all(bridges.splice(0).map((bridge) => bridge.dispose()));
  });
  afterAll(() => disposeAll(tmux));

  async function open(options: { databaseWaitMs?: number } = {}): Promise<TestBridge> {
    const bridge = await openTestBridge({ backend, tmuxSocket: tmux.socket, docker: false, ...options });
    bridges.push(bridge);
    return bridge;
  }

  async function beside(bridge: TestBridge): Promise<pg.Client> {
    const client = await connectBeside(bridge);
    clients.push(client);
    return client;
  }

  it('let a write wait its turn while another holds the registry longer than 2 s to start and 5 s to finish', async () => {
    const bridge = await open();
    const holder = await beside(bridge);
    await holder.query('SELECT 1');
    const held = holdRegistry(holder, 6_000);
    // Let the holder take the lock first.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    const created = await bridge.manager.createInstance({ name: 'patient' });
    expect(created).toMatchObject({ name: 'patient', version: 1 });
    expect(Date.now() - started).toBeGreaterThan(5_000);
    await held;
  });

  it('say DATABASE_BUSY, naming the database, when a wait truly runs out, and write nothing', async () => {
    const bridge = await open({ databaseWaitMs: 500 });
    const holder = await beside(bridge);
    const held = holdRegistry(holder, 2_500);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const error = await caught(bridge.manager.createInstance({ name: 'impatient' }));
    await held;
    const where = backend === 'embedded' ? `The embedded database in ${bridge.dataDir}` : 'The database server at postgresql://';
    expect(error.code).toBe('DATABASE_BUSY');
    expect(error.message).toContain(where);
    expect(error.message).toMatch(/is busy/);
    expect(await bridge.manager.getInstance('impatient')).toBeNull();
  });

  it('turn every other database failure into DATABASE_ERROR, on reads and writes alike', async () => {
    const bridge = await open();
    await bridge.manager.createInstance({ name: 'present' });
    const admin = await beside(bridge);
    await admin.query('ALTER TABLE "Instance" RENAME TO "InstanceAway"');
    try {
      const calls: [string, () => Promise<unknown>][] = [
        ['list', () => bridge.manager.listInstances()],
        ['get', () => bridge.manager.getInstance('present')],
        ['events', () => bridge.manager.listEvents('present')],
        ['create', () => bridge.manager.createInstance({ name: 'later' })],
        ['update', () => bridge.manager.updateInstance('present', { cwd: '/srv' })],
        ['delete', () => bridge.manager.deleteInstance('present')],
        ['status', () => bridge.manager.getInstanceStatus('present')],
        ['refresh', () => bridge.manager.refreshStatuses()],
        ['cleanup', () => bridge.manager.cleanupStoppedInstances()],
        ['import', () => bridge.manager.importInstances([])],
      ];
      for (const [what, call] of calls) {
        const error = await caught(call());
        expect({ what, code: error.code }).toEqual({ what, code: 'DATABASE_ERROR' });
        expect(error.message).toMatch(/^The (embedded database in|database server at) .*: .*Instance/);
      }
    } finally {
      await admin.query('ALTER TABLE "InstanceAway" RENAME TO "Instance"');
    }
    expect(await bridge.manager.getInstance('present')).not.toBeNull();
  });
});
