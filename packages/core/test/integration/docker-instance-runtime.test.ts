import { randomBytes } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { Instance } from '../../src/instance.ts';
import type { ContainerChange, Runtime, RuntimeChange } from '../../src/runtimes/instance-runtime.ts';
import { createDockerClient } from '../../src/runtimes/docker/docker-client.ts';
import { createDockerInstanceRuntime } from '../../src/runtimes/docker/docker-instance-runtime.ts';
import { createDockerRuntime } from '../../src/runtimes/docker/docker-runtime.ts';
import {
  ensureTestImage,
  freePort,
  getTestDockerClient,
  relayEngine,
  removeTestContainers,
  runTestContainer,
  TEST_LABEL,
  testInstance,
  type TestContainerOptions,
} from '../../src/testing/index.ts';

// PID 1 ignores SIGTERM unless it handles it; this one does, so `stop` does not wait the grace period.
const stopsOnTerm = ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'];
const group = `${TEST_LABEL}.group`;

async function waitFor<T>(read: () => Promise<T>, isDone: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (isDone(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Collects a stream's chunks in the background until it ends. */
function collect<T>(stream: AsyncIterable<T>): { items: T[]; done: Promise<void> } {
  const items: T[] = [];
  const done = (async () => {
    for await (const item of stream) items.push(item);
  })();
  return { items, done };
}

describe('the Docker Runtime on a real Docker Engine', () => {
  const docker = getTestDockerClient();
  const client = createDockerRuntime(docker);
  // A label name of this run's own: the change feed filters on it, so other runs' containers stay out.
  const feedLabel = `${TEST_LABEL}.feed-${randomBytes(4).toString('hex')}`;
  const runtime: Runtime = createDockerInstanceRuntime(client, { containerLabel: feedLabel, network: null });

  /** A running (unless told otherwise) test container and a record naming it. */
  async function containerRecord(name: string, options: Partial<TestContainerOptions> = {}): Promise<Instance> {
    const container = await runTestContainer({ name: `cc-bridge-test-rt-${name}`, command: stopsOnTerm, ...options });
    return testInstance({ name, type: 'docker', containerId: container.id, containerName: `cc-bridge-test-rt-${name}` });
  }

  beforeAll(async () => {
    await ensureTestImage();
    await removeTestContainers();
  });

  afterAll(async () => {
    await removeTestContainers();
    // A launched container carries the cc-bridge label, not the test label: removed by name if a test left it.
    const leftover = await client.getContainer('cc-bridge-test-rt-launched');
    if (leftover) await client.removeContainer(leftover.id);
  });

  it('observes one record, and every record with one list call', async () => {
    const running = await containerRecord('obs-running');
    const created = await containerRecord('obs-created', { start: false });
    const gone = await containerRecord('obs-gone');
    await docker.getContainer(gone.containerId ?? '').remove({ force: true });
    const elsewhere = { ...gone, id: 'elsewhere', dockerEngineId: 'ANOTHER:ENGINE', status: 'running' as const };
    const short = { ...running, id: 'short', containerId: (running.containerId ?? '').slice(0, 12) };

    const engine = await client.getEngine();
    expect(await runtime.observe(running)).toEqual({
      status: 'running',
      isSeen: true,
      docker: { runtimeState: 'running', runtimeHealth: null, exitCode: null, oomKilled: false, dockerEngineId: engine.id, dockerEndpoint: engine.endpoint },
    });
    expect(await runtime.observe(gone)).toMatchObject({ status: 'stopped', isSeen: false, docker: { runtimeState: null } });
    expect(await runtime.observe(elsewhere)).toEqual({ status: 'running', isSeen: false, otherEngine: engine });

    const list = vi.spyOn(docker, 'listContainers');
    try {
      const all = await runtime.observeAll([running, created, gone, elsewhere, short]);
      expect(list).toHaveBeenCalledTimes(1);
      expect(all.engine).toEqual(engine);
      expect(all.observations.get(running.id)).toMatchObject({ status: 'running', isSeen: true });
      expect(all.observations.get(created.id)).toMatchObject({ status: 'created', isSeen: true });
      expect(all.observations.get(gone.id)).toMatchObject({ status: 'stopped', isSeen: false });
      expect(all.observations.get(elsewhere.id)).toMatchObject({ otherEngine: engine });
      expect(all.observations.get(short.id)).toMatchObject({ status: 'running', isSeen: true });
    } finally {
      list.mockRestore();
    }
  });

  it('starts, stops, restarts and removes the existing container', async () => {
    const record = await containerRecord('life', { start: false });
    expect(await runtime.start(record)).toMatchObject({ status: 'running', docker: { runtimeState: 'running' } });
    // Starting a running container leaves it as it is.
    expect(await runtime.start(record)).toMatchObject({ status: 'running' });

    expect(await runtime.stop(record)).toMatchObject({ status: 'stopped', isSeen: true, docker: { runtimeState: 'exited', exitCode: 0 } });
    expect(await runtime.stop(record)).toMatchObject({ status: 'stopped' });

    const startedAt = async () => (await docker.getContainer(record.containerId ?? '').inspect()).State.StartedAt;
    const before = await startedAt();
    expect(await runtime.restart(record)).toMatchObject({ status: 'running' });
    expect(await startedAt()).not.toBe(before);

    expect(await runtime.remove(record)).toBe(true);
    expect(await runtime.remove(record)).toBe(false);
    // Gone: starting it is NOT_FOUND, stopping it is no error.
    await expect(runtime.start(record)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(runtime.restart(record)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await runtime.stop(record)).toMatchObject({ status: 'stopped', isSeen: false });
  });

  it('launches a new record\'s container with the cc-bridge label and no network, and undoes it', async () => {
    expect(runtime.recordIdentity({ name: 'api' })).toEqual({});
    const image = await ensureTestImage();
    const launched = await runtime.launch({ name: 'launched', type: 'docker', imageName: image, containerName: 'cc-bridge-test-rt-launched' });
    expect(launched.fields).toMatchObject({ containerName: 'cc-bridge-test-rt-launched', dockerNetwork: 'none', status: 'running', runtimeState: 'running' });
    const inspect = await docker.getContainer(launched.fields.containerId ?? '').inspect();
    expect(inspect.Config.Labels).toMatchObject({ [feedLabel]: 'launched' });
    expect(inspect.Config.Env).toContain('CC_BRIDGE_INSTANCE=launched');
    expect(launched.description).toBe('the container cc-bridge-test-rt-launched');
    await launched.undo();
    expect(await client.getContainer(launched.fields.containerId ?? '')).toBeNull();

    await expect(runtime.launch({ name: 'nope', type: 'docker', imageName: 'cc-bridge-missing:never' })).rejects.toMatchObject({ code: 'DOCKER_ERROR' });
  });

  it('refuses to act on a record of another Engine whose container is not here', async () => {
    const record = testInstance({ name: 'elsewhere', type: 'docker', containerId: 'f'.repeat(64), dockerEngineId: 'ANOTHER:ENGINE' });
    for (const call of [() => runtime.start(record), () => runtime.stop(record), () => runtime.remove(record), () => runtime.readOutput(record)]) {
      await expect(call()).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE', message: expect.stringContaining('belongs to Docker Engine ANOTHER:ENGINE') });
    }
    await expect(runtime.start(testInstance({ name: 'none', type: 'docker' }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  // stdout and stderr reach the log through two pipes: the pauses keep their order certain.
  it('reads the last lines of a container without a TTY, stdout and stderr demultiplexed', async () => {
    const record = await containerRecord('logs', { command: ['sh', '-c', 'echo out1; sleep 0.2; echo err1 >&2; sleep 0.2; echo out2; echo "é 日本"; sleep 3600'] });
    const text = await waitFor(() => runtime.readOutput(record), (output) => output.includes('日本'));
    expect(text).toBe('out1\nerr1\nout2\né 日本');
    expect(await runtime.readOutput(record, { lines: 2 })).toBe('out2\né 日本');
  });

  it('reads a TTY container\'s log with colours only when asked', async () => {
    const record = await containerRecord('tty-logs', { tty: true, command: ['sh', '-c', 'echo one; printf "\\033[31mred\\033[0m\\n"; sleep 3600'] });
    expect(await waitFor(() => runtime.readOutput(record), (output) => output.includes('red'))).toBe('one\nred');
    expect(await runtime.readOutput(record, { lines: 1, colors: true })).toBe('\u001b[31mred\u001b[0m');
  });

  it('sends a line to the stdin of a container without a TTY and follows what it prints', async () => {
    const record = await containerRecord('stdin-pipe', { openStdin: true, command: ['cat'] });
    await runtime.sendInput(record, { text: 'before' });
    await waitFor(() => runtime.readOutput(record), (output) => output === 'before');
    const controller = new AbortController();
    const followed = collect(await runtime.followOutput(record, { signal: controller.signal }));

    const literal = '-n $HOME && `id`; "quoted"';
    await runtime.sendInput(record, { text: literal });
    await runtime.sendInput(record, { text: 'second' });
    await waitFor(() => Promise.resolve(followed.items.map((update) => update.text).join('')), (text) => text.includes('second'));
    expect(followed.items.map((update) => update.text).join('')).toBe(`${literal}\nsecond\n`);

    controller.abort();
    await followed.done;
    // The container's stdin stays open after each detach, and the container runs on.
    await runtime.sendInput(record, { text: 'third' });
    expect(await waitFor(() => runtime.readOutput(record, { lines: 1 }), (output) => output === 'third')).toBe('third');
  });

  it('follows from the last lines when asked, and ends when the container stops', async () => {
    const record = await containerRecord('follow-tail', { command: ['sh', '-c', 'trap "exit 0" TERM; echo one; echo two; echo three; sleep 3600 & wait'] });
    await waitFor(() => runtime.readOutput(record), (output) => output.includes('three'));
    const signal = new AbortController().signal;
    const followed = collect(await runtime.followOutput(record, { signal, lines: 2 }));
    await waitFor(() => Promise.resolve(followed.items.map((update) => update.text).join('')), (text) => text.includes('three'));
    await runtime.stop(record);
    await followed.done;
    expect(followed.items.map((update) => update.text).join('')).toBe('two\nthree\n');
    // A signal that outlives the stream keeps no listener of it.
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('follows the line a container is still writing, and counts it finished once, when its log ends', async () => {
    // The Engine's log copier (20.10) holds a line back until its newline, 16 KiB of it, or the
    // stream's end: a line of 20,000 characters shows its first 16 KiB while it is written.
    const line = 'a'.repeat(20_000);
    const record = await containerRecord('long-line', {
      command: ['sh', '-c', 'trap "exit 0" TERM; echo whole; i=0; while [ $i -lt 2000 ]; do printf aaaaaaaaaa; i=$((i+1)); done; sleep 3600 & wait'],
    });
    await waitFor(() => runtime.readOutput(record), (output) => output.includes('aaaa'));
    const followed = collect(await runtime.followOutput(record, { signal: new AbortController().signal, lines: 5 }));
    const current = () => Promise.resolve(followed.items.at(-1)?.current ?? '');
    expect(await waitFor(current, (drawn) => drawn !== '')).toBe('a'.repeat(16 * 1024));
    expect(followed.items.map((update) => update.text).join('')).toBe('whole\n');

    await runtime.stop(record);
    await followed.done;
    const finished = followed.items.map((update) => update.text).join('');
    expect(finished.split('\n').map((piece) => piece.length)).toEqual([5, line.length, 0]);
    expect(finished).toBe(`whole\n${line}\n`);
    expect(followed.items.at(-1)).toEqual({ text: `${line}\n`, current: '' });

    // A short last line the Engine's follow may not carry at all: the copier holds it until the
    // container's output closes, and the followed log can end before that last part reaches it.
    // Whether the stream shows it as the current line first is a race; either way it is counted
    // finished exactly once, when the log ends.
    const short = await containerRecord('last-words', { command: ['sh', '-c', 'trap "exit 0" TERM; echo whole; printf "no newline"; sleep 3600 & wait'] });
    const tail = collect(await runtime.followOutput(short, { signal: new AbortController().signal, lines: 5 }));
    await waitFor(() => Promise.resolve(tail.items.length), (count) => count > 0);
    await runtime.stop(short);
    await tail.done;
    expect(tail.items[0]).toEqual({ text: 'whole\n', current: '' });
    expect(tail.items.at(-1)).toEqual({ text: 'no newline\n', current: '' });
    expect(tail.items.map((update) => update.text).join('')).toBe('whole\nno newline\n');
    // Between them, at most the line as far as it was written, shown as current.
    for (const update of tail.items.slice(1, -1)) {
      expect(update.text).toBe('');
      expect('no newline'.startsWith(update.current)).toBe(true);
    }
  });

  it('types into a TTY container with Enter as a carriage return', async () => {
    const record = await containerRecord('stdin-tty', { tty: true, openStdin: true, command: ['cat'] });
    await runtime.sendInput(record, { text: 'typed' });
    // The terminal echoes the line, then cat prints it.
    expect(await waitFor(() => runtime.readOutput(record), (output) => output === 'typed\ntyped')).toBe('typed\ntyped');
  });

  it('refuses input to a container without an open stdin, with a clear error', async () => {
    const record = await containerRecord('no-stdin');
    await expect(runtime.sendInput(record, { text: 'hello' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('keeps no stdin open'),
    });
    await expect(runtime.sendInput(record, { text: '', enter: false })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('reports create, start, die and destroy of a labelled container, and ends when the signal fires', async () => {
    const changes = runtime.changes;
    if (!changes) throw new Error('the Docker runtime has a change feed');
    const controller = new AbortController();
    const feed = collect<RuntimeChange>(await changes({ signal: controller.signal }));

    await runTestContainer({ name: 'cc-bridge-test-rt-unlabelled', command: ['true'] });
    const container = await runTestContainer({ name: 'cc-bridge-test-rt-feed', labels: { [feedLabel]: 'feed' }, command: ['sh', '-c', 'exit 3'] });
    await container.wait();
    await container.remove();

    const seen = await waitFor(() => Promise.resolve(feed.items), (items) => items.some((change) => change.action === 'destroy'));
    const ours = seen.filter((change: ContainerChange) => change.containerId === container.id);
    expect(ours.map((change) => change.action)).toEqual(['create', 'start', 'die', 'destroy']);
    expect(ours[2]).toMatchObject({ containerName: 'cc-bridge-test-rt-feed', exitCode: 3, labels: { [feedLabel]: 'feed' } });
    expect(seen.every((change) => change.labels[feedLabel] === 'feed')).toBe(true);

    controller.abort();
    await feed.done;
  });

  it('throws DOCKER_UNAVAILABLE from the change feed when the Engine goes away', async () => {
    const port = await freePort();
    const relay = await relayEngine(port);
    const relayed = createDockerInstanceRuntime(createDockerRuntime(createDockerClient(`tcp://127.0.0.1:${port}`)), { containerLabel: group, network: null });
    const changes = relayed.changes;
    if (!changes) throw new Error('the Docker runtime has a change feed');
    const feed = await changes({ signal: new AbortController().signal });
    const ended = collect(feed).done.then(
      () => null,
      (error: unknown) => error,
    );
    await relay.close();
    expect(await ended).toMatchObject({ code: 'DOCKER_UNAVAILABLE' });
  });
});

describe('the Docker Runtime on an endpoint that accepts connections and never answers', () => {
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

  it('fails every call, and the setup of every stream, within the bound', async () => {
    const client = createDockerRuntime(createDockerClient(`tcp://127.0.0.1:${port}`), { requestTimeoutMs: 300 });
    const runtime = createDockerInstanceRuntime(client, { containerLabel: group, network: null });
    const record = testInstance({ name: 'silent', type: 'docker', containerId: 'f'.repeat(64) });
    const signal = new AbortController().signal;
    const calls: [string, () => Promise<unknown>][] = [
      ['observe', () => runtime.observe(record)],
      ['observeAll', () => runtime.observeAll([record])],
      ['start', () => runtime.start(record)],
      ['stop', () => runtime.stop(record)],
      ['restart', () => runtime.restart(record)],
      ['readOutput', () => runtime.readOutput(record)],
      ['followOutput', () => runtime.followOutput(record, { signal })],
      ['sendInput', () => runtime.sendInput(record, { text: 'x' })],
      ['changes', () => runtime.changes?.({ signal }) ?? Promise.resolve()],
      ['followLogs', () => client.followLogs('x', { tail: 0, signal })],
      ['writeStdin', () => client.writeStdin('x', 'text')],
    ];
    for (const [name, call] of calls) {
      const started = Date.now();
      await expect(call(), name).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE', message: expect.stringContaining('no answer within 0.3 s') });
      expect(Date.now() - started, name).toBeLessThan(2_000);
    }
  });
});

describe('the Docker Runtime with Docker disabled', () => {
  it('fails every call with DOCKER_UNAVAILABLE and has no change feed', async () => {
    const runtime = createDockerInstanceRuntime(null, { containerLabel: null, network: null });
    const record = testInstance({ name: 'off', type: 'docker', containerId: 'abc' });
    expect(runtime.changes).toBeUndefined();
    await expect(runtime.observe(record)).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE', message: expect.stringContaining('disabled') });
    await expect(runtime.observeAll([record])).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE' });
  });
});
