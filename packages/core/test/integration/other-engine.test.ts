// Item 4 of issue 6: a different Engine never stops or prunes this Engine's records. Two real
// Engines on this machine: the machine's, and an empty one started for this file.
import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCcBridge, type CcBridge } from '../../src/cc-bridge.ts';
import { loadConfig } from '../../src/config.ts';
import { isCcBridgeError } from '../../src/errors.ts';
import { createLogger, silentLogger } from '../../src/logger.ts';
import {
  createTestTmux,
  ensureTestImage,
  removeTestContainers,
  runTestContainer,
  startSecondEngine,
  TEST_RUN,
  type TestEngine,
  type TestTmux,
} from '../../src/testing/index.ts';

const execFile = promisify(execFileCallback);
const label = `cc-bridge.instance.${TEST_RUN}`;

describe('a second Docker Engine on the same registry', () => {
  let other: TestEngine | null = null;
  let skipped = '';
  let tmux: TestTmux;
  let home: string;
  let here: CcBridge;
  let there: CcBridge;
  let hereId = '';

  beforeAll(async () => {
    const started = await startSecondEngine();
    if (!started.engine) {
      skipped = started.skipped;
      // A skip passes quietly; the reason belongs in the output.
      createLogger('warn').warn(`skipping the two-Engine tests: ${skipped}`);
      return;
    }
    other = started.engine;
    await removeTestContainers();
    await ensureTestImage();
    hereId = (await execFile('docker', ['info', '--format', '{{.ID}}'])).stdout.trim();
    tmux = await createTestTmux();
    home = await mkdtemp(join(tmpdir(), 'cc-bridge-engines-'));
    // One registry (one embedded data folder), two processes' worth of cc-bridge: one per Engine.
    const env = {
      HOME: home,
      CC_BRIDGE_DATA_DIR: join(home, 'db'),
      CC_BRIDGE_TMUX_SOCKET: tmux.socket,
      CC_BRIDGE_CONTAINER_LABEL: label,
      CC_BRIDGE_IMAGE_PATTERNS: 'claude-code-test',
    };
    here = await openCcBridge({ config: loadConfig({}, env), logger: silentLogger, actor: 'here', skipStartup: true });
    there = await openCcBridge({ config: loadConfig({}, { ...env, DOCKER_HOST: other.host }), logger: silentLogger, actor: 'there', skipStartup: true });
  }, 120_000);

  afterAll(async () => {
    if (!other) return;
    await there.close();
    await here.close();
    await tmux.dispose();
    await rm(home, { recursive: true, force: true });
    await other.dispose();
    await removeTestContainers();
  });

  it('has an ID of its own', (context) => {
    if (!other) return context.skip(skipped);
    expect(other.id).not.toBe(hereId);
  });

  it('neither marks stopped nor prunes a record whose container is on the first Engine', async (context) => {
    if (!other) return context.skip(skipped);
    const container = await runTestContainer({ name: 'ccb-t-engines-keep', labels: { [label]: 'keep' } });
    const found = await here.manager.refreshDiscovery();
    expect(found).toMatchObject({ added: ['keep'], errors: [], engine: { id: hereId, endpoint: 'unix:///var/run/docker.sock' } });
    const keep = await here.manager.getInstanceOrThrow('keep');
    expect(keep).toMatchObject({ status: 'running', dockerEngineId: hereId, dockerEndpoint: 'unix:///var/run/docker.sock' });
    const history = await here.manager.listEvents('keep');

    const discovery = await there.manager.refreshDiscovery();
    expect(discovery).toMatchObject({ errors: [], markedStopped: [], otherEngine: ['keep'], engine: { id: other.id, endpoint: other.host } });

    const dryRun = await there.manager.pruneDiscoveredInstances({ dryRun: true });
    expect(dryRun).toMatchObject({ removed: [], otherEngine: ['keep'], engine: { id: other.id, endpoint: other.host } });
    expect((await there.manager.pruneDiscoveredInstances()).removed).toEqual([]);

    const refresh = await there.manager.refreshStatuses();
    expect(refresh).toMatchObject({ errors: [], changed: [], otherEngine: ['keep'], engine: { id: other.id } });

    const status = await there.manager.getInstanceStatus('keep', { refresh: true });
    expect(status).toMatchObject({ status: 'running', isFresh: false, error: { code: 'DOCKER_UNAVAILABLE' } });
    expect(status.error?.message).toContain(hereId);
    expect(status.error?.message).toContain(other.id);

    // Asked to remove its container, the other Engine must not call it "already gone" and drop the record.
    await expect(there.manager.deleteInstance('keep', { removeRuntime: true })).rejects.toSatisfy((error) => isCcBridgeError(error, 'DOCKER_UNAVAILABLE'));

    expect(await here.manager.getInstanceOrThrow('keep')).toEqual(keep);
    expect(await here.manager.listEvents('keep')).toEqual(history);
    expect((await container.inspect()).State.Running).toBe(true);

    // Back on its own Engine, nothing had changed.
    expect(await here.manager.refreshDiscovery()).toMatchObject({ added: [], updated: [], markedStopped: [], otherEngine: [] });
  });

  it('lets the first Engine to see a container claim a record that no Engine had seen', async (context) => {
    if (!other) return context.skip(skipped);
    const container = await runTestContainer({ name: 'ccb-t-engines-byhand' });
    await here.manager.createDockerInstance({ name: 'byhand', containerId: container.id, containerName: 'ccb-t-engines-byhand' });
    expect(await here.manager.getInstanceOrThrow('byhand')).toMatchObject({ dockerEngineId: null, runtimeState: null });

    await here.manager.refreshStatuses();
    expect(await here.manager.getInstanceOrThrow('byhand')).toMatchObject({ status: 'running', dockerEngineId: hereId, runtimeState: 'running', version: 1 });
    expect((await there.manager.refreshStatuses()).otherEngine).toContain('byhand');
    expect((await here.manager.getInstanceOrThrow('byhand')).status).toBe('running');
  });

  it('still marks stopped a record no Engine has seen when the Engine asked does not have its container', async (context) => {
    if (!other) return context.skip(skipped);
    await here.manager.createDockerInstance({ name: 'unseen', containerId: 'f'.repeat(64), containerName: 'ccb-t-engines-unseen' });
    const report = await there.manager.refreshDiscovery();
    expect(report.markedStopped).toContain('unseen');
    expect(await here.manager.getInstanceOrThrow('unseen')).toMatchObject({ status: 'stopped', dockerEngineId: null });
  });
});
