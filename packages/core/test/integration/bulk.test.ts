// Bulk operations (issue 7, item 4) and the status freshness policy, on a real tmux server, the
// real Docker Engine with real containers, and an Engine address nothing answers on.
import { execFile as execFileCallback } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ImportRecord } from '../../src/instance.ts';
import { defaultStatusMaxAgeMs } from '../../src/registry/status-policy.ts';
import {
  createTestTmux,
  ensureTestImage,
  freePort,
  getTestDockerClient,
  openTestBridge,
  removeTestContainers,
  runTestContainer,
  TEST_RUN,
  testBackends,
  type TestBridge,
  type TestTmux,
} from '../../src/testing/index.ts';

const execFile = promisify(execFileCallback);

async function hasSession(socket: string, name: string): Promise<boolean> {
  try {
    await execFile('tmux', ['-S', socket, 'has-session', '-t', `=${name}`]);
    return true;
  } catch {
    return false;
  }
}

async function containerExists(id: string): Promise<boolean> {
  try {
    await getTestDockerClient().getContainer(id).inspect();
    return true;
  } catch {
    return false;
  }
}

describe.each(testBackends())('bulk operations on tmux and a Docker Engine nothing answers on (%s database)', (backend) => {
  let tmux: TestTmux;
  let bridge: TestBridge;

  beforeEach(async () => {
    tmux = await createTestTmux();
    // A port nothing listens on: every Engine call is refused.
    bridge = await openTestBridge({ backend, tmuxSocket: tmux.socket, docker: `tcp://127.0.0.1:${await freePort()}` });
    await bridge.manager.createInstance({ name: 'alpha' }, { start: true });
    await bridge.manager.createInstance({ name: 'beta' }, { start: true });
    await bridge.manager.createDockerInstance({ name: 'box', containerId: 'd'.repeat(64), containerName: 'box' });
  });
  afterEach(async () => {
    await bridge.dispose();
    await tmux.dispose();
  });

  it('refreshes by names: each tmux record from the server, the Docker one fails alone, an unknown name is NOT_FOUND', async () => {
    await execFile('tmux', ['-S', tmux.socket, 'kill-session', '-t', '=beta']);
    const results = await bridge.manager.runBulk({ names: ['alpha', 'BETA', 'box', 'ghost', 'beta'] }, { kind: 'refreshStatus' });
    expect(results).toEqual([
      { name: 'alpha', ok: true, status: 'running', statusBefore: 'running', error: null },
      // The first spelling of a name stands for the others: one result per record.
      { name: 'BETA', ok: true, status: 'stopped', statusBefore: 'running', error: null },
      { name: 'box', ok: false, status: 'unknown', statusBefore: 'created', error: { code: 'DOCKER_UNAVAILABLE', message: expect.any(String) } },
      { name: 'ghost', ok: false, status: null, statusBefore: null, error: { code: 'NOT_FOUND', message: 'No instance named "ghost"' } },
    ]);
    expect(await bridge.manager.getInstanceOrThrow('beta')).toMatchObject({ status: 'stopped' });
    expect((await bridge.manager.listEvents('beta')).map((event) => event.kind)).toEqual(['created', 'status_changed']);
  });

  it('deletes by names with their runtimes: the Docker record stays when its Engine cannot be asked, the others go', async () => {
    const results = await bridge.manager.runBulk({ names: ['alpha', 'box', 'ghost', 'beta'] }, { kind: 'delete', removeRuntime: true }, { actor: 'test' });
    expect(results.map(({ name, ok, error }) => ({ name, ok, code: error?.code ?? null }))).toEqual([
      { name: 'alpha', ok: true, code: null },
      { name: 'box', ok: false, code: 'DOCKER_UNAVAILABLE' },
      { name: 'ghost', ok: false, code: 'NOT_FOUND' },
      { name: 'beta', ok: true, code: null },
    ]);
    expect(results[1]).toMatchObject({ status: 'created', statusBefore: 'created' });
    expect(await hasSession(tmux.socket, 'alpha')).toBe(false);
    expect(await hasSession(tmux.socket, 'beta')).toBe(false);
    expect((await bridge.manager.listInstances()).items.map((instance) => instance.name)).toEqual(['box']);
    const deleted = (await bridge.manager.listEvents('alpha')).at(-1);
    expect(deleted).toMatchObject({ kind: 'deleted', actor: 'test', message: 'record and runtime removed' });
  });

  it('deletes every record a query matches, keeping runtimes unless asked', async () => {
    const results = await bridge.manager.runBulk({ query: { type: 'tmux', limit: 1 } }, { kind: 'delete' });
    // `limit` is ignored: every page.
    expect(results).toEqual([
      { name: 'alpha', ok: true, status: 'running', statusBefore: 'running', error: null },
      { name: 'beta', ok: true, status: 'running', statusBefore: 'running', error: null },
    ]);
    expect(await hasSession(tmux.socket, 'alpha')).toBe(true);
    expect((await bridge.manager.listInstances()).items.map((instance) => instance.name)).toEqual(['box']);
  });

  it('deletes each record once when two bulk deletes of the same query race', async () => {
    const runs = await Promise.all([
      bridge.manager.runBulk({ query: { type: 'tmux' } }, { kind: 'delete' }),
      bridge.manager.runBulk({ query: { type: 'tmux' } }, { kind: 'delete' }),
    ]);
    const deletedBy = runs.flatMap((results) => results.filter((result) => result.ok).map((result) => result.name));
    expect(deletedBy.sort()).toEqual(['alpha', 'beta']);
    for (const name of ['alpha', 'beta']) {
      expect((await bridge.manager.listEvents(name)).filter((event) => event.kind === 'deleted')).toHaveLength(1);
    }
  });

  it('refuses a bad target, operation or concurrency with INVALID_INPUT and changes nothing', async () => {
    const refused = [
      bridge.manager.runBulk({ names: 'alpha' } as never, { kind: 'delete' }),
      bridge.manager.runBulk({ query: { colour: 'red' } } as never, { kind: 'delete' }),
      bridge.manager.runBulk({ names: ['alpha'] }, { kind: 'explode' } as never),
      bridge.manager.runBulk({ names: ['alpha'] }, { kind: 'delete' }, { concurrency: 0 }),
    ];
    for (const call of refused) await expect(call).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await bridge.manager.listInstances()).total).toBe(3);
  });
});

describe('bulk operations on the real Docker Engine', () => {
  const label = `cc-bridge.instance.${TEST_RUN}`;
  let tmux: TestTmux;
  let bridge: TestBridge;

  beforeAll(async () => {
    await removeTestContainers();
    await ensureTestImage();
  });
  beforeEach(async () => {
    tmux = await createTestTmux();
    bridge = await openTestBridge({ tmuxSocket: tmux.socket, env: { CC_BRIDGE_CONTAINER_LABEL: label } });
  });
  afterEach(async () => {
    await bridge.dispose();
    await tmux.dispose();
    await removeTestContainers();
  });
  afterAll(() => removeTestContainers());

  it('refreshes by query and deletes by query with the containers, across pages', async () => {
    const ids: string[] = [];
    for (const name of ['one', 'two', 'three']) {
      const container = await runTestContainer({ name: `ccb-t-bulk-${TEST_RUN}-${name}` });
      ids.push(container.id);
      await bridge.manager.createDockerInstance({ name: `bulk-${name}`, containerId: container.id, containerName: `ccb-t-bulk-${TEST_RUN}-${name}` });
    }
    await bridge.manager.createInstance({ name: 'not-bulk' }, { start: true });
    await getTestDockerClient().getContainer(ids[1] ?? '').stop({ t: 0 });

    const refreshed = await bridge.manager.runBulk({ query: { search: 'bulk-', sort: 'createdAt' } }, { kind: 'refreshStatus' });
    expect(refreshed).toEqual([
      { name: 'bulk-one', ok: true, status: 'running', statusBefore: 'created', error: null },
      { name: 'bulk-two', ok: true, status: 'stopped', statusBefore: 'created', error: null },
      { name: 'bulk-three', ok: true, status: 'running', statusBefore: 'created', error: null },
    ]);

    const deleted = await bridge.manager.runBulk({ query: { type: 'docker' } }, { kind: 'delete', removeRuntime: true }, { concurrency: 2 });
    expect(deleted.map(({ name, ok }) => ({ name, ok }))).toEqual([
      { name: 'bulk-one', ok: true },
      { name: 'bulk-three', ok: true },
      { name: 'bulk-two', ok: true },
    ]);
    for (const id of ids) expect(await containerExists(id)).toBe(false);
    expect((await bridge.manager.listInstances()).items.map((instance) => instance.name)).toEqual(['not-bulk']);
  });

  it('acts on every page of a large query, not only the first', async () => {
    const records: ImportRecord[] = Array.from({ length: 620 }, (_, index) => ({
      name: `page-${String(index).padStart(4, '0')}`,
      type: 'tmux',
      status: 'stopped',
      createdAt: null,
      lastActivityAt: null,
      tmuxSession: null,
      pid: null,
      cwd: null,
      containerId: null,
      containerName: null,
      imageName: null,
      dockerNetwork: null,
    }));
    expect((await bridge.manager.importInstances(records)).imported).toHaveLength(620);
    const refreshed = await bridge.manager.runBulk({ query: { search: 'page-' } }, { kind: 'refreshStatus' });
    expect(refreshed).toHaveLength(620);
    expect(refreshed.every((result) => result.ok && result.status === 'stopped')).toBe(true);
    const deleted = await bridge.manager.runBulk({ query: { search: 'page-' } }, { kind: 'delete' }, { concurrency: 8 });
    expect(deleted.filter((result) => result.ok)).toHaveLength(620);
    expect((await bridge.manager.listInstances()).total).toBe(0);
  });
});

describe('the status freshness policy', () => {
  let tmux: TestTmux;
  let bridge: TestBridge;

  beforeEach(async () => {
    tmux = await createTestTmux();
    bridge = await openTestBridge({ tmuxSocket: tmux.socket, docker: false });
  });
  afterEach(async () => {
    await bridge.dispose();
    await tmux.dispose();
  });

  it('makes concurrent readers share one refresh, skips it while fresh, and refreshes once stale', async () => {
    expect(bridge.manager.statusMaxAgeMs).toBe(defaultStatusMaxAgeMs);
    await bridge.manager.createInstance({ name: 'alpha' }, { start: true });
    await execFile('tmux', ['-S', tmux.socket, 'kill-session', '-t', '=alpha']);

    const reports = await Promise.all(Array.from({ length: 5 }, () => bridge.manager.ensureFreshStatuses()));
    const [first] = reports;
    expect(first).toMatchObject({ checked: 1, changed: [{ name: 'alpha', from: 'running', to: 'stopped' }] });
    for (const report of reports) expect(report).toBe(first);
    // One refresh wrote the change: one event, not one per reader.
    expect((await bridge.manager.listEvents('alpha')).map((event) => event.kind)).toEqual(['created', 'status_changed']);

    expect(await bridge.manager.ensureFreshStatuses()).toBeNull();

    await bridge.manager.updateInstance('alpha', { tmuxSession: 'alpha-2' });
    await execFile('tmux', ['-S', tmux.socket, 'new-session', '-d', '-s', 'alpha-2', 'sleep 600']);
    expect(await bridge.manager.ensureFreshStatuses()).toBeNull();
    await sleep(defaultStatusMaxAgeMs + 100);
    expect(await bridge.manager.ensureFreshStatuses()).toMatchObject({ changed: [{ name: 'alpha', from: 'stopped', to: 'running' }] });
    expect(await bridge.manager.getInstanceOrThrow('alpha')).toMatchObject({ status: 'running' });
  });

  it('counts a refreshStatuses call as the last refresh', async () => {
    await bridge.manager.createInstance({ name: 'alpha' });
    await bridge.manager.refreshStatuses();
    expect(await bridge.manager.ensureFreshStatuses()).toBeNull();
  });
});
