import { execFile as execFileCallback } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isCcBridgeError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import {
  createTestTmux,
  ensureTestImage,
  freePort,
  getTestDockerClient,
  openTestBridge,
  relayEngine,
  removeTestContainers,
  runTestContainer,
  TEST_DISCOVERY_IMAGE,
  type TestBridge,
  type TestTmux,
} from '../../src/testing/index.ts';

const execFile = promisify(execFileCallback);
const label = 'cc-bridge.instance';

describe('discovery and status against a real Docker Engine and tmux server', () => {
  let tmux: TestTmux;
  let bridge: TestBridge;

  beforeAll(async () => {
    await removeTestContainers();
    await ensureTestImage();
  });
  beforeEach(async () => {
    tmux = await createTestTmux();
    bridge = await openTestBridge({ tmuxSocket: tmux.socket });
  });
  afterEach(async () => {
    await bridge.dispose();
    await tmux.dispose();
    await removeTestContainers();
  });
  afterAll(() => removeTestContainers());

  it('adds labelled containers (label value, else container name) and image matches, as discovered', async () => {
    const labelled = await runTestContainer({ name: 'ccb-t-labelled', labels: { [label]: 'reviewer' } });
    await runTestContainer({ name: 'ccb-t-emptylabel', labels: { [label]: '' }, start: false });
    await runTestContainer({ name: 'ccb-t-byimage', image: TEST_DISCOVERY_IMAGE });
    await runTestContainer({ name: 'ccb-t-unrelated' });

    const report = await bridge.manager.refreshDiscovery();
    expect(report.errors).toEqual([]);
    expect(report.added.sort()).toEqual(['ccb-t-byimage', 'ccb-t-emptylabel', 'reviewer']);
    const reviewer = await bridge.manager.getInstanceOrThrow('reviewer');
    expect(reviewer).toMatchObject({ type: 'docker', origin: 'discovered', status: 'running', containerId: labelled.id, containerName: 'ccb-t-labelled' });
    expect(reviewer.lastSeenAt).not.toBeNull();
    expect(await bridge.manager.getInstanceOrThrow('ccb-t-emptylabel')).toMatchObject({ status: 'created' });
    expect(await bridge.manager.getInstance('ccb-t-unrelated')).toBeNull();

    const again = await bridge.manager.refreshDiscovery();
    expect(again.added).toEqual([]);
    expect((await bridge.manager.listDockerInstances()).total).toBe(3);
    expect((await bridge.manager.listEvents('reviewer')).map((event) => event.kind)).toEqual(['discovered']);
  });

  it('renames on a clash with a tmux name: NAME-docker, then the short container id', async () => {
    await bridge.manager.createInstance({ name: 'worker' });
    await bridge.manager.createInstance({ name: 'worker-docker' });
    const first = await runTestContainer({ name: 'ccb-t-worker-a', labels: { [label]: 'worker' } });
    const report = await bridge.manager.refreshDiscovery();
    const expected = /^[a-f]/.test(first.id) ? first.id.slice(0, 12) : `c${first.id.slice(0, 12)}`;
    expect(report.added).toEqual([expected]);
    expect(report.conflicts).toEqual([
      { containerId: first.id, containerName: 'ccb-t-worker-a', wanted: 'worker', assigned: expected, heldBy: 'tmux' },
    ]);
    const events = await bridge.manager.listEvents(expected);
    expect(events.map((event) => event.kind)).toEqual(['discovered', 'renamed_on_conflict']);
    expect((await bridge.manager.getInstanceOrThrow('worker')).type).toBe('tmux');
  });

  it('gives a second container wanting a taken name NAME-docker', async () => {
    await bridge.manager.createInstance({ name: 'shared' });
    await runTestContainer({ name: 'ccb-t-shared', labels: { [label]: 'shared' } });
    const report = await bridge.manager.refreshDiscovery();
    expect(report.added).toEqual(['shared-docker']);
    expect(report.conflicts[0]).toMatchObject({ wanted: 'shared', assigned: 'shared-docker', heldBy: 'tmux' });
  });

  it('treats a name held in another case as taken: a container labelled Alpha beside alpha is Alpha-docker', async () => {
    await bridge.manager.createInstance({ name: 'alpha' });
    await runTestContainer({ name: 'ccb-t-alpha', labels: { [label]: 'Alpha' } });
    const report = await bridge.manager.refreshDiscovery();
    expect(report.errors).toEqual([]);
    expect(report.added).toEqual(['Alpha-docker']);
    expect(report.conflicts[0]).toMatchObject({ wanted: 'Alpha', assigned: 'Alpha-docker', heldBy: 'tmux' });
    expect((await bridge.manager.getInstanceOrThrow('alpha')).type).toBe('tmux');
  });

  it('marks the record of a vanished container stopped and keeps it; prune then removes it', async () => {
    const container = await runTestContainer({ name: 'ccb-t-vanish', labels: { [label]: 'vanish' } });
    await bridge.manager.refreshDiscovery();
    await container.remove({ force: true });

    const report = await bridge.manager.refreshDiscovery();
    expect(report.markedStopped).toEqual(['vanish']);
    expect(await bridge.manager.getInstanceOrThrow('vanish')).toMatchObject({ status: 'stopped', origin: 'discovered' });

    const dryRun = await bridge.manager.pruneDiscoveredInstances({ dryRun: true });
    expect(dryRun.removed.map((instance) => instance.name)).toEqual(['vanish']);
    expect(await bridge.manager.getInstance('vanish')).not.toBeNull();
    const pruned = await bridge.manager.pruneDiscoveredInstances();
    expect(pruned.removed.map((instance) => instance.name)).toEqual(['vanish']);
    expect(await bridge.manager.getInstance('vanish')).toBeNull();
  });

  it('sees a container stopped outside cc-bridge on refresh', async () => {
    const container = await runTestContainer({ name: 'ccb-t-stopme', labels: { [label]: 'stopme' } });
    await bridge.manager.refreshDiscovery();
    await container.stop({ t: 0 });
    const status = await bridge.manager.getInstanceStatus('stopme', { refresh: true });
    expect(status).toMatchObject({ status: 'stopped', isFresh: true, error: null });
    const events = await bridge.manager.listEvents('stopme');
    expect(events.at(-1)).toMatchObject({ kind: 'status_changed', from: 'running', to: 'stopped' });
  });

  it('refreshes every status with one tmux call and one container list', async () => {
    await bridge.manager.createInstance({ name: 'alive' }, { start: true });
    await bridge.manager.createInstance({ name: 'gone' }, { start: true });
    await execFile('tmux', ['-S', tmux.socket, 'kill-session', '-t', '=gone']);
    const container = await runTestContainer({ name: 'ccb-t-refresh', labels: { [label]: 'boxed' } });
    await bridge.manager.refreshDiscovery();
    await container.stop({ t: 0 });

    const report = await bridge.manager.refreshStatuses();
    expect(report.errors).toEqual([]);
    expect(report.changed.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'boxed', from: 'running', to: 'stopped' },
      { name: 'gone', from: 'running', to: 'stopped' },
    ]);
    expect((await bridge.manager.getInstanceOrThrow('alive')).status).toBe('running');
  });

  it('matches tmux sessions exactly: a session "billing" does not answer for "bill"', async () => {
    await bridge.manager.createInstance({ name: 'billing' }, { start: true });
    await bridge.manager.createInstance({ name: 'bill', tmuxSession: 'bill' });
    await bridge.manager.updateInstance('bill', { cwd: '/tmp' });
    const bill = await bridge.manager.getInstanceStatus('bill', { refresh: true });
    expect(bill.status).toBe('created');
    const billing = await bridge.manager.getInstanceStatus('billing', { refresh: true });
    expect(billing.status).toBe('running');
    expect(billing.instance.pid).toBeGreaterThan(0);
  });

  it('creates and starts a container from an image, labelled with the instance name, without network', async () => {
    const image = await ensureTestImage();
    const instance = await bridge.manager.createDockerInstance({ name: 'fresh', imageName: image }, { start: true });
    expect(instance).toMatchObject({ status: 'running', containerName: 'fresh' });
    const inspected = await getTestDockerClient().getContainer(instance.containerId).inspect();
    expect(inspected.Config.Labels[label]).toBe('fresh');
    expect(inspected.HostConfig.NetworkMode).toBe('none');
    // The test label lets clean-up find it; cc-bridge itself does not add one.
    await getTestDockerClient().getContainer(instance.containerId).remove({ force: true });
  });

  it('deletes with removeRuntime: kills the session, stops and removes the container, and says so', async () => {
    await bridge.manager.createInstance({ name: 'doomed' }, { start: true });
    const container = await runTestContainer({ name: 'ccb-t-doomed', labels: { [label]: 'doomed-box' }, command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'] });
    await bridge.manager.refreshDiscovery();

    expect((await bridge.manager.deleteInstance('doomed', { removeRuntime: true })).runtime).toBe('removed');
    await expect(execFile('tmux', ['-S', tmux.socket, 'has-session', '-t', '=doomed'])).rejects.toThrow();
    expect((await bridge.manager.deleteInstance('doomed-box', { removeRuntime: true })).runtime).toBe('removed');
    await expect(container.inspect()).rejects.toMatchObject({ statusCode: 404 });

    const kept = await bridge.manager.createInstance({ name: 'kept' }, { start: true });
    expect((await bridge.manager.deleteInstance(kept.name)).runtime).toBe('kept');
    await execFile('tmux', ['-S', tmux.socket, 'has-session', '-t', '=kept']);
  });

  it('deletes with removeRuntime when the session or container is already gone, and says that', async () => {
    await bridge.manager.createInstance({ name: 'ended' }, { start: true });
    await execFile('tmux', ['-S', tmux.socket, 'kill-session', '-t', '=ended']);
    await bridge.manager.createDockerInstance({ name: 'vanished', containerId: 'c'.repeat(64), containerName: 'vanished' });

    expect((await bridge.manager.deleteInstance('ended', { removeRuntime: true })).runtime).toBe('gone');
    expect((await bridge.manager.deleteInstance('vanished', { removeRuntime: true })).runtime).toBe('gone');
    expect(await bridge.manager.getInstance('ended')).toBeNull();
    const events = await bridge.manager.listEvents('vanished');
    expect(events.at(-1)).toMatchObject({ kind: 'deleted', message: 'record removed; the runtime was already gone' });
  });

  it('cleans up stopped records by type and age, with a dry run first', async () => {
    await bridge.manager.createInstance({ name: 'old-one' }, { start: true });
    await execFile('tmux', ['-S', tmux.socket, 'kill-session', '-t', '=old-one']);
    await bridge.manager.refreshStatuses();
    expect((await bridge.manager.cleanupStoppedInstances({ olderThanMs: 60_000 })).removed).toEqual([]);
    const dry = await bridge.manager.cleanupStoppedInstances({ type: 'tmux', dryRun: true });
    expect(dry.removed.map((instance) => instance.name)).toEqual(['old-one']);
    expect(await bridge.manager.getInstance('old-one')).not.toBeNull();
    expect((await bridge.manager.cleanupStoppedInstances({ type: 'docker' })).removed).toEqual([]);
    expect((await bridge.manager.cleanupStoppedInstances({ type: 'tmux' })).removed.map((i) => i.name)).toEqual(['old-one']);
    expect(await bridge.manager.getInstance('old-one')).toBeNull();
  });
});

describe('the process scan', () => {
  let tmux: TestTmux;
  let bridge: TestBridge;
  beforeAll(async () => {
    await removeTestContainers();
    tmux = await createTestTmux();
    bridge = await openTestBridge({ tmuxSocket: tmux.socket, env: { CC_BRIDGE_PROCESS_SCAN: '1' } });
  });
  afterAll(async () => {
    await bridge.dispose();
    await tmux.dispose();
    await removeTestContainers();
  });

  it('finds an unlabelled container running a claude process, and only that one', async () => {
    // `; true` keeps the shell alive (no exec), so its argv with "claude" stays in the process list.
    await runTestContainer({ name: 'ccb-t-scan-hit', command: ['sh', '-c', 'sleep 3600; true', 'claude'] });
    await runTestContainer({ name: 'ccb-t-scan-miss' });
    await runTestContainer({ name: 'ccb-t-scan-stopped', command: ['sh', '-c', 'sleep 3600; true', 'claude'], start: false });
    const report = await bridge.manager.refreshDiscovery();
    expect(report.errors).toEqual([]);
    expect(report.added).toEqual(['ccb-t-scan-hit']);
  });
});

describe.each([
  ['unreachable (no socket)', 'unix:///nonexistent/docker.sock', 'DOCKER_UNAVAILABLE'],
  ['unreachable (closed port)', 'tcp://127.0.0.1:1', 'DOCKER_UNAVAILABLE'],
  ['disabled', false, 'DOCKER_UNAVAILABLE'],
  ['misconfigured (not a URL)', 'garbage', 'CONFIG_INVALID'],
  ['misconfigured (invalid URL)', 'tcp://bad host:2375', 'CONFIG_INVALID'],
  ['misconfigured (ssh with a path)', 'ssh://me@docker-box/var/run/docker.sock', 'CONFIG_INVALID'],
  ['misconfigured (named pipe)', 'npipe:////./pipe/docker_engine', 'CONFIG_INVALID'],
] as const)('with the Docker Engine %s', (_, docker, code) => {
  let tmux: TestTmux;
  let bridge: TestBridge;
  beforeAll(async () => {
    tmux = await createTestTmux();
    bridge = await openTestBridge({ tmuxSocket: tmux.socket, docker });
  });
  afterAll(async () => {
    await bridge.dispose();
    await tmux.dispose();
  });

  it('keeps every tmux operation working and leaves Docker records untouched by discovery', async () => {
    const box = await bridge.manager.createDockerInstance({ name: 'box', containerId: 'd'.repeat(64), containerName: 'box', imageName: 'cc-bridge:1' });
    const report = await bridge.manager.refreshDiscovery();
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]?.code).toBe(code);
    expect(await bridge.manager.getInstanceOrThrow('box')).toEqual(box);

    const created = await bridge.manager.createInstance({ name: 'solo' }, { start: true });
    expect(created.status).toBe('running');
    expect((await bridge.manager.getInstanceStatus('solo', { refresh: true })).status).toBe('running');
    await bridge.manager.updateInstance('solo', { name: 'solo-2' });
    expect((await bridge.manager.listTmuxInstances()).items.map((instance) => instance.name)).toEqual(['solo-2']);

    // The outage rule: the record reads unknown, but nothing happened to it: no change, no event.
    const refresh = await bridge.manager.refreshStatuses();
    expect(refresh.errors.map((error) => error.code)).toEqual([code]);
    expect(refresh.changed).toEqual([]);
    const afterRefresh = await bridge.manager.getInstanceOrThrow('box');
    expect(afterRefresh).toMatchObject({ status: 'unknown', containerId: box.containerId, version: box.version, updatedAt: box.updatedAt });
    expect((await bridge.manager.listEvents('box')).map((event) => event.kind)).toEqual(['created']);
    expect(await bridge.manager.getInstanceStatus('box', { refresh: true })).toMatchObject({ status: 'unknown', error: { code } });

    await expect(bridge.manager.pruneDiscoveredInstances()).rejects.toSatisfy((error) => isCcBridgeError(error, code));
    await expect(bridge.manager.deleteInstance('box', { removeRuntime: true })).rejects.toSatisfy((error) => isCcBridgeError(error, code));
    await expect(bridge.manager.createInstance({ name: 'boxed', type: 'docker', imageName: 'cc-bridge-test:1' }, { start: true })).rejects.toSatisfy(
      (error) => isCcBridgeError(error, code),
    );
    expect(await bridge.manager.getInstance('box')).not.toBeNull();

    await bridge.manager.deleteInstance('solo-2', { removeRuntime: true });
    expect(await bridge.manager.getInstance('solo-2')).toBeNull();
  });
});

describe('a Docker Engine that stops answering and comes back', () => {
  it('warns once while it is down, whatever asks, and says when it answers again', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const logger = createLogger('info', (line) => lines.push(line.trim()));
    const tmux = await createTestTmux();
    const bridge = await openTestBridge({ tmuxSocket: tmux.socket, docker: `tcp://127.0.0.1:${port}`, logger });
    let relay: { close(): Promise<void> } | null = null;
    try {
      await bridge.manager.createDockerInstance({ name: 'box', containerId: 'e'.repeat(64), containerName: 'box' });
      for (let round = 0; round < 3; round++) {
        expect((await bridge.manager.refreshStatuses()).errors.map((error) => error.code)).toEqual(['DOCKER_UNAVAILABLE']);
      }
      expect((await bridge.manager.refreshDiscovery()).errors.map((error) => error.code)).toEqual(['DOCKER_UNAVAILABLE']);
      expect(lines.filter((line) => line.includes('unreachable'))).toEqual([expect.stringMatching(/^cc-bridge warn: Docker Engine unreachable at tcp:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/)]);
      expect((await bridge.manager.getInstanceOrThrow('box')).status).toBe('unknown');

      relay = await relayEngine(port);
      expect((await bridge.manager.refreshStatuses()).errors).toEqual([]);
      expect((await bridge.manager.refreshDiscovery()).errors).toEqual([]);
      expect(lines.filter((line) => line.includes('answers again'))).toEqual(['cc-bridge info: the Docker Engine answers again']);
      // Asked again, and the container is really gone: now it is stopped.
      expect((await bridge.manager.getInstanceOrThrow('box')).status).toBe('stopped');
    } finally {
      await bridge.dispose();
      await relay?.close();
      await tmux.dispose();
    }
  });

  it('reads unknown within the bound when the Engine accepts connections and never answers, with no event per record', async () => {
    const boundMs = 1_500;
    const port = await freePort();
    const held = new Set<Socket>();
    const silent = createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    const lines: string[] = [];
    const logger = createLogger('info', (line) => lines.push(line.trim()));
    const tmux = await createTestTmux();
    const bridge = await openTestBridge({ tmuxSocket: tmux.socket, docker: `tcp://127.0.0.1:${port}`, logger, runtimeTimeoutMs: boundMs });
    let relay: { close(): Promise<void> } | null = null;
    try {
      const box = await bridge.manager.createDockerInstance({ name: 'box', containerId: 'b'.repeat(64), containerName: 'box' });
      const started = Date.now();
      const status = await bridge.manager.getInstanceStatus('box', { refresh: true });
      expect(status).toMatchObject({ status: 'unknown', error: { code: 'DOCKER_UNAVAILABLE', message: expect.stringContaining(`no answer within ${boundMs / 1000} s`) } });
      // Discovery and the status refresh right after do not wait out the bound again.
      expect((await bridge.manager.refreshDiscovery()).errors.map((error) => error.code)).toEqual(['DOCKER_UNAVAILABLE']);
      expect(await bridge.manager.refreshStatuses()).toMatchObject({ changed: [], errors: [{ code: 'DOCKER_UNAVAILABLE' }] });
      expect(Date.now() - started).toBeLessThan(boundMs + 1_500);
      expect(await bridge.manager.getInstanceOrThrow('box')).toMatchObject({ status: 'unknown', updatedAt: box.updatedAt });
      expect((await bridge.manager.listEvents('box')).map((event) => event.kind)).toEqual(['created']);
      expect(lines.filter((line) => line.startsWith('cc-bridge warn:'))).toHaveLength(1);

      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
      relay = await relayEngine(port);
      await new Promise((resolve) => setTimeout(resolve, boundMs));
      // The Engine answers: the container is gone, a real change from the status before the outage.
      expect(await bridge.manager.refreshStatuses()).toMatchObject({ changed: [{ name: 'box', from: 'created', to: 'stopped' }], errors: [] });
      const events = await bridge.manager.listEvents('box');
      expect(events.map((event) => [event.kind, event.from, event.to])).toEqual([
        ['created', null, expect.objectContaining({ status: 'created' })],
        ['status_changed', 'created', 'stopped'],
      ]);
    } finally {
      await bridge.dispose();
      for (const socket of held) socket.destroy();
      silent.close();
      await relay?.close();
      await tmux.dispose();
    }
  });
});
