import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig, openCcBridge, silentLogger } from '@cc-bridge/core';
import { createTestDatabase, freePort } from '@cc-bridge/core/testing';
import pg from 'pg';
import { runLabelledContainer } from './support/docker';
import { e2eUsers, runDir, runId, serverEnv, storageStates } from './support/env';
import { expect, instancesTable, open, rowOf, test } from './support/fixtures';
import { startServer, type RunningServer } from './support/server';
import { cookieHeader } from './support/sessions';
import { addUser, signIn } from './support/users';

// Two dashboard servers (server.ts, the built app) on one PostgreSQL database, each following the
// Engine's events for the pages open on it. The label is this spec's own: the main server's
// discovery must not take these containers, nor these servers the other specs'.
const label = 'cc-bridge-e2e-multi.instance';
const exact = true;

interface Servers {
  a: RunningServer;
  b: RunningServer;
  databaseUrl: string;
  /** Server A's environment: the CLI run with it reaches the shared database. */
  envA: Record<string, string>;
  sql: pg.Client;
  close(): Promise<void>;
}

/** Both servers started at once on a fresh database: they run the startup migrations and discovery together. */
async function startTwoServers(): Promise<Servers> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL must name a PostgreSQL server (scripts/start-postgres.sh prints one)');
  const database = await createTestDatabase(adminUrl);
  // Servers on one database sign session cookies with one configured secret (core's resolveAuthSecret).
  const authSecret = randomBytes(32).toString('base64url');
  const env = (side: string): Record<string, string> => ({
    ...serverEnv,
    DATABASE_URL: database.url,
    CC_BRIDGE_AUTH_SECRET: authSecret,
    CC_BRIDGE_CONTAINER_LABEL: label,
    // Each its own data folder (hook spool) and tmux server, as on two machines.
    CC_BRIDGE_DATA_DIR: join(runDir, `multi-${side}`),
    CC_BRIDGE_TMUX_SOCKET: join(runDir, `tmux-multi-${side}.sock`),
    HOME: join(runDir, `home-multi-${side}`),
  });
  const [portA, portB] = [await freePort(), await freePort()];
  const started = await Promise.allSettled([startServer(portA, env('a')), startServer(portB, env('b'))]);
  const [a, b] = started.map((result) => (result.status === 'fulfilled' ? result.value : null));
  if (!a || !b) {
    await Promise.all([a?.stop(), b?.stop()]);
    await database.drop();
    const failure = started.find((result) => result.status === 'rejected');
    throw failure?.reason instanceof Error ? failure.reason : new Error('a dashboard server did not start');
  }
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  return {
    a,
    b,
    databaseUrl: database.url,
    envA: env('a'),
    sql,
    async close() {
      await sql.end();
      await Promise.all([a.stop(), b.stop()]);
      await database.drop();
    },
  };
}

/** The records naming a container, and the kinds of their events, oldest first, as the database holds them. */
async function historyOfContainer(sql: pg.Client, containerId: string) {
  const records = await sql.query<{ id: string; name: string; status: string }>(`SELECT id::text, name, status::text FROM "Instance" WHERE "containerId" = $1`, [containerId]);
  const ids = records.rows.map((row) => row.id);
  const events = await sql.query<{ kind: string; to: unknown }>(`SELECT kind::text, "to" FROM "InstanceEvent" WHERE "instanceId" = ANY($1::uuid[]) ORDER BY id`, [ids]);
  return { records: records.rows, events: events.rows };
}

/** Status transitions written as events: each change is written once, whichever server saw it first. */
function statusTransitions(events: { kind: string; to: unknown }[]): string[] {
  return events.filter((event) => event.kind === 'status_changed').map((event) => String(event.to));
}

/**
 * A labelled container, once registered: discovered `running`, or discovered on its `create`
 * event (`created`) and moved to `running` once by its `start`. Two servers writing what both
 * saw would leave `running` twice.
 */
function expectRegisteredOnce(history: Awaited<ReturnType<typeof historyOfContainer>>, what: string): void {
  expect(history.records, what).toHaveLength(1);
  expect(history.events.filter((event) => event.kind === 'discovered'), what).toHaveLength(1);
  expect(['', 'running'], what).toContain(statusTransitions(history.events).join(','));
}

let servers: Servers;
/** The session made on A (beforeAll), for the pages of both servers. */
const signedIn = { storageState: storageStates.multi };

test.describe.configure({ mode: 'serial', timeout: 180_000 });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  servers = await startTwoServers();
  // One admin in the shared registry, signed in on A only: every page below, B's too, uses that session.
  await addUser(servers.envA, e2eUsers.admin, 'admin');
  await signIn(servers.a.url, e2eUsers.admin, storageStates.multi);
});

test.afterAll(async () => {
  await servers.close();
});

test('two servers started together on one new database migrate it once', async () => {
  const migrations = await servers.sql.query<{ migration_name: string; count: string }>(
    'SELECT migration_name, count(*)::text AS count FROM "_prisma_migrations" GROUP BY migration_name HAVING count(*) > 1',
  );
  expect(migrations.rows).toEqual([]);
  const applied = await servers.sql.query('SELECT 1 FROM "_prisma_migrations" WHERE finished_at IS NOT NULL');
  expect(applied.rowCount).toBeGreaterThan(0);
});

test('a session made by signing in on A is valid on B, and signing out on B ends it on A too', async ({ browser }) => {
  const { a, b } = servers;
  // The shared session, on B's pages and API.
  const pageB = await browser.newPage(signedIn);
  await open(pageB, `${b.url}/instances`);
  await expect(pageB).toHaveURL(`${b.url}/instances`);
  await expect(pageB.getByText(`${e2eUsers.admin.name} (admin)`)).toBeVisible();
  const cookie = cookieHeader(storageStates.multi);
  expect((await fetch(`${b.url}/api/instances`, { headers: { Cookie: cookie, 'Sec-Fetch-Site': 'same-origin' } })).status).toBe(200);
  await pageB.close();

  // A second session of A's, ended on B: the session store is the shared database, not a server's memory.
  const second = join(runDir, 'auth-multi-second.json');
  await signIn(a.url, e2eUsers.admin, second);
  const context = await browser.newContext({ storageState: second });
  const page = await context.newPage();
  await open(page, `${b.url}/instances`);
  await page.getByRole('button', { name: 'Sign out', exact }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  expect((await fetch(`${a.url}/api/instances`, { headers: { Cookie: cookieHeader(second), 'Sec-Fetch-Site': 'same-origin' } })).status).toBe(401);
  await context.close();
  // The first session is still valid on both.
  for (const server of [a, b]) expect((await fetch(`${server.url}/api/instances`, { headers: { Cookie: cookie, 'Sec-Fetch-Site': 'same-origin' } })).status).toBe(200);
});

test('a labelled container both servers hear of is registered once, and a stop through A shows on B', async ({ browser }) => {
  const { a, b, sql } = servers;
  const [pageA, pageB] = [await browser.newPage(signedIn), await browser.newPage(signedIn)];
  // An open list page subscribes its server to the Engine's events.
  await open(pageA, `${a.url}/instances`);
  await open(pageB, `${b.url}/instances`);

  const name = `multi-${runId.slice(-6)}`;
  const container = await runLabelledContainer(`cc-bridge-e2e-multi-${runId}`, name, label);
  await expect(rowOf(pageA, name)).toContainText('running');
  await expect(rowOf(pageB, name)).toContainText('running');
  // Both followers heard create and start; let the slower one finish what it does with them.
  await pageA.waitForTimeout(1_500);
  const registered = await historyOfContainer(sql, container.id);
  expectRegisteredOnce(registered, container.name);

  await open(pageA, `${a.url}/instances/${name}`);
  await open(pageB, `${b.url}/instances/${name}`);
  const liveB = pageB.getByRole('region', { name: 'Live status' });
  await expect(liveB).toContainText('running');
  await pageA.getByRole('button', { name: 'Stop', exact }).click();
  await expect(pageA.getByRole('region', { name: 'Live status' })).toContainText('stopped');
  await expect(liveB).toContainText('stopped');
  // A's action, A's follower and B's follower all observed the stop: one status change is written.
  await pageB.waitForTimeout(1_500);
  const stopped = await historyOfContainer(sql, container.id);
  expect(stopped.records).toHaveLength(1);
  expect(statusTransitions(stopped.events)).toEqual([...statusTransitions(registered.events), 'stopped']);
  expect(stopped.events.filter((event) => event.kind === 'action')).toHaveLength(1);
  await Promise.all([pageA.close(), pageB.close()]);
});

test('Discover now clicked on both servers at once registers each new container once', async ({ browser }) => {
  const { a, b, sql } = servers;
  const [pageA, pageB] = [await browser.newPage(signedIn), await browser.newPage(signedIn)];
  await open(pageA, `${a.url}/instances`);
  await open(pageB, `${b.url}/instances`);
  const names = [1, 2, 3].map((index) => `multi-d${String(index)}-${runId.slice(-6)}`);
  const containers = await Promise.all(names.map((name, index) => runLabelledContainer(`cc-bridge-e2e-multi-d${String(index)}-${runId}`, name, label)));
  await Promise.all([pageA, pageB].map((page) => page.getByRole('button', { name: 'Discover now', exact }).click()));
  for (const name of names) {
    await expect(rowOf(pageA, name)).toBeVisible();
    await expect(rowOf(pageB, name)).toBeVisible();
  }
  await pageA.waitForTimeout(1_500);
  for (const container of containers) {
    expectRegisteredOnce(await historyOfContainer(sql, container.id), container.name);
  }
  const all = await sql.query<{ count: string }>(`SELECT count(*)::text AS count FROM "Instance" WHERE type = 'docker'`);
  expect(all.rows[0]?.count).toBe('4');
  await Promise.all([pageA.close(), pageB.close()]);
});

test('a change written by a third process is pushed to the pages of both servers', async ({ browser }) => {
  const { a, b, databaseUrl } = servers;
  const [pageA, pageB] = [await browser.newPage(signedIn), await browser.newPage(signedIn)];
  await open(pageA, `${a.url}/instances`);
  await open(pageB, `${b.url}/instances`);
  await expect(instancesTable(pageB)).toBeVisible();
  // A tmux record no server's runtime can see: only the change feed (LISTEN/NOTIFY) tells the pages.
  const bridge = await openCcBridge({ config: loadConfig({}, { ...serverEnv, DATABASE_URL: databaseUrl, CC_BRIDGE_TMUX_SOCKET: join(runDir, 'tmux-multi-cli.sock') }), logger: silentLogger, actor: 'e2e', skipStartup: true });
  const name = `multi-pushed-${runId.slice(-6)}`;
  try {
    await bridge.manager.createInstance({ name, type: 'tmux', cwd: '/tmp' });
    await expect(rowOf(pageA, name)).toContainText('created');
    await expect(rowOf(pageB, name)).toContainText('created');
    await bridge.manager.deleteInstance(name);
    await expect(rowOf(pageA, name)).toHaveCount(0);
    await expect(rowOf(pageB, name)).toHaveCount(0);
  } finally {
    await bridge.close();
  }
  await Promise.all([pageA.close(), pageB.close()]);
});
