// Live status (issue 8) against the real Docker Engine and a real tmux server: a subscribed
// follower turns what happens outside cc-bridge (docker run, docker stop, docker rm, tmux
// kill-session, the Engine going away behind a relay socket) into registry changes within a
// second or two, with one event per outage; nobody subscribed, it asks nothing.
import { execFile as execFileCallback } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openCcBridge, type CcBridge } from '../../src/cc-bridge.ts';
import { loadConfig } from '../../src/config.ts';
import type { Instance } from '../../src/instance.ts';
import { silentLogger } from '../../src/logger.ts';
import {
  createTestTmux,
  ensureTestImage,
  freePort,
  openTestBridge,
  relayEngine,
  removeTestContainers,
  runTestContainer,
  TEST_IMAGE,
  TEST_RUN,
  testBackends,
  type TestBridge,
  type TestTmux,
} from '../../src/testing/index.ts';

const execFile = promisify(execFileCallback);
// A label of this run's own: containers other suites label at the same time are not discovered here.
const label = `cc-bridge.instance.live-${TEST_RUN}`;

/** Polls `check` every 25 ms until it holds; the time it took (ms). Fails with `what` after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(25);
  }
}

describe.each(testBackends())('live status from the Docker Engine (%s database)', (backend) => {
  let tmux: TestTmux;
  let bridge: TestBridge;
  let port: number;
  let relay: { close(): Promise<void> } | null;
  let unsubscribe: () => void;

  const record = (name: string) => bridge.manager.getInstance(name);
  const statusOf = async (name: string) => (await record(name))?.status ?? null;
  const containerName = (name: string) => `ccb-live-${TEST_RUN}-${name}`;
  const runLabelled = (name: string) => runTestContainer({ name: containerName(name), labels: { [label]: name }, command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'] });
  /**
   * The statuses a record's history announced: discovered, then each change. A container run
   * from outside is created, then started: discovery may see it between the two (`created`, then
   * `running`), which is its true history; that first step is left out here.
   */
  const history = async (name: string) => {
    const events = await bridge.manager.listEvents(name);
    expect(events[0]?.kind).toBe('discovered');
    const statuses = events.map((event) => (event.kind === 'discovered' ? (event.to as { status: string }).status : event.kind === 'status_changed' ? event.to : event.kind));
    return statuses[0] === 'created' && statuses[1] === 'running' ? statuses.slice(1) : statuses;
  };
  const following = () => until('the follower follows the Engine', () => Promise.resolve(bridge.live.state.docker === 'following'), 5_000);

  beforeAll(async () => {
    await removeTestContainers();
    await ensureTestImage();
  });

  beforeEach(async () => {
    tmux = await createTestTmux();
    port = await freePort();
    relay = await relayEngine(port);
    bridge = await openTestBridge({ backend, tmuxSocket: tmux.socket, docker: `tcp://127.0.0.1:${port}`, env: { CC_BRIDGE_CONTAINER_LABEL: label }, runtimeTimeoutMs: 2_000 });
    unsubscribe = bridge.live.subscribe();
    await following();
    await bridge.live.idle();
  });

  afterEach(async () => {
    unsubscribe();
    await bridge.dispose();
    await relay?.close();
    await tmux.dispose();
    await removeTestContainers();
  });

  it('registers a labelled container started from outside within a second, running', async () => {
    await runLabelled('outside');
    const ms = await until('the container is registered and running', async () => (await statusOf('outside')) === 'running', 3_000);
    expect(ms).toBeLessThan(1_000);
    expect(await record('outside')).toMatchObject({ origin: 'discovered', containerName: containerName('outside'), runtimeState: 'running' });
    expect(await history('outside')).toEqual(['running']);
  });

  it('reads stopped within a second of a docker stop from outside, and stays stopped, kept, after docker rm', async () => {
    await runLabelled('stopper');
    await until('registered', async () => (await statusOf('stopper')) === 'running', 3_000);

    await execFile('docker', ['stop', '--time', '5', containerName('stopper')]);
    const ms = await until('stopped', async () => (await statusOf('stopper')) === 'stopped', 3_000);
    expect(ms).toBeLessThan(1_000);
    expect(await record('stopper')).toMatchObject({ runtimeState: 'exited', exitCode: 0 });

    await execFile('docker', ['rm', containerName('stopper')]);
    await until('the container is known gone', async () => (await record('stopper'))?.runtimeState === null, 3_000);
    expect(await record('stopper')).toMatchObject({ status: 'stopped', runtimeState: null });
    expect(await history('stopper')).toEqual(['running', 'stopped']);
  });

  it('follows a container registered by hand under its short id, and leaves records alone for containers nobody names', async () => {
    // Not labelled: discovery would not match it; the record names it by the 12 characters `docker ps` shows.
    const container = await runTestContainer({ name: containerName('short'), command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'] });
    const shortId = (await container.inspect()).Id.slice(0, 12);
    await bridge.manager.createDockerInstance({ name: 'short', containerId: shortId, containerName: containerName('short') });
    // How fast is the other tests' (and bench:live's) to say; here only that it follows at all.
    await until('running', async () => (await statusOf('short')) === 'running', 10_000);
    const unrelated = await runTestContainer({ name: containerName('nobody'), command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'] });
    await execFile('docker', ['stop', '--time', '5', containerName('nobody')]);
    await execFile('docker', ['stop', '--time', '5', containerName('short')]);
    await until('stopped', async () => (await statusOf('short')) === 'stopped', 10_000);
    await bridge.live.idle();
    expect((await bridge.manager.listInstances()).items.map((instance) => instance.name)).toEqual(['short']);
    expect((await bridge.manager.listEvents('short')).filter((event) => event.kind === 'status_changed').at(-1)?.to).toBe('stopped');
    await unrelated.remove({ force: true });
  });

  it('keeps a Docker instance created and started here while followed: one record, the create\'s, and its container', async () => {
    // The follower hears the container's `create` and may register it before the create writes
    // its record (it usually does); whichever writes first, the create's record and container stay.
    const name = `made-${TEST_RUN}`;
    try {
      const made = await bridge.manager.createDockerInstance({ name, imageName: TEST_IMAGE, containerName: containerName('made') }, { start: true });
      expect(made).toMatchObject({ name, origin: 'manual', status: 'running' });
      await bridge.live.idle();
      expect(await record(name)).toMatchObject({ id: made.id, origin: 'manual', status: 'running', containerId: made.containerId });
      const { stdout } = await execFile('docker', ['inspect', '--format', '{{.State.Running}}', containerName('made')]);
      expect(stdout.trim()).toBe('true');
      expect((await bridge.manager.listInstances()).items.map((instance) => instance.name)).toEqual([name]);
      const events = (await bridge.manager.listEvents(name)).filter((event) => event.kind !== 'status_changed');
      const adopted = [
        ['discovered', null],
        ['updated', 'created and started here; discovery had registered its container a moment before'],
      ];
      expect([[['created', null]], adopted]).toContainEqual(events.map((event) => [event.kind, event.message]));
    } finally {
      await execFile('docker', ['rm', '--force', containerName('made')]).catch(() => undefined);
    }
  });

  it('re-creates a record whose container was removed while followed: the follower merging the new container is no conflict', async () => {
    const name = `again-${TEST_RUN}`;
    try {
      const made = await bridge.manager.createDockerInstance({ name, imageName: TEST_IMAGE, containerName: containerName('again') }, { start: true });
      await bridge.live.idle();
      await execFile('docker', ['rm', '--force', containerName('again')]);
      await until('the removed container reads stopped', async () => (await statusOf(name)) === 'stopped', 3_000);
      await bridge.live.idle();

      const recreated = await bridge.manager.recreateInstance(name);
      expect(recreated).toMatchObject({ id: made.id, name, status: 'running' });
      expect(recreated.containerId).not.toBe(made.containerId);
      await bridge.live.idle();
      expect(await record(name)).toMatchObject({ id: made.id, origin: 'manual', status: 'running', containerId: recreated.containerId });
      const { stdout } = await execFile('docker', ['inspect', '--format', '{{.State.Running}}', containerName('again')]);
      expect(stdout.trim()).toBe('true');
      expect((await bridge.manager.listInstances()).items.map((instance) => instance.name)).toEqual([name]);
    } finally {
      await execFile('docker', ['rm', '--force', containerName('again')]).catch(() => undefined);
    }
  });

  it('writes one event for an Engine outage, reads its records unknown (a removed one stays stopped), and is right again within 5 s after it comes back', async () => {
    const lost: Instance[] = [];
    await runLabelled('keeps');
    await runLabelled('changes');
    const removed = await runLabelled('removed');
    await until('registered', async () => (await statusOf('keeps')) === 'running' && (await statusOf('changes')) === 'running' && (await statusOf('removed')) === 'running', 3_000);
    await removed.remove({ force: true });
    await until('removed reads stopped', async () => (await record('removed'))?.runtimeState === null, 3_000);
    await bridge.live.idle();

    await relay?.close();
    relay = null;
    await until('the outage is written', async () => (await bridge.manager.listRuntimeEvents('docker')).length === 1, 5_000);
    await until('records read unknown', async () => (await statusOf('keeps')) === 'unknown' && (await statusOf('changes')) === 'unknown', 5_000);
    expect(bridge.live.state.docker).toBe('unreachable');
    expect(await statusOf('removed')).toBe('stopped');
    // Something happens while nobody can see it.
    await execFile('docker', ['stop', '--time', '5', containerName('changes')]);
    // However long it lasts, the outage stays one event.
    await sleep(3_000);
    const outage = await bridge.manager.listRuntimeEvents('docker');
    expect(outage.map((event) => [event.kind, event.instanceId, event.instanceName])).toEqual([['runtime_unreachable', null, 'runtime:docker']]);
    expect(outage[0]?.message).toMatch(/^the Docker Engine cannot be reached: /);
    for (const name of ['keeps', 'changes']) lost.push(await bridge.manager.getInstanceOrThrow(name));

    relay = await relayEngine(port);
    const ms = await until('records right again', async () => (await statusOf('keeps')) === 'running' && (await statusOf('changes')) === 'stopped', 5_000);
    expect(ms).toBeLessThan(5_000);
    await until('the end of the outage is written', async () => (await bridge.manager.listRuntimeEvents('docker')).length === 2, 2_000);
    expect((await bridge.manager.listRuntimeEvents('docker')).map((event) => event.kind)).toEqual(['runtime_unreachable', 'runtime_reachable']);
    expect(await statusOf('removed')).toBe('stopped');
    // The outage wrote nothing per record; what really happened meanwhile is one change.
    expect(await history('keeps')).toEqual(['running']);
    expect(await history('changes')).toEqual(['running', 'stopped']);
    expect(lost.map((instance) => instance.version)).toEqual([1, 1]);
  });

  it('keeps a record whose container was removed stopped when a refresh cannot reach the Engine', async () => {
    const removed = await runLabelled('gone');
    await until('registered', async () => (await statusOf('gone')) === 'running', 3_000);
    unsubscribe();
    await removed.remove({ force: true });
    await bridge.manager.refreshStatuses();
    expect(await record('gone')).toMatchObject({ status: 'stopped', runtimeState: null });

    await relay?.close();
    relay = null;
    expect((await bridge.manager.refreshStatuses()).errors.map((error) => error.code)).toEqual(['DOCKER_UNAVAILABLE']);
    expect(await statusOf('gone')).toBe('stopped');
  });
});

describe('live status from tmux', () => {
  let tmux: TestTmux;
  let bridge: TestBridge;
  let shimDir: string;
  let callLog: string;
  const savedPath = process.env.PATH;
  const tmuxCalls = async (command = '') =>
    (await readFile(callLog, 'utf8').catch(() => '')).split('\n').filter((line) => line.includes(tmux.socket) && line.includes(command)).length;

  beforeAll(async () => {
    // tmux is counted where it is run: a `tmux` earlier on PATH that notes each call, then runs the real one.
    const real = (await execFile('sh', ['-c', 'command -v tmux'])).stdout.trim();
    shimDir = await mkdtemp(join(tmpdir(), 'ccb-tmux-shim-'));
    callLog = join(shimDir, 'calls.log');
    const shim = join(shimDir, 'tmux');
    await writeFile(shim, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${callLog}'\nexec '${real}' "$@"\n`);
    await chmod(shim, 0o755);
    process.env.PATH = `${shimDir}:${savedPath ?? ''}`;
  });

  afterAll(async () => {
    process.env.PATH = savedPath;
    await rm(shimDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    tmux = await createTestTmux();
    bridge = await openTestBridge({ tmuxSocket: tmux.socket, docker: false });
    await bridge.manager.createInstance({ name: 'shell' }, { start: true });
    await bridge.manager.createInstance({ name: 'idle' }, { start: true });
  });

  afterEach(async () => {
    await bridge.dispose();
    await tmux.dispose();
  });

  it('reads stopped within about 2 s of a session killed from outside while subscribed', async () => {
    const unsubscribe = bridge.live.subscribe();
    try {
      await bridge.live.idle();
      await execFile('tmux', ['-S', tmux.socket, 'kill-session', '-t', '=shell']);
      const ms = await until('the killed session reads stopped', async () => (await bridge.manager.getInstanceOrThrow('shell')).status === 'stopped', 4_000);
      expect(ms).toBeLessThan(2_500);
      expect((await bridge.manager.getInstanceOrThrow('idle')).status).toBe('running');
      expect((await bridge.manager.listEvents('shell')).map((event) => [event.kind, event.from, event.to])).toEqual([
        ['created', null, expect.objectContaining({ status: 'running' })],
        ['status_changed', 'running', 'stopped'],
      ]);
    } finally {
      unsubscribe();
    }
  });

  it('asks tmux nothing while nobody subscribes, once per probe while someone does', async () => {
    const before = await tmuxCalls();
    await sleep(3_000);
    expect(await tmuxCalls()).toBe(before);

    const probesBefore = await tmuxCalls('list-panes');
    const unsubscribe = bridge.live.subscribe();
    await sleep(4_500);
    unsubscribe();
    await bridge.live.idle();
    // Probes at 0, 2 and 4 s (a loaded machine fits two in 4.5 s): one batched list-panes each,
    // whatever the number of records, and one batched read of the two running sessions' screens
    // (their agents' activity), but for a last probe the unsubscribe ended between the two.
    const probes = (await tmuxCalls('list-panes')) - probesBefore;
    const screens = await tmuxCalls('cc-bridge-screen-');
    expect(probes).toBeGreaterThanOrEqual(2);
    expect(probes).toBeLessThanOrEqual(3);
    expect(screens).toBeGreaterThanOrEqual(probes - 1);
    expect(screens).toBeLessThanOrEqual(probes);
    expect((await tmuxCalls()) - before).toBe(probes + screens);

    const after = await tmuxCalls();
    await sleep(3_000);
    expect(await tmuxCalls()).toBe(after);
  });
});

describe.each(testBackends())('one outage seen by two processes on one registry (%s database)', (backend) => {
  let tmux: TestTmux;
  let first: TestBridge;
  let second: CcBridge;

  beforeEach(async () => {
    tmux = await createTestTmux();
    first = await openTestBridge({ backend, tmuxSocket: tmux.socket, docker: false });
    // A second cc-bridge on the same database: a client of the embedded folder's owner, or the same PostgreSQL.
    const env: Record<string, string> = { HOME: tmpdir(), CC_BRIDGE_TMUX_SOCKET: tmux.socket, CC_BRIDGE_DOCKER_ENABLED: '0' };
    if (first.databaseUrl) env.DATABASE_URL = first.databaseUrl;
    if (first.dataDir) env.CC_BRIDGE_DATA_DIR = first.dataDir;
    second = await openCcBridge({ config: loadConfig({}, env), logger: silentLogger, actor: 'second', skipStartup: true });
  });

  afterEach(async () => {
    await second.close();
    await first.dispose();
    await tmux.dispose();
  });

  it('writes one event when both find the Engine unreachable at once, and one when both find it back', async () => {
    const down = { reachable: false, error: { code: 'DOCKER_UNAVAILABLE' as const, message: 'connect ECONNREFUSED' } };
    const written = await Promise.all([first, second, first, second].map((bridge) => bridge.manager.recordRuntimeReachability('docker', down)));
    expect(written.filter(Boolean)).toHaveLength(1);
    const back = await Promise.all([second, first].map((bridge) => bridge.manager.recordRuntimeReachability('docker', { reachable: true })));
    expect(back.filter(Boolean)).toHaveLength(1);
    // Reachable with no outage before is no news either.
    expect(await second.manager.recordRuntimeReachability('tmux', { reachable: true })).toBe(false);

    const events = await second.manager.listRuntimeEvents();
    expect(events.map((event) => [event.kind, event.instanceName, event.message])).toEqual([
      ['runtime_unreachable', 'runtime:docker', 'the Docker Engine cannot be reached: connect ECONNREFUSED'],
      ['runtime_reachable', 'runtime:docker', 'the Docker Engine answers again'],
    ]);
    // No instance's history shows them.
    expect(await first.manager.listEvents('docker')).toEqual([]);
  });
});
