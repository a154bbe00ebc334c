import { execFile as execFileCallback } from 'node:child_process';
import { createServer as createHttpServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { statusFromContainerState, type ContainerInfo } from '../../src/runtimes/runtime.ts';
import { createDockerClient } from '../../src/runtimes/docker/docker-client.ts';
import { createDockerRuntime } from '../../src/runtimes/docker/docker-runtime.ts';
import {
  ensureTestImage,
  freePort,
  getTestDockerClient,
  relayEngine,
  removeTestContainers,
  runTestContainer,
  TEST_DISCOVERY_IMAGE,
  TEST_IMAGE,
  TEST_LABEL,
  testLabels,
} from '../../src/testing/index.ts';

const execFile = promisify(execFileCallback);
const group = `${TEST_LABEL}.group`;
// PID 1 ignores SIGTERM unless it handles it; this one does, so `stop` does not wait the grace period.
const stopsOnTerm = ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'];

describe('docker runtime on a real Docker Engine', () => {
  const docker = getTestDockerClient();
  const runtime = createDockerRuntime(docker);
  let image: string;

  beforeAll(async () => {
    image = await ensureTestImage();
    await removeTestContainers();
  });

  afterAll(async () => {
    await removeTestContainers();
  });

  it('answers a ping', async () => {
    await expect(runtime.ping()).resolves.toBeUndefined();
  });

  it('lists containers by label, with one list call and no inspect', async () => {
    await runTestContainer({ name: 'cc-bridge-test-list-a1', labels: { [group]: 'a' } });
    await runTestContainer({ name: 'cc-bridge-test-list-a2', labels: { [group]: 'a' }, start: false });
    await runTestContainer({ name: 'cc-bridge-test-list-b1', labels: { [group]: 'b' }, image: TEST_DISCOVERY_IMAGE });
    const list = vi.spyOn(docker, 'listContainers');
    const getContainer = vi.spyOn(docker, 'getContainer');
    try {
      const inGroupA = await runtime.listContainers({ labels: [`${group}=a`] });
      expect(list).toHaveBeenCalledTimes(1);
      expect(getContainer).not.toHaveBeenCalled();
      expect(inGroupA.map((container) => container.name).sort()).toEqual(['cc-bridge-test-list-a1', 'cc-bridge-test-list-a2']);

      const withGroup = await runtime.listContainers({ labels: [group] });
      expect(withGroup).toHaveLength(3);
      const b1 = withGroup.find((container) => container.name === 'cc-bridge-test-list-b1');
      expect(b1).toMatchObject({ image: TEST_DISCOVERY_IMAGE, state: 'running', networks: ['none'] });
      expect(b1?.labels).toEqual({ [group]: 'b', ...testLabels() });
      expect(b1?.id).toMatch(/^[0-9a-f]{64}$/);

      // Without labels, every container on the Engine, stopped ones included.
      const all = await runtime.listContainers();
      expect(all.filter((container) => container.labels[group] !== undefined)).toHaveLength(3);
    } finally {
      list.mockRestore();
      getContainer.mockRestore();
    }
  });

  it('reads every container state the same from the list call and from inspect', async () => {
    const state = { [group]: 'state' };
    const seconds = (n: number) => n * 1_000_000_000;
    await runTestContainer({ name: 'cc-bridge-test-state-created', labels: state, start: false });
    await runTestContainer({ name: 'cc-bridge-test-state-running', labels: state });
    await runTestContainer({ name: 'cc-bridge-test-state-starting', labels: state, healthcheck: { Test: ['CMD', 'true'], Interval: seconds(60) } });
    await runTestContainer({ name: 'cc-bridge-test-state-unhealthy', labels: state, healthcheck: { Test: ['CMD', 'false'], Interval: seconds(1), Retries: 1 } });
    const paused = await runTestContainer({ name: 'cc-bridge-test-state-paused', labels: state });
    await paused.pause();
    await runTestContainer({ name: 'cc-bridge-test-state-exit0', labels: state, command: ['true'] });
    await runTestContainer({ name: 'cc-bridge-test-state-exit3', labels: state, command: ['sh', '-c', 'exit 3'] });
    // `sleep` ignores SIGTERM as PID 1: `docker stop` kills it after the grace period (137).
    const stopped = await runTestContainer({ name: 'cc-bridge-test-state-stopped', labels: state });
    await stopped.stop({ t: 1 });
    await runTestContainer({
      name: 'cc-bridge-test-state-oom',
      labels: state,
      command: ['sh', '-c', 'a=xxxxxxxxxxxxxxxx; while true; do a="$a$a"; done'],
      hostConfig: { Memory: 8 * 1024 * 1024, MemorySwap: 8 * 1024 * 1024 },
    });

    const expected = {
      'cc-bridge-test-state-created': { state: 'created', health: null, exitCode: null, oomKilled: false },
      'cc-bridge-test-state-running': { state: 'running', health: null, exitCode: null, oomKilled: false },
      'cc-bridge-test-state-starting': { state: 'running', health: 'starting', exitCode: null, oomKilled: false },
      'cc-bridge-test-state-unhealthy': { state: 'running', health: 'unhealthy', exitCode: null, oomKilled: false },
      'cc-bridge-test-state-paused': { state: 'paused', health: null, exitCode: null, oomKilled: false },
      'cc-bridge-test-state-exit0': { state: 'exited', health: null, exitCode: 0, oomKilled: false },
      'cc-bridge-test-state-exit3': { state: 'exited', health: null, exitCode: 3, oomKilled: false },
      'cc-bridge-test-state-stopped': { state: 'exited', health: null, exitCode: 137, oomKilled: false },
      'cc-bridge-test-state-oom': { state: 'exited', health: null, exitCode: 137, oomKilled: true },
    };
    const statuses = {
      'cc-bridge-test-state-created': 'created',
      'cc-bridge-test-state-running': 'running',
      'cc-bridge-test-state-starting': 'running',
      'cc-bridge-test-state-unhealthy': 'error',
      'cc-bridge-test-state-paused': 'stopped',
      'cc-bridge-test-state-exit0': 'stopped',
      'cc-bridge-test-state-exit3': 'error',
      'cc-bridge-test-state-stopped': 'stopped',
      'cc-bridge-test-state-oom': 'error',
    };
    // The health check and the OOM killer take a moment to give their verdict.
    let listed: ContainerInfo[] = [];
    await vi.waitFor(
      async () => {
        listed = await runtime.listContainers({ labels: [`${group}=state`] });
        const seen = Object.fromEntries(listed.map(({ name, state, health, exitCode, oomKilled }) => [name, { state, health, exitCode, oomKilled }]));
        expect(seen).toEqual(expected);
      },
      { timeout: 20_000, interval: 250 },
    );
    for (const container of listed) {
      expect(await runtime.getContainer(container.id)).toEqual(container);
      expect([container.name, statusFromContainerState(container)]).toEqual([container.name, statuses[container.name as keyof typeof statuses]]);
    }
  });

  it('reads a container in a restart loop as restarting with its exit code', async () => {
    const crashy = { [group]: 'crashy' };
    await runTestContainer({ name: 'cc-bridge-test-state-crashy', labels: crashy, command: ['sh', '-c', 'exit 3'], hostConfig: { RestartPolicy: { Name: 'always' } } });
    // Between two restarts it runs for a moment; the Engine's growing back-off keeps it restarting most of the time.
    await vi.waitFor(
      async () => {
        const [fromList] = await runtime.listContainers({ labels: [`${group}=crashy`] });
        expect(fromList).toMatchObject({ state: 'restarting', exitCode: 3, health: null, oomKilled: false });
        expect(await runtime.getContainer('cc-bridge-test-state-crashy')).toEqual(fromList);
        expect(fromList && statusFromContainerState(fromList)).toBe('error');
      },
      { timeout: 20_000, interval: 100 },
    );
  });

  it('gets a container by name or id, and null for a missing one', async () => {
    const container = await runTestContainer({ name: 'cc-bridge-test-get' });
    const byName = await runtime.getContainer('cc-bridge-test-get');
    expect(byName).toMatchObject({ id: container.id, name: 'cc-bridge-test-get', image, state: 'running', networks: ['none'] });
    expect(await runtime.getContainer(container.id)).toEqual(byName);
    // Docker's name filter matches substrings; getContainer must not.
    expect(await runtime.getContainer('cc-bridge-test-ge')).toBeNull();
    expect(await runtime.getContainer('cc-bridge-test-no-such-container')).toBeNull();
  });

  it('runs a labelled container without networking, then removes it', async () => {
    const labels = { ...testLabels(), 'cc-bridge.instance': 'runner' };
    const info = await runtime.runContainer({ name: 'cc-bridge-test-run', image, labels, command: stopsOnTerm });
    expect(info).toMatchObject({ name: 'cc-bridge-test-run', image, state: 'running', labels, networks: ['none'] });

    const inspect = await docker.getContainer(info.id).inspect();
    expect(inspect.HostConfig.NetworkMode).toBe('none');
    expect(await runtime.listProcesses(info.id)).toContain('sleep 3600');

    expect(await runtime.removeContainer('cc-bridge-test-run')).toBe(true);
    expect(await runtime.getContainer('cc-bridge-test-run')).toBeNull();
    expect(await runtime.removeContainer('cc-bridge-test-run')).toBe(false);
  });

  it('removes a container that ignores SIGTERM once the stop grace period is over', async () => {
    // `sleep` as PID 1 has no TERM handler, so `stop` answers only after the 10 s grace period:
    // no client timeout may cut a request that is merely slow to answer.
    await runTestContainer({ name: 'cc-bridge-test-stubborn' });
    const started = Date.now();
    await runtime.removeContainer('cc-bridge-test-stubborn');
    expect(Date.now() - started).toBeGreaterThan(9_000);
    expect(await runtime.getContainer('cc-bridge-test-stubborn')).toBeNull();
  });

  it('removes a container that was never started', async () => {
    await runTestContainer({ name: 'cc-bridge-test-remove-created', start: false });
    expect(await runtime.removeContainer('cc-bridge-test-remove-created')).toBe(true);
    expect(await runtime.getContainer('cc-bridge-test-remove-created')).toBeNull();
  });

  it('refuses an image the Engine does not have, without pulling', async () => {
    await expect(
      runtime.runContainer({ name: 'cc-bridge-test-no-image', image: 'cc-bridge-test-missing:latest', labels: testLabels() }),
    ).rejects.toMatchObject({ code: 'DOCKER_ERROR', message: expect.stringContaining('never pulled') });
    expect(await runtime.getContainer('cc-bridge-test-no-image')).toBeNull();
  });

  it('removes a container whose command cannot start, and reports the Engine error', async () => {
    const error: unknown = await runtime
      .runContainer({ name: 'cc-bridge-test-bad-cmd', image, labels: testLabels(), command: ['/bin/no-such-program'] })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'DOCKER_ERROR', message: expect.stringContaining('no-such-program') });
    expect(await runtime.getContainer('cc-bridge-test-bad-cmd')).toBeNull();
  });

  it('reports a name already in use as DOCKER_ERROR with the Engine message', async () => {
    await runTestContainer({ name: 'cc-bridge-test-dup' });
    await expect(runtime.runContainer({ name: 'cc-bridge-test-dup', image, labels: testLabels() })).rejects.toMatchObject({
      code: 'DOCKER_ERROR',
      message: expect.stringContaining('already in use'),
    });
  });
});

describe('the Engine a docker runtime talks to', () => {
  it('is asked once (GET /info), and asked again after it was unreachable', async () => {
    const { stdout } = await execFile('docker', ['info', '--format', '{{.ID}} {{.Name}}']);
    const [id, name] = stdout.trim().split(' ');
    const port = await freePort();
    const client = createDockerClient(`tcp://127.0.0.1:${port}`);
    const runtime = createDockerRuntime(client);
    const dial = vi.spyOn(client.modem, 'dial');
    const infoCalls = () => dial.mock.calls.filter(([options]) => options.path === '/info').length;

    // Not reachable yet: the failure is not remembered.
    await expect(runtime.getEngine()).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE' });
    let relay = await relayEngine(port);
    try {
      expect(await runtime.getEngine()).toEqual({ id, name, endpoint: `tcp://127.0.0.1:${port}` });
      await runtime.listContainers();
      await runtime.getEngine();
      expect(infoCalls()).toBe(2);

      // Another Engine may answer at this endpoint once it comes back: it is asked again.
      await relay.close();
      await expect(runtime.listContainers()).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE' });
      relay = await relayEngine(port);
      expect((await runtime.getEngine()).id).toBe(id);
      expect(infoCalls()).toBe(3);
    } finally {
      await relay.close();
    }
  });
});

describe('docker runtime without a reachable Engine', () => {
  async function timed(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
    const started = Date.now();
    const error = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    return { error, ms: Date.now() - started };
  }

  it('reports a missing socket as DOCKER_UNAVAILABLE at once', async () => {
    const runtime = createDockerRuntime(createDockerClient('unix:///nonexistent.sock'));
    const { error, ms } = await timed(runtime.ping());
    expect(error).toMatchObject({ code: 'DOCKER_UNAVAILABLE', message: expect.stringContaining('unix:///nonexistent.sock') });
    expect(ms).toBeLessThan(1_000);
    await expect(runtime.listContainers()).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE' });
  });

  it('reports a refused TCP port as DOCKER_UNAVAILABLE at once', async () => {
    const runtime = createDockerRuntime(createDockerClient('tcp://127.0.0.1:1'));
    const { error, ms } = await timed(runtime.listContainers({ labels: [TEST_LABEL] }));
    expect(error).toMatchObject({
      code: 'DOCKER_UNAVAILABLE',
      message: expect.stringMatching(/^Docker Engine unreachable at tcp:\/\/127\.0\.0\.1:1: ECONNREFUSED/),
    });
    expect(ms).toBeLessThan(1_000);
  });

  describe('an endpoint that accepts connections and never answers', () => {
    let silent: Server;
    const sockets = new Set<Socket>();
    let port = 0;

    beforeAll(async () => {
      silent = createServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const address = silent.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      port = address.port;
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve, reject) => silent.close((error) => (error ? reject(error) : resolve())));
    });

    it('gives up after the request timeout with DOCKER_UNAVAILABLE', async () => {
      const runtime = createDockerRuntime(createDockerClient(`tcp://127.0.0.1:${port}`), { requestTimeoutMs: 300 });
      for (const request of [runtime.ping(), runtime.listContainers(), runtime.getContainer('x')]) {
        const { error, ms } = await timed(request);
        expect(error).toMatchObject({ code: 'DOCKER_UNAVAILABLE', message: expect.stringContaining('no answer within 0.3 s') });
        expect(ms).toBeLessThan(2_000);
      }
    });
  });
});

/**
 * The real Engine behind a loopback HTTP proxy that forwards every request except those
 * `isHeld` picks: those it never answers, as a wedged Engine would.
 */
async function holdingProxy(isHeld: (method: string, path: string) => boolean): Promise<{ host: string; held: string[]; close(): Promise<void> }> {
  const held: string[] = [];
  const open = new Set<ServerResponse>();
  const server = createHttpServer((incoming: IncomingMessage, response: ServerResponse) => {
    const method = incoming.method ?? 'GET';
    const path = incoming.url ?? '/';
    if (isHeld(method, path.split('?')[0] ?? path)) {
      held.push(`${method} ${path}`);
      open.add(response);
      return;
    }
    const upstream = request({ socketPath: '/var/run/docker.sock', method, path, headers: incoming.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    host: `tcp://127.0.0.1:${address.port}`,
    held,
    async close() {
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('docker runtime on an Engine that stops answering some requests', () => {
  beforeAll(async () => {
    await ensureTestImage();
    await removeTestContainers();
  });
  afterAll(() => removeTestContainers());

  it('removes a container it started when the Engine does not answer the inspect after the start', async () => {
    const proxy = await holdingProxy((method, path) => method === 'GET' && /^\/(v[\d.]+\/)?containers\/[^/]+\/json$/.test(path));
    try {
      const runtime = createDockerRuntime(createDockerClient(proxy.host), { requestTimeoutMs: 1_000 });
      const error: unknown = await runtime
        .runContainer({ name: 'cc-bridge-test-unread', image: TEST_IMAGE, labels: testLabels() })
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'DOCKER_UNAVAILABLE', message: expect.stringContaining('no answer within 1 s') });
      expect(proxy.held).toHaveLength(1);
      expect(await createDockerRuntime(getTestDockerClient()).getContainer('cc-bridge-test-unread')).toBeNull();
    } finally {
      await proxy.close();
    }
  });

  it('fails a removal within the bound when the Engine does not answer, not after the stop grace period', async () => {
    const container = await runTestContainer({ name: 'cc-bridge-test-unremoved' });
    const proxy = await holdingProxy(() => true);
    try {
      const runtime = createDockerRuntime(createDockerClient(proxy.host), { requestTimeoutMs: 1_000 });
      const started = Date.now();
      await expect(runtime.removeContainer(container.id)).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE' });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await proxy.close();
    }
  });
});
