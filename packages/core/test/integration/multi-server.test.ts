// Two cc-bridges on one database, as two dashboard servers (or a dashboard and the CLI): each
// follows the same Engine, so each runs discovery and refreshes on the same changes. What they
// write must be what one would have written: one record per container, one event per change.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openCcBridge, type CcBridge } from '../../src/cc-bridge.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import {
  createTestTmux,
  ensureTestImage,
  getTestDockerClient,
  openTestBridge,
  removeTestContainers,
  runTestContainer,
  TEST_RUN,
  testBackends,
  type TestBridge,
  type TestTmux,
} from '../../src/testing/index.ts';

// This run's own label: other suites' labelled containers on this Engine are not ours to count.
const label = `ccb-multi-${TEST_RUN}.instance`;

describe.each(testBackends())('two bridges on one %s database', (backend) => {
  let tmux: TestTmux;
  let first: TestBridge;
  let second: CcBridge;
  let secondHome: string;

  beforeAll(async () => {
    await ensureTestImage();
  });
  beforeEach(async () => {
    tmux = await createTestTmux();
    first = await openTestBridge({ backend, tmuxSocket: tmux.socket, env: { CC_BRIDGE_CONTAINER_LABEL: label } });
    secondHome = await mkdtemp(join(tmpdir(), 'cc-bridge-second-'));
    // The same database: the server's URL, or the embedded folder (a client through its owner's socket).
    const env = {
      HOME: secondHome,
      CC_BRIDGE_TMUX_SOCKET: tmux.socket,
      CC_BRIDGE_TMUX_COMMAND: 'sleep 3600',
      CC_BRIDGE_IMAGE_PATTERNS: 'claude-code-test',
      CC_BRIDGE_CONTAINER_LABEL: label,
      ...(first.databaseUrl ? { DATABASE_URL: first.databaseUrl } : { CC_BRIDGE_DATA_DIR: first.dataDir ?? '' }),
    };
    second = await openCcBridge({ config: loadConfig({}, env), logger: silentLogger, actor: 'second', skipStartup: true });
  });
  afterEach(async () => {
    await second.close();
    await first.dispose();
    await rm(secondHome, { recursive: true, force: true });
    await tmux.dispose();
    await removeTestContainers();
  });
  afterAll(() => removeTestContainers());

  /** The records of the containers, and their events of `kinds`, counted per container. */
  async function countsOf(containerIds: string[], kinds: string[]): Promise<{ records: number; events: number }[]> {
    const records = await first.manager.listDockerInstances();
    return Promise.all(
      containerIds.map(async (containerId) => {
        const mine = records.items.filter((record) => record.containerId === containerId);
        const events = await Promise.all(mine.map((record) => first.manager.listEvents(record.name)));
        return { records: mine.length, events: events.flat().filter((event) => kinds.includes(event.kind)).length };
      }),
    );
  }

  it('registers each container once when both run discovery at the same time, again and again', async () => {
    const containers = await Promise.all(
      [1, 2, 3].map((index) => runTestContainer({ name: `ccb-t-multi-${String(index)}-${TEST_RUN}`, labels: { [label]: `multi-${String(index)}` } })),
    );
    const reports = await Promise.all([1, 2, 3].flatMap(() => [first.manager.refreshDiscovery(), second.manager.refreshDiscovery()]));
    expect(reports.flatMap((report) => report.errors)).toEqual([]);
    expect(reports.flatMap((report) => report.added).sort()).toEqual(['multi-1', 'multi-2', 'multi-3']);
    expect(await countsOf(containers.map((container) => container.id), ['discovered', 'status_changed'])).toEqual([
      { records: 1, events: 1 },
      { records: 1, events: 1 },
      { records: 1, events: 1 },
    ]);

    // A change discovery merges (the container stopped, another removed) is written by one of them.
    const [stopped, removed] = containers;
    if (!stopped || !removed) throw new Error('three containers were started');
    await getTestDockerClient().getContainer(stopped.id).kill();
    await getTestDockerClient().getContainer(removed.id).remove({ force: true });
    const again = await Promise.all([1, 2, 3].flatMap(() => [first.manager.refreshDiscovery(), second.manager.refreshDiscovery()]));
    expect(again.flatMap((report) => report.updated)).toEqual(['multi-1']);
    expect(again.flatMap((report) => report.markedStopped)).toEqual(['multi-2']);
    expect(await countsOf([stopped.id, removed.id], ['status_changed'])).toEqual([
      { records: 1, events: 1 },
      { records: 1, events: 1 },
    ]);
  });

  it('writes a stop both observe as one status change', async () => {
    const container = await runTestContainer({ name: `ccb-t-multi-stop-${TEST_RUN}`, labels: { [label]: 'multi-stop' } });
    await first.manager.refreshDiscovery();
    await getTestDockerClient().getContainer(container.id).kill();
    const reports = await Promise.all([1, 2, 3].flatMap(() => [first.manager.refreshStatuses(), second.manager.refreshStatuses()]));
    expect(reports.flatMap((report) => report.changed)).toEqual([{ name: 'multi-stop', from: 'running', to: 'stopped' }]);
    expect(await countsOf([container.id], ['status_changed'])).toEqual([{ records: 1, events: 1 }]);
    expect(await first.manager.getInstanceOrThrow('multi-stop')).toMatchObject({ status: 'stopped' });
  });
});
