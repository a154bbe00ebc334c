// Several Docker hosts (issue 11): `[[docker.hosts]]` entries, one Runtime each. Two real Engines
// on this machine: the machine's, and an empty one started for this file on its own socket.
import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openCcBridge, type CcBridge } from '../../src/cc-bridge.ts';
import { loadConfig } from '../../src/config.ts';
import { createDockerClient } from '../../src/runtimes/docker/docker-client.ts';
import { createLogger, silentLogger } from '../../src/logger.ts';
import {
  createTestTmux,
  ensureTestImage,
  removeTestContainers,
  runTestContainer,
  startSecondEngine,
  TEST_IMAGE,
  TEST_RUN,
  type TestEngine,
  type TestTmux,
} from '../../src/testing/index.ts';

const execFile = promisify(execFileCallback);
const label = `cc-bridge.instance.${TEST_RUN}`;

describe('several Docker hosts', () => {
  let second: TestEngine | null = null;
  let secondDocker: Dockerode;
  let skipped = '';
  let tmux: TestTmux;
  let home: string;
  let bridge: CcBridge;
  let mainId = '';

  beforeAll(async () => {
    const started = await startSecondEngine({ tls: true });
    if (!started.engine) {
      skipped = started.skipped;
      createLogger('warn').warn(`skipping the several-hosts tests: ${skipped}`);
      return;
    }
    second = started.engine;
    secondDocker = createDockerClient(second.host);
    await removeTestContainers();
    await ensureTestImage();
    home = await mkdtemp(join(tmpdir(), 'cc-bridge-hosts-'));
    // The test image onto the second Engine too (no registry to pull from): saved, then loaded.
    const tarball = join(home, 'image.tar');
    await execFile('docker', ['save', '--output', tarball, TEST_IMAGE]);
    await execFile('docker', ['--host', second.host, 'load', '--input', tarball]);
    mainId = (await execFile('docker', ['info', '--format', '{{.ID}}'])).stdout.trim();
    tmux = await createTestTmux();
    const configFile = join(home, 'config.toml');
    await writeFile(
      configFile,
      [
        '[docker]',
        `container_label = "${label}"`,
        'image_patterns = ["claude-code-test"]',
        '[[docker.hosts]]',
        'name = "main"',
        'url = "unix:///var/run/docker.sock"',
        '[[docker.hosts]]',
        'name = "second"',
        `url = "${second.host}"`,
        '',
      ].join('\n'),
    );
    const config = loadConfig({ configFile }, { HOME: home, CC_BRIDGE_DATA_DIR: join(home, 'db'), CC_BRIDGE_TMUX_SOCKET: tmux.socket });
    bridge = await openCcBridge({ config, logger: silentLogger, actor: 'test', skipStartup: true, runtimeTimeoutMs: 3_000 });
  }, 180_000);

  afterAll(async () => {
    if (!second) return;
    await bridge.close();
    await tmux.dispose();
    await rm(home, { recursive: true, force: true });
    await second.dispose();
    await removeTestContainers();
  });

  it('discovers the containers of both Engines, each record naming its host', async (context) => {
    if (!second) return context.skip(skipped);
    await runTestContainer({ name: `ccb-t-hosts-alpha-${TEST_RUN}`, labels: { [label]: 'alpha' } });
    await runTestContainer({ name: `ccb-t-hosts-beta-${TEST_RUN}`, labels: { [label]: 'beta' }, docker: secondDocker });

    const report = await bridge.manager.refreshDiscovery();
    expect(report.errors).toEqual([]);
    expect(report.added.sort()).toEqual(['alpha', 'beta']);
    expect(report.otherEngine).toEqual([]);
    expect(await bridge.manager.getInstanceOrThrow('alpha')).toMatchObject({ status: 'running', dockerHost: 'main', dockerEngineId: mainId });
    expect(await bridge.manager.getInstanceOrThrow('beta')).toMatchObject({ status: 'running', dockerHost: 'second', dockerEngineId: second.id, dockerEndpoint: second.host });

    // Each host's records are judged by their own Engine only: nothing stopped, nothing "of another Engine".
    const refresh = await bridge.manager.refreshStatuses();
    expect(refresh).toMatchObject({ errors: [], changed: [], otherEngine: [] });
    expect(await bridge.manager.refreshDiscovery()).toMatchObject({ added: [], updated: [], markedStopped: [], otherEngine: [], errors: [] });
  });

  it("acts on a record through its own host's Engine", async (context) => {
    if (!second) return context.skip(skipped);
    const stopped = await bridge.manager.stopInstance('beta');
    expect(stopped).toMatchObject({ status: 'stopped', dockerHost: 'second' });
    const beta = await bridge.manager.getInstanceOrThrow('beta');
    expect((await secondDocker.getContainer(beta.containerId ?? '').inspect()).State.Running).toBe(false);
    const alpha = await bridge.manager.getInstanceOrThrow('alpha');
    expect((await createDockerClient(null).getContainer(alpha.containerId ?? '').inspect()).State.Running).toBe(true);
    expect(await bridge.manager.startInstance('beta')).toMatchObject({ status: 'running' });
    expect(await bridge.manager.readOutput('beta')).toBeTypeOf('string');
  });

  it('starts a new container on the host asked for, and refuses a host not configured without writing anything', async (context) => {
    if (!second) return context.skip(skipped);
    const gamma = await bridge.manager.createDockerInstance({ name: 'gamma', imageName: TEST_IMAGE, dockerHost: 'second' }, { start: true });
    expect(gamma).toMatchObject({ status: 'running', dockerHost: 'second', dockerEngineId: second.id });
    expect((await secondDocker.getContainer(gamma.containerId).inspect()).State.Running).toBe(true);
    await expect(bridge.manager.createDockerInstance({ name: 'delta', imageName: TEST_IMAGE, dockerHost: 'nowhere' }, { start: true })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('Docker host "nowhere" is not configured (hosts: main, second)'),
    });
    await expect(bridge.manager.createDockerInstance({ name: 'delta', containerId: 'e'.repeat(64), containerName: 'delta', dockerHost: 'nowhere' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(await bridge.manager.getInstance('delta')).toBeNull();
    await expect(bridge.manager.updateInstance('gamma', { dockerHost: 'nowhere' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await bridge.manager.getInstanceOrThrow('gamma')).toMatchObject({ dockerHost: 'second', version: gamma.version });
  });

  it('reaches an Engine over tcp:// with TLS client certificates, and is refused without them', async (context) => {
    if (!second?.tls) return context.skip(skipped);
    const { tls } = second;
    const openOn = async (name: string, entry: string[]) => {
      const configFile = join(home, `${name}.toml`);
      await writeFile(configFile, ['[docker]', `container_label = "${label}"`, 'image_patterns = ["claude-code-test"]', '[[docker.hosts]]', ...entry, ''].join('\n'));
      const config = loadConfig({ configFile }, { HOME: home, CC_BRIDGE_DATA_DIR: join(home, `db-${name}`), CC_BRIDGE_TMUX_SOCKET: tmux.socket });
      return openCcBridge({ config, logger: silentLogger, actor: 'test', skipStartup: true, runtimeTimeoutMs: 3_000 });
    };
    const secure = await openOn('tls', ['name = "secure"', `url = "${tls.url}"`, `tls_ca = "${tls.ca}"`, `tls_cert = "${tls.cert}"`, `tls_key = "${tls.key}"`]);
    try {
      const report = await secure.manager.refreshDiscovery();
      expect(report).toMatchObject({ errors: [], engine: { id: second.id, endpoint: tls.url } });
      expect(report.added.sort()).toEqual(['beta', 'gamma']);
      expect(await secure.manager.getInstanceOrThrow('beta')).toMatchObject({ status: 'running', dockerHost: 'secure' });
      const terminal = await secure.manager.attachTerminal('beta');
      expect(terminal.args.slice(0, 10)).toEqual(['-H', tls.url, '--tlsverify', '--tlscacert', tls.ca, '--tlscert', tls.cert, '--tlskey', tls.key, 'exec']);
    } finally {
      await secure.close();
    }
    // The CA alone: the Engine (--tlsverify) refuses a client without a certificate.
    const anonymous = await openOn('anonymous', ['name = "anonymous"', `url = "${tls.url}"`, `tls_ca = "${tls.ca}"`]);
    try {
      const report = await anonymous.manager.refreshDiscovery();
      expect(report.added).toEqual([]);
      expect(report.errors).toHaveLength(1);
      expect(report.errors[0]?.code).toMatch(/^DOCKER_(UNAVAILABLE|ERROR)$/);
    } finally {
      await anonymous.close();
    }
  });

  it('makes only the records of an Engine that stops answering unknown, with one outage naming its host', async (context) => {
    if (!second) return context.skip(skipped);
    const engine = second;
    const unsubscribe = bridge.live.subscribe();
    try {
      await vi.waitFor(() => expect(bridge.live.state.docker).toBe('following'), { timeout: 15_000, interval: 100 });
      await engine.dispose();

      // The live follower: one outage event for the second host, none for the first.
      await vi.waitFor(
        async () => {
          const events = await bridge.manager.listRuntimeEvents('docker:second');
          expect(events.filter((event) => event.kind === 'runtime_unreachable')).toHaveLength(1);
        },
        { timeout: 30_000, interval: 200 },
      );
      const [outage] = (await bridge.manager.listRuntimeEvents('docker:second')).filter((event) => event.kind === 'runtime_unreachable');
      expect(outage).toMatchObject({ instanceName: 'runtime:docker:second', to: { runtime: 'docker', host: 'second', reachable: false } });
      expect(outage?.message).toContain('the Docker Engine "second" cannot be reached');
      expect((await bridge.manager.listRuntimeEvents('docker')).filter((event) => event.kind === 'runtime_unreachable')).toEqual([]);
      expect(bridge.live.state.docker).toBe('unreachable');

      const refresh = await bridge.manager.refreshStatuses();
      expect(refresh.errors).toHaveLength(1);
      expect(refresh.errors[0]).toMatchObject({ code: 'DOCKER_UNAVAILABLE', message: expect.stringContaining('(host "second")') });
      expect(await bridge.manager.getInstanceOrThrow('beta')).toMatchObject({ status: 'unknown' });
      expect(await bridge.manager.getInstanceOrThrow('gamma')).toMatchObject({ status: 'unknown' });
      expect(await bridge.manager.getInstanceOrThrow('alpha')).toMatchObject({ status: 'running' });

      const health = await bridge.manager.getDockerHealth();
      expect(health).toMatchObject({ enabled: true, reachable: false, hosts: [{ name: 'main', reachable: true }, { name: 'second', reachable: false }] });
      expect(health.error?.message).toContain('(host "second")');

      // The first host goes on being acted on.
      expect(await bridge.manager.stopInstance('alpha')).toMatchObject({ status: 'stopped', dockerHost: 'main' });
      expect(await bridge.manager.startInstance('alpha')).toMatchObject({ status: 'running' });
      await expect(bridge.manager.stopInstance('beta')).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE' });
      // Discovery of the first host goes on; the second host's records are not marked stopped.
      const discovery = await bridge.manager.refreshDiscovery();
      expect(discovery.markedStopped).toEqual([]);
      expect(discovery.errors).toHaveLength(1);
      expect(await bridge.manager.getInstanceOrThrow('beta')).toMatchObject({ status: 'unknown' });
    } finally {
      unsubscribe();
    }
  }, 90_000);
});
