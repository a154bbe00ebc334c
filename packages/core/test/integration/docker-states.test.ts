// Item 3 of issue 6: every Docker state is mapped on purpose, and the Engine's own words are kept
// on the record. Real containers on the machine's Engine, put into each state for real.
import { execFile as execFileCallback } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Instance, InstanceStatus } from '../../src/instance.ts';
import { createLogger } from '../../src/logger.ts';
import {
  createTestTmux,
  ensureTestImage,
  getTestDockerClient,
  openTestBridge,
  removeTestContainers,
  runTestContainer,
  TEST_RUN,
  type TestBridge,
  type TestTmux,
} from '../../src/testing/index.ts';

const execFile = promisify(execFileCallback);
// A label of this run's own: containers other runs label cc-bridge.instance meanwhile stay out.
const label = `cc-bridge.instance.${TEST_RUN}`;
const seconds = (n: number) => n * 1_000_000_000;
const eightMegabytes = 8 * 1024 * 1024;

type Expected = { status: InstanceStatus } & Pick<Instance, 'runtimeState' | 'runtimeHealth' | 'exitCode' | 'oomKilled'>;

describe('Docker states on the record', () => {
  let tmux: TestTmux;
  let bridge: TestBridge;
  const lines: string[] = [];
  let engineId = '';

  beforeAll(async () => {
    await removeTestContainers();
    await ensureTestImage();
    engineId = (await execFile('docker', ['info', '--format', '{{.ID}}'])).stdout.trim();
  });
  beforeEach(async () => {
    lines.length = 0;
    tmux = await createTestTmux();
    bridge = await openTestBridge({
      tmuxSocket: tmux.socket,
      env: { CC_BRIDGE_CONTAINER_LABEL: label },
      logger: createLogger('warn', (line) => lines.push(line.trim())),
    });
  });
  afterEach(async () => {
    await bridge.dispose();
    await tmux.dispose();
    await removeTestContainers();
  });
  afterAll(() => removeTestContainers());

  it('maps every state on purpose, and discover, status and refresh agree on it', async () => {
    const named = (name: string) => ({ name: `ccb-t-state-${name}`, labels: { [label]: name } });
    const crashy = await runTestContainer({ ...named('crashy'), command: ['sh', '-c', 'exit 3'], hostConfig: { RestartPolicy: { Name: 'always' } } });
    await runTestContainer({ ...named('created'), start: false });
    await runTestContainer({ ...named('running') });
    await runTestContainer({ ...named('unhealthy'), healthcheck: { Test: ['CMD', 'false'], Interval: seconds(1), Retries: 1 } });
    await runTestContainer({ ...named('healthy'), healthcheck: { Test: ['CMD', 'true'], Interval: seconds(1), Retries: 1 } });
    const paused = await runTestContainer({ ...named('paused') });
    await paused.pause();
    await runTestContainer({ ...named('exit0'), command: ['true'] });
    await runTestContainer({ ...named('exit1'), command: ['false'] });
    const stopped = await runTestContainer({ ...named('stopped') });
    await stopped.stop({ t: 1 });
    await runTestContainer({
      ...named('oom'),
      command: ['sh', '-c', 'a=xxxxxxxxxxxxxxxx; while true; do a="$a$a"; done'],
      hostConfig: { Memory: eightMegabytes, MemorySwap: eightMegabytes },
    });

    const crashLoop: Expected = { status: 'error', runtimeState: 'restarting', runtimeHealth: null, exitCode: 3, oomKilled: false };
    const stable: Record<string, Expected> = {
      created: { status: 'created', runtimeState: 'created', runtimeHealth: null, exitCode: null, oomKilled: false },
      running: { status: 'running', runtimeState: 'running', runtimeHealth: null, exitCode: null, oomKilled: false },
      unhealthy: { status: 'error', runtimeState: 'running', runtimeHealth: 'unhealthy', exitCode: null, oomKilled: false },
      healthy: { status: 'running', runtimeState: 'running', runtimeHealth: 'healthy', exitCode: null, oomKilled: false },
      paused: { status: 'stopped', runtimeState: 'paused', runtimeHealth: null, exitCode: null, oomKilled: false },
      exit0: { status: 'stopped', runtimeState: 'exited', runtimeHealth: null, exitCode: 0, oomKilled: false },
      exit1: { status: 'error', runtimeState: 'exited', runtimeHealth: null, exitCode: 1, oomKilled: false },
      stopped: { status: 'stopped', runtimeState: 'exited', runtimeHealth: null, exitCode: 137, oomKilled: false },
      oom: { status: 'error', runtimeState: 'exited', runtimeHealth: null, exitCode: 137, oomKilled: true },
    };

    // Health checks and the OOM killer take a moment; the restart back-off doubles from 100 ms,
    // so after five restarts the loop spends seconds restarting for each few milliseconds it runs.
    const docker = getTestDockerClient();
    await vi.waitFor(
      async () => {
        const crash = await crashy.inspect();
        expect(crash.RestartCount).toBeGreaterThanOrEqual(5);
        for (const name of ['unhealthy', 'healthy', 'oom']) {
          const { State: state } = await docker.getContainer(`ccb-t-state-${name}`).inspect();
          expect(state.Health?.Status ?? state.Status).toBe({ unhealthy: 'unhealthy', healthy: 'healthy', oom: 'exited' }[name]);
        }
      },
      { timeout: 30_000, interval: 250 },
    );

    const report = await bridge.manager.refreshDiscovery();
    expect(report.errors).toEqual([]);
    expect(report.engine).toEqual({ id: engineId, name: expect.any(String), endpoint: 'unix:///var/run/docker.sock' });
    expect(report.added.sort()).toEqual(['crashy', ...Object.keys(stable)].sort());
    const pick = ({ status, runtimeState, runtimeHealth, exitCode, oomKilled }: Instance) => ({ status, runtimeState, runtimeHealth, exitCode, oomKilled });
    // A crash loop still runs its process for a few milliseconds between back-offs, and a read
    // that lands there truly sees `running`: it is checked on its own below, until it is caught
    // restarting, while every other state is stable and must read the same on every path.
    for (const [name, facts] of Object.entries(stable)) {
      const record = await bridge.manager.getInstanceOrThrow(name);
      expect([name, pick(record)]).toEqual([name, facts]);
      expect(record).toMatchObject({ dockerEngineId: engineId, dockerEndpoint: 'unix:///var/run/docker.sock', version: 1 });
    }

    // Inspect (status) and the list call (refresh) read the same states: nothing flips.
    for (const [name, facts] of Object.entries(stable)) {
      const status = await bridge.manager.getInstanceStatus(name, { refresh: true });
      expect([name, status.status, status.error, pick(status.instance)]).toEqual([name, facts.status, null, facts]);
    }
    const refresh = await bridge.manager.refreshStatuses();
    expect(refresh).toMatchObject({ errors: [], otherEngine: [] });
    expect(refresh.changed.filter((change) => change.name !== 'crashy')).toEqual([]);
    expect(refresh.engine?.id).toBe(engineId);

    // The crash loop, through inspect (status) and through the list call (refresh).
    await vi.waitFor(
      async () => {
        const status = await bridge.manager.getInstanceStatus('crashy', { refresh: true });
        expect([status.status, status.error, pick(status.instance)]).toEqual([crashLoop.status, null, crashLoop]);
      },
      { timeout: 15_000, interval: 100 },
    );
    await vi.waitFor(
      async () => {
        await bridge.manager.refreshStatuses();
        expect(pick(await bridge.manager.getInstanceOrThrow('crashy'))).toEqual(crashLoop);
      },
      { timeout: 15_000, interval: 100 },
    );
    for (const name of ['crashy', ...Object.keys(stable)]) expect((await bridge.manager.getInstanceOrThrow(name)).version).toBe(1);
  });

  it('writes a new exit code on the record without bumping its version, and clears the state of a removed container', async () => {
    const box = await runTestContainer({ name: 'ccb-t-state-rerun', labels: { [label]: 'rerun' }, command: ['sh', '-c', 'exit 2'] });
    await box.wait();
    await bridge.manager.refreshDiscovery();
    expect(await bridge.manager.getInstanceOrThrow('rerun')).toMatchObject({ status: 'error', runtimeState: 'exited', exitCode: 2, version: 1 });

    await box.remove({ force: true });
    const report = await bridge.manager.refreshDiscovery();
    expect(report.markedStopped).toEqual(['rerun']);
    expect(await bridge.manager.getInstanceOrThrow('rerun')).toMatchObject({
      status: 'stopped',
      runtimeState: null,
      exitCode: null,
      // The record still belongs to the Engine that had its container.
      dockerEngineId: engineId,
      version: 1,
    });
  });

  it('warns when a label value is not a valid name, and keeps the value in the event', async () => {
    await runTestContainer({ name: 'ccb-t-state-spaced', labels: { [label]: 'my agent' } });
    const report = await bridge.manager.refreshDiscovery();
    expect(report.added).toEqual(['my-agent']);
    expect(lines).toEqual([`cc-bridge warn: container ccb-t-state-spaced: label ${label}="my agent" is not a valid instance name; made into "my-agent"`]);
    const [discovered] = await bridge.manager.listEvents('my-agent');
    expect(discovered).toMatchObject({ kind: 'discovered', message: `label ${label}="my agent" is not a valid instance name; made into "my-agent"` });
  });
});
