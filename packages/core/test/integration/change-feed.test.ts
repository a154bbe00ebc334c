// The change feed across processes, on the embedded database (through its owner's socket server)
// and on a PostgreSQL server: the same LISTEN code path on both.
import { execFile as execFileCallback, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
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

    const created = await execFile(process.execPath, [cli, 'instances', 'create', 'after', '--cwd', '/srv/after', '--json'], { env });
    const createdAt = Date.now();
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect((await waitFor(watcher.seen, names(id))).at - createdAt).toBeLessThan(1_000);
  });
});
