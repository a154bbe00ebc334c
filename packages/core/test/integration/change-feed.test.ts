// The change feed across processes, on the embedded database (through its owner's socket server)
// and on a PostgreSQL server: the same LISTEN code path on both.
import { execFile as execFileCallback, spawn, type ChildProcess } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openEmbeddedDatabase } from '../../src/db/embedded.ts';
import { tryLock } from '../../src/db/embedded-folder.ts';
import { findDetachedOwner } from '../../src/db/embedded-owner.ts';
import { loadConfig, openCcBridge, silentLogger, type CcBridge, type Change } from '../../src/index.ts';
import { openTestBridge, testBackends, type TestBridge } from '../../src/testing/index.ts';

const execFile = promisify(execFileCallback);
const cli = join(import.meta.dirname, '..', '..', '..', '..', 'apps', 'cli', 'bin', 'cc-bridge.js');
const watcherScript = join(import.meta.dirname, 'processes', 'watcher.ts');

interface Seen {
  change: Change;
  at: number;
}

/** Watches `bridge` until the test ends, keeping what came with the time it came. */
function watch(bridge: Pick<CcBridge, 'watchChanges'>, stops: AbortController[]) {
  const stop = new AbortController();
  stops.push(stop);
  const seen: Seen[] = [];
  const done = (async () => {
    for await (const change of bridge.watchChanges({ signal: stop.signal })) seen.push({ change, at: Date.now() });
  })();
  return { seen, done, stop: () => stop.abort() };
}

/** Waits until `seen` holds an item from index `from` on that `matches`, and returns it. */
async function waitFor(seen: Seen[], matches: (change: Change) => boolean, { from = 0, timeoutMs = 10_000 } = {}): Promise<Seen> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = seen.slice(from).find((item) => matches(item.change));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no matching change came in ${timeoutMs} ms; seen: ${JSON.stringify(seen.map((item) => item.change))}`);
}

const names = (id: string) => (change: Change) => !change.all && change.ids.includes(id);
const deletes = (id: string) => (change: Change) => !change.all && change.deleted.includes(id);
const isAll = (reason: string) => (change: Change) => change.all && change.reason === reason;

/** A `watcher.ts` process, its lines read as they come. */
function startWatcherProcess(env: NodeJS.ProcessEnv): { child: ChildProcess; seen: Seen[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', watcherScript], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const seen: Seen[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => seen.push(JSON.parse(line) as Seen));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, seen, exited };
}

describe.each(testBackends())('the change feed on the %s database', (backend) => {
  const bridges: TestBridge[] = [];
  const stops: AbortController[] = [];
  const children: ChildProcess[] = [];
  let home: string | null = null;

  afterEach(async () => {
    for (const stop of stops.splice(0)) stop.abort();
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await Promise.all(bridges.splice(0).map((bridge) => bridge.dispose()));
    if (home) await rm(home, { recursive: true, force: true });
    home = null;
  });

  async function open(): Promise<{ bridge: TestBridge; env: NodeJS.ProcessEnv }> {
    home = await mkdtemp(join(tmpdir(), 'cc-bridge-feed-'));
    const bridge = await openTestBridge({ backend, tmuxSocket: join(home, 'tmux.sock'), docker: false });
    bridges.push(bridge);
    // What another process needs to reach the same registry (and nothing of this process's own).
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, CC_BRIDGE_DOCKER_ENABLED: '0', CC_BRIDGE_OWNER_LINGER: '0', CC_BRIDGE_TMUX_SOCKET: join(home, 'tmux.sock') };
    delete env.DATABASE_URL;
    if (bridge.databaseUrl) env.DATABASE_URL = bridge.databaseUrl;
    if (bridge.dataDir) env.CC_BRIDGE_DATA_DIR = bridge.dataDir;
    return { bridge, env };
  }

  it('brings a record created and deleted by the real CLI in another process to this watcher within 1 s', async () => {
    const { bridge, env } = await open();
    const watcher = watch(bridge, stops);
    await waitFor(watcher.seen, isAll('connected'));

    const created = await execFile(process.execPath, [cli, 'instances', 'create', 'from-cli', '--cwd', '/srv/from-cli', '--json'], { env });
    const createdAt = Date.now();
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect((await waitFor(watcher.seen, names(id))).at - createdAt).toBeLessThan(1_000);

    await execFile(process.execPath, [cli, 'instances', 'delete', 'from-cli', '--yes', '--json'], { env });
    const deletedAt = Date.now();
    expect((await waitFor(watcher.seen, deletes(id))).at - deletedAt).toBeLessThan(1_000);
  });

  it('brings a change made here to a watcher in another process within 1 s', async () => {
    const { bridge, env } = await open();
    const other = startWatcherProcess(env);
    children.push(other.child);
    await waitFor(other.seen, isAll('connected'), { timeoutMs: 30_000 });

    const instance = await bridge.manager.createInstance({ name: 'from-here', cwd: '/srv/from-here' });
    const createdAt = Date.now();
    expect((await waitFor(other.seen, names(instance.id))).at - createdAt).toBeLessThan(1_000);
    const before = other.seen.length;
    await bridge.manager.updateInstance('from-here', { cwd: '/srv/elsewhere' });
    const updatedAt = Date.now();
    expect((await waitFor(other.seen, names(instance.id), { from: before })).at - updatedAt).toBeLessThan(1_000);

    other.child.kill('SIGTERM');
    expect(await other.exited).toBe(0);
  });

  it('serves many watchers from one LISTEN connection, and closes it when the last one stops', async () => {
    const { bridge } = await open();
    const watchers = Array.from({ length: 20 }, () => watch(bridge, stops));
    for (const watcher of watchers) await waitFor(watcher.seen, isAll('connected'));
    expect(bridge.changes.watchers).toBe(20);
    if (bridge.databaseUrl) expect(await listeningSessions(bridge.databaseUrl)).toBe(1);

    const instance = await bridge.manager.createInstance({ name: 'seen-by-all', cwd: '/srv/seen-by-all' });
    for (const watcher of watchers) await waitFor(watcher.seen, names(instance.id));

    for (const watcher of watchers) watcher.stop();
    await Promise.all(watchers.map((watcher) => watcher.done));
    expect(bridge.changes.watchers).toBe(0);
    if (bridge.databaseUrl) {
      const url = bridge.databaseUrl;
      await expect.poll(() => listeningSessions(url), { timeout: 5_000 }).toBe(0);
    }
  });
});

/** How many sessions of the server hold the feed's LISTEN (their last statement). */
async function listeningSessions(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN cc_bridge_changes' AND pid <> pg_backend_pid()",
    );
    return Number(rows[0]?.count ?? 0);
  } finally {
    await client.end();
  }
}

describe('the change feed when the embedded database changes hands', () => {
  const stops: AbortController[] = [];
  const children: ChildProcess[] = [];
  const bridges: CcBridge[] = [];
  let home = '';

  afterEach(async () => {
    for (const stop of stops.splice(0)) stop.abort();
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await Promise.all(bridges.splice(0).map((bridge) => bridge.close()));
    await rm(home, { recursive: true, force: true });
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)('listens again through the next owner after the owner ends (%s), and says to reload', async (signal) => {
    home = await mkdtemp(join(tmpdir(), 'cc-bridge-feed-handover-'));
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, CC_BRIDGE_DATA_DIR: join(home, 'db'), CC_BRIDGE_DOCKER_ENABLED: '0', CC_BRIDGE_OWNER_LINGER: '0' };
    delete env.DATABASE_URL;
    // The owner: the first process to open the folder.
    const owner = startWatcherProcess(env);
    children.push(owner.child);
    await waitFor(owner.seen, isAll('connected'), { timeoutMs: 60_000 });

    const bridge = await openCcBridge({ config: loadConfig({}, env), logger: silentLogger, skipStartup: true });
    bridges.push(bridge);
    const watcher = watch(bridge, stops);
    await waitFor(watcher.seen, isAll('connected'));
    const before = await bridge.manager.createInstance({ name: 'before', cwd: '/srv/before' });
    await waitFor(watcher.seen, names(before.id));

    const killedAt = Date.now();
    owner.child.kill(signal);
    await owner.exited;
    // A listening connection never leaves by itself: the owner cuts it instead of draining it for 10 s.
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    // This process takes the folder over (nobody else is left) and its feed listens there.
    await waitFor(watcher.seen, isAll('reconnected'), { timeoutMs: 30_000 });
    // Its pool trusted the old owner; a query now finds the folder served by this process.
    expect((await bridge.manager.getInstance('before'))?.id).toBe(before.id);

    const created = await execFile(process.execPath, [cli, 'instances', 'create', 'after', '--cwd', '/srv/after', '--json'], { env });
    const createdAt = Date.now();
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect((await waitFor(watcher.seen, names(id))).at - createdAt).toBeLessThan(1_000);
  });

  it('holds one connection to a detached owner while watched, so it stays, and lets it idle out once nobody watches', async () => {
    home = await mkdtemp(join(tmpdir(), 'cc-bridge-feed-linger-'));
    const dataDir = join(home, 'db');
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, CC_BRIDGE_DATA_DIR: dataDir, CC_BRIDGE_DOCKER_ENABLED: '0', CC_BRIDGE_OWNER_LINGER: '2' };
    delete env.DATABASE_URL;
    // The real CLI starts a detached owner that serves until no client has been connected for 2 s.
    await execFile(process.execPath, [cli, 'instances', 'list', '--json'], { env });
    const ownerPid = findDetachedOwner(realpathSync(dataDir));
    expect(ownerPid).not.toBeNull();

    const bridge = await openCcBridge({ config: loadConfig({}, env), logger: silentLogger, skipStartup: true });
    bridges.push(bridge);
    const watchers = Array.from({ length: 10 }, () => watch(bridge, stops));
    for (const watcher of watchers) await waitFor(watcher.seen, isAll('connected'));
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(findDetachedOwner(realpathSync(dataDir))).toBe(ownerPid);

    for (const watcher of watchers) watcher.stop();
    await Promise.all(watchers.map((watcher) => watcher.done));
    await expect.poll(() => findDetachedOwner(realpathSync(dataDir)), { timeout: 10_000, interval: 200 }).toBeNull();
  });

  it('never connects a client that was ended while it waited for the folder to be served', async () => {
    home = await mkdtemp(join(tmpdir(), 'cc-bridge-feed-ended-'));
    const dataDir = join(home, 'db');
    const first = await openEmbeddedDatabase(dataDir, silentLogger);
    const second = await openEmbeddedDatabase(dataDir, silentLogger, { ownerWaitMs: 30_000 });
    await first.close();
    // Someone holds the folder without serving it yet (an owner starting): connecting waits.
    const lock = await tryLock(realpathSync(dataDir));
    if (!lock) throw new Error('the folder is still locked');
    const client = second.newClient();
    client.on('error', () => undefined);
    const connecting = client.connect();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.end();
    await new Promise<void>((resolve) => lock.close(() => resolve()));
    // The wait ends with `second` serving the folder itself; the ended client stays unconnected.
    await expect(connecting).rejects.toThrow(/ended before it connected/);
    await second.close();
  });
});
