// Start, stop, restart and re-create (issue 8, "Acting on instances") on a real tmux server and the
// real Docker Engine with real containers: the runtime really changes, each action is an event,
// and the status is the one read back from the runtime.
import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createTestTmux,
  ensureTestImage,
  getTestDockerClient,
  openTestBridge,
  removeTestContainers,
  runTestContainer,
  TEST_IMAGE,
  TEST_RUN,
  testBackends,
  type TestBridge,
  type TestTmux,
} from '../../src/testing/index.ts';

const execFile = promisify(execFileCallback);

/** What tmux says of a session's first pane (`#{pane_pid}`, `#{pane_current_path}`, `#{pane_current_command}`), or null without the session. */
async function pane(socket: string, session: string): Promise<{ pid: number; path: string; command: string } | null> {
  try {
    const { stdout } = await execFile('tmux', ['-S', socket, 'list-panes', '-t', `=${session}`, '-F', '#{pane_pid}\t#{pane_current_path}\t#{pane_current_command}']);
    const [pid = '', path = '', command = ''] = (stdout.split('\n')[0] ?? '').split('\t');
    return { pid: Number(pid), path, command };
  } catch {
    return null;
  }
}

/** `docker inspect`'s State, or null when the Engine has no such container. */
async function containerState(id: string): Promise<{ Running: boolean; StartedAt: string } | null> {
  try {
    return (await getTestDockerClient().getContainer(id).inspect()).State;
  } catch {
    return null;
  }
}

describe.each(testBackends())('start, stop and restart of tmux records (%s database)', (backend) => {
  let tmux: TestTmux;
  let bridge: TestBridge;
  let cwd: string;

  beforeEach(async () => {
    tmux = await createTestTmux();
    bridge = await openTestBridge({ backend, tmuxSocket: tmux.socket, docker: false });
    // realpath: tmux reports the resolved directory (/tmp may be a link).
    cwd = await realpath(await mkdtemp(join(tmpdir(), 'cc-bridge-cwd-')));
  });
  afterEach(async () => {
    await bridge.dispose();
    await tmux.dispose();
    await rm(cwd, { recursive: true, force: true });
  });

  it('starts the configured command in the recorded cwd and session, stops it, restarts it, with events and the status from tmux', async () => {
    await bridge.manager.createInstance({ name: 'alpha', tmuxSession: 'alpha-session', cwd });
    expect(await pane(tmux.socket, 'alpha-session')).toBeNull();

    const started = await bridge.manager.startInstance('alpha', { actor: 'test' });
    const first = await pane(tmux.socket, 'alpha-session');
    // The test bridge's [tmux] command is `sleep 3600`.
    expect(first).toMatchObject({ path: cwd, command: 'sleep' });
    expect(started).toMatchObject({ status: 'running', pid: first?.pid });

    const stopped = await bridge.manager.stopInstance('alpha', { actor: 'test' });
    expect(await pane(tmux.socket, 'alpha-session')).toBeNull();
    expect(stopped.status).toBe('stopped');

    await bridge.manager.startInstance('alpha');
    const beforeRestart = await pane(tmux.socket, 'alpha-session');
    const restarted = await bridge.manager.restartInstance('alpha');
    const afterRestart = await pane(tmux.socket, 'alpha-session');
    expect(afterRestart).toMatchObject({ path: cwd, command: 'sleep' });
    expect(afterRestart?.pid).not.toBe(beforeRestart?.pid);
    expect(restarted).toMatchObject({ status: 'running', pid: afterRestart?.pid });

    const events = (await bridge.manager.listEvents('alpha')).map(({ kind, from, to, actor }) => ({ kind, from, to, actor }));
    expect(events).toEqual([
      { kind: 'created', from: null, to: expect.any(Object), actor: expect.any(String) },
      { kind: 'action', from: null, to: { action: 'start', ok: true }, actor: 'test' },
      { kind: 'status_changed', from: 'created', to: 'running', actor: 'test' },
      { kind: 'action', from: null, to: { action: 'stop', ok: true }, actor: 'test' },
      { kind: 'status_changed', from: 'running', to: 'stopped', actor: 'test' },
      { kind: 'action', from: null, to: { action: 'start', ok: true }, actor: expect.any(String) },
      { kind: 'status_changed', from: 'stopped', to: 'running', actor: expect.any(String) },
      // A restart that ends where it began changes no status: only its action event.
      { kind: 'action', from: null, to: { action: 'restart', ok: true }, actor: expect.any(String) },
    ]);
  });

  it('leaves a running session alone on start and a stopped record alone on stop, without an error', async () => {
    await bridge.manager.createInstance({ name: 'alpha', cwd }, { start: true });
    const before = await pane(tmux.socket, 'alpha');
    expect(await bridge.manager.startInstance('alpha')).toMatchObject({ status: 'running', pid: before?.pid });
    expect((await pane(tmux.socket, 'alpha'))?.pid).toBe(before?.pid);

    await bridge.manager.stopInstance('alpha');
    expect(await bridge.manager.stopInstance('alpha')).toMatchObject({ status: 'stopped' });
    const kinds = (await bridge.manager.listEvents('alpha')).map((event) => event.kind);
    expect(kinds).toEqual(['created', 'action', 'action', 'status_changed', 'action']);
  });

  it('reads the status back from tmux, not from the action: a session killed behind its back is started again', async () => {
    await bridge.manager.createInstance({ name: 'alpha', cwd }, { start: true });
    await execFile('tmux', ['-S', tmux.socket, 'kill-session', '-t', '=alpha']);
    // Stored `running`, really gone: a start makes a new session and the record says so.
    const results = await bridge.manager.runBulk({ names: ['alpha'] }, { kind: 'start' });
    expect(results).toEqual([{ name: 'alpha', ok: true, status: 'running', statusBefore: 'running', error: null }]);
    expect(await pane(tmux.socket, 'alpha')).toMatchObject({ path: cwd });
  });

  it('acts on every record a query matches, and on names with an unknown one failing alone', async () => {
    for (const name of ['web-1', 'web-2', 'db-1']) await bridge.manager.createInstance({ name, cwd }, { start: true });
    const stopped = await bridge.manager.runBulk({ query: { search: 'web-' } }, { kind: 'stop' }, { concurrency: 2 });
    expect(stopped).toEqual([
      { name: 'web-1', ok: true, status: 'stopped', statusBefore: 'running', error: null },
      { name: 'web-2', ok: true, status: 'stopped', statusBefore: 'running', error: null },
    ]);
    expect(await pane(tmux.socket, 'web-1')).toBeNull();
    expect(await pane(tmux.socket, 'web-2')).toBeNull();
    expect(await pane(tmux.socket, 'db-1')).not.toBeNull();

    const started = await bridge.manager.runBulk({ names: ['web-2', 'ghost'] }, { kind: 'start' });
    expect(started).toEqual([
      { name: 'web-2', ok: true, status: 'running', statusBefore: 'stopped', error: null },
      { name: 'ghost', ok: false, status: null, statusBefore: null, error: { code: 'NOT_FOUND', message: 'No instance named "ghost"' } },
    ]);
  });

  it('reports a start whose command cannot run as that record failing, with a failed action event, and keeps the record', async () => {
    await bridge.dispose();
    bridge = await openTestBridge({ backend, tmuxSocket: tmux.socket, docker: false, env: { CC_BRIDGE_TMUX_COMMAND: 'cc-bridge-no-such-command' } });
    await bridge.manager.createInstance({ name: 'alpha', cwd });
    const [result] = await bridge.manager.runBulk({ names: ['alpha'] }, { kind: 'start' });
    expect(result).toMatchObject({ name: 'alpha', ok: false, status: 'created', error: { code: 'TMUX_ERROR' } });
    expect(await pane(tmux.socket, 'alpha')).toBeNull();
    const last = (await bridge.manager.listEvents('alpha')).at(-1);
    expect(last).toMatchObject({ kind: 'action', to: { action: 'start', ok: false, error: 'TMUX_ERROR' }, message: expect.stringContaining('cc-bridge-no-such-command') });
    await expect(bridge.manager.startInstance('alpha')).rejects.toMatchObject({ code: 'TMUX_ERROR' });
    expect(await bridge.manager.getInstanceOrThrow('alpha')).toMatchObject({ status: 'created' });
  });

  it('refuses an action that is not start, stop or restart with INVALID_INPUT', async () => {
    await bridge.manager.createInstance({ name: 'alpha', cwd });
    await expect(bridge.manager.runBulk({ names: ['alpha'] }, { kind: 'pause' } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await bridge.manager.listEvents('alpha')).map((event) => event.kind)).toEqual(['created']);
  });
});

describe('start, stop, restart and re-create of Docker records on the real Engine', () => {
  const label = `cc-bridge.instance.${TEST_RUN}`;
  let tmux: TestTmux;
  let bridge: TestBridge;
  /** Containers cc-bridge made (re-create): they carry the instance label, not the test label, so they are removed by id. */
  const made: string[] = [];

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
    await Promise.all(made.splice(0).map((id) => getTestDockerClient().getContainer(id).remove({ force: true }).catch(() => undefined)));
    await removeTestContainers();
  });
  afterAll(() => removeTestContainers());

  async function registerContainers(names: string[]): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const name of names) {
      const containerName = `ccb-t-act-${TEST_RUN}-${name}`;
      const container = await runTestContainer({ name: containerName });
      ids.set(name, container.id);
      await bridge.manager.createDockerInstance({ name, containerId: container.id, containerName, imageName: TEST_IMAGE });
    }
    return ids;
  }

  it('stops and starts containers by query and restarts one by name; a container removed behind its back fails alone, with the fix named', async () => {
    const ids = await registerContainers(['box-1', 'box-2', 'box-3']);
    const id = (name: string) => ids.get(name) ?? '';

    const stopped = await bridge.manager.runBulk({ query: { type: 'docker' } }, { kind: 'stop' }, { actor: 'test' });
    expect(stopped.map(({ name, ok, status }) => ({ name, ok, status }))).toEqual([
      { name: 'box-1', ok: true, status: 'stopped' },
      { name: 'box-2', ok: true, status: 'stopped' },
      { name: 'box-3', ok: true, status: 'stopped' },
    ]);
    for (const name of ['box-1', 'box-2', 'box-3']) expect(await containerState(id(name))).toMatchObject({ Running: false });

    await getTestDockerClient().getContainer(id('box-2')).remove({ force: true });
    const started = await bridge.manager.runBulk({ query: { type: 'docker', status: 'stopped' } }, { kind: 'start' }, { actor: 'test' });
    expect(started).toEqual([
      { name: 'box-1', ok: true, status: 'running', statusBefore: 'stopped', error: null },
      {
        name: 'box-2',
        ok: false,
        status: 'stopped',
        statusBefore: 'stopped',
        error: { code: 'CONTAINER_GONE', message: expect.stringContaining(`Re-create it from its image ${TEST_IMAGE}: cc-bridge instances recreate box-2`) },
      },
      { name: 'box-3', ok: true, status: 'running', statusBefore: 'stopped', error: null },
    ]);
    expect(await containerState(id('box-1'))).toMatchObject({ Running: true });
    expect(await containerState(id('box-3'))).toMatchObject({ Running: true });
    // The failed record stays, as it was, with the failure in its history.
    expect(await bridge.manager.getInstanceOrThrow('box-2')).toMatchObject({ containerId: id('box-2'), status: 'stopped', runtimeState: null });
    expect((await bridge.manager.listEvents('box-2')).at(-1)).toMatchObject({ kind: 'action', to: { action: 'start', ok: false, error: 'CONTAINER_GONE' }, actor: 'test' });
    expect((await bridge.manager.listEvents('box-1')).slice(-2)).toMatchObject([
      { kind: 'action', to: { action: 'start', ok: true } },
      { kind: 'status_changed', from: 'stopped', to: 'running' },
    ]);

    const startedAt = (await containerState(id('box-1')))?.StartedAt;
    expect(await bridge.manager.restartInstance('box-1')).toMatchObject({ status: 'running', runtimeState: 'running' });
    expect((await containerState(id('box-1')))?.StartedAt).not.toBe(startedAt);
    await expect(bridge.manager.restartInstance('box-2')).rejects.toMatchObject({ code: 'CONTAINER_GONE' });
  });

  it('reads the status back from the Engine: a stop of a container already stopped outside is no error, and the record says stopped', async () => {
    const ids = await registerContainers(['box-1']);
    await getTestDockerClient().getContainer(ids.get('box-1') ?? '').stop({ t: 0 });
    expect(await bridge.manager.stopInstance('box-1')).toMatchObject({ status: 'stopped', runtimeState: 'exited' });
    // Stopping a removed container is done too: gone is stopped.
    await getTestDockerClient().getContainer(ids.get('box-1') ?? '').remove({ force: true });
    expect(await bridge.manager.stopInstance('box-1')).toMatchObject({ status: 'stopped', runtimeState: null });
  });

  it('re-creates a gone container from the record: same name and history, a new container id, running, labelled', async () => {
    const ids = await registerContainers(['box-1']);
    const oldId = ids.get('box-1') ?? '';
    await expect(bridge.manager.recreateInstance('box-1')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('still exists') });
    expect(await containerState(oldId)).toMatchObject({ Running: true });

    await getTestDockerClient().getContainer(oldId).remove({ force: true });
    const before = await bridge.manager.getInstanceOrThrow('box-1');
    const recreated = await bridge.manager.recreateInstance('box-1', { actor: 'test' });
    if (recreated.containerId) made.push(recreated.containerId);
    expect(recreated).toMatchObject({ id: before.id, name: 'box-1', containerName: `ccb-t-act-${TEST_RUN}-box-1`, imageName: TEST_IMAGE, status: 'running' });
    expect(recreated.containerId).not.toBe(oldId);
    const inspected = await getTestDockerClient()
      .getContainer(recreated.containerId ?? '')
      .inspect();
    expect(inspected.State.Running).toBe(true);
    expect(inspected.Config.Image).toBe(TEST_IMAGE);
    expect(inspected.Config.Labels[label]).toBe('box-1');
    expect(inspected.HostConfig.NetworkMode).toBe('none');

    const events = await bridge.manager.listEvents('box-1');
    expect(events.map((event) => event.kind)).toEqual(['created', 'action', 'status_changed']);
    expect(events[1]).toMatchObject({ from: { containerId: oldId }, to: { action: 'recreate', ok: true, containerId: recreated.containerId }, actor: 'test' });
    expect(events[2]).toMatchObject({ from: 'created', to: 'running' });

    // And it starts and stops as any record.
    expect(await bridge.manager.stopInstance('box-1')).toMatchObject({ status: 'stopped' });
    expect(await containerState(recreated.containerId ?? '')).toMatchObject({ Running: false });
  });

  it('refuses to re-create a record without an image, and leaves no container behind', async () => {
    const ids = await registerContainers(['box-1']);
    await bridge.manager.updateInstance('box-1', { imageName: null });
    await getTestDockerClient().getContainer(ids.get('box-1') ?? '').remove({ force: true });
    await expect(bridge.manager.recreateInstance('box-1')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const left = await getTestDockerClient().listContainers({ all: true, filters: { label: [label] } });
    expect(left).toEqual([]);
    expect((await bridge.manager.listEvents('box-1')).map((event) => event.kind)).toEqual(['created', 'updated']);
  });
});
