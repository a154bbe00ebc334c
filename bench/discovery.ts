// Times refreshDiscovery() against `docker ps -a --filter label=… --format json` on N labelled
// containers (created, not started), cold (every container new to the registry) and warm.
//   pnpm bench:discovery            (200 containers)
//   pnpm bench:discovery --n 1000
import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { loadConfig } from '../packages/core/src/config.ts';
import { openDatabase } from '../packages/core/src/db/database.ts';
import { DockerDiscoverer } from '../packages/core/src/discovery/docker-discoverer.ts';
import { InstanceManager } from '../packages/core/src/instance-manager.ts';
import { silentLogger } from '../packages/core/src/logger.ts';
import { createDockerClient } from '../packages/core/src/runtimes/docker/docker-client.ts';
import { createDockerRuntime } from '../packages/core/src/runtimes/docker/docker-runtime.ts';
import type { DockerRuntime } from '../packages/core/src/runtimes/runtime.ts';
import { createTmuxRuntime } from '../packages/core/src/runtimes/tmux/tmux-runtime.ts';
import { ensureTestImage, getTestDockerClient } from '../packages/core/src/testing/index.ts';

const execFile = promisify(execFileCallback);
const { values } = parseArgs({ options: { n: { type: 'string', default: '200' }, runs: { type: 'string', default: '5' } } });
const count = Number(values.n);
const runs = Number(values.runs);
const benchLabel = 'cc-bridge.bench';
const instanceLabel = 'cc-bridge.instance';

async function time<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await run();
  return { ms: performance.now() - start, result };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function removeBenchContainers(): Promise<void> {
  const docker = getTestDockerClient();
  const containers = await docker.listContainers({ all: true, filters: { label: [benchLabel] } });
  await inBatches(containers, 16, (summary) => docker.getContainer(summary.Id).remove({ force: true }));
}

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += size) await Promise.all(items.slice(start, start + size).map(work));
}

/** Counts calls into the Docker runtime: discovery must make one list call, none per container. */
function counting(runtime: DockerRuntime, calls: Map<string, number>): DockerRuntime {
  return new Proxy(runtime, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

const home = await mkdtemp(join(tmpdir(), 'cc-bridge-bench-'));
await removeBenchContainers();
try {
  const image = await ensureTestImage();
  const docker = getTestDockerClient();
  process.stderr.write(`creating ${count} containers…\n`);
  const created = await time(() =>
    inBatches([...Array(count).keys()], 16, (index) =>
      docker.createContainer({
        name: `ccb-bench-${index}`,
        Image: image,
        Cmd: ['sleep', '3600'],
        Labels: { [instanceLabel]: `bench-${index}`, [benchLabel]: '1' },
        HostConfig: { NetworkMode: 'none' },
      }),
    ),
  );
  process.stderr.write(`created in ${(created.ms / 1000).toFixed(1)} s\n`);

  const config = loadConfig({ dataDir: join(home, 'db'), dockerEnabled: true }, { HOME: home, CC_BRIDGE_IMAGE_PATTERNS: 'no-image-matches-this' });
  const database = await openDatabase(config.database, silentLogger);
  const calls = new Map<string, number>();
  const runtime = counting(createDockerRuntime(createDockerClient(config.docker.host)), calls);
  const manager = new InstanceManager({
    prisma: database.prisma,
    tmux: createTmuxRuntime({ socket: join(home, 'tmux.sock') }),
    dockerHosts: [{ name: 'local', docker: runtime, discoverer: new DockerDiscoverer(runtime, config.docker, silentLogger) }],
    config,
    logger: silentLogger,
    actor: 'bench',
  });

  const dockerPs = () => execFile('docker', ['ps', '-a', '--filter', `label=${instanceLabel}`, '--format', 'json'], { maxBuffer: 256 * 1024 * 1024 });
  await dockerPs();
  const cold = await time(() => manager.refreshDiscovery());
  if (cold.result.added.length !== count) throw new Error(`cold discovery added ${cold.result.added.length}, expected ${count}`);
  const coldCalls = Object.fromEntries(calls);
  calls.clear();

  const warm: number[] = [];
  const ps: number[] = [];
  const lists: number[] = [];
  for (let run = 0; run < runs; run++) {
    ps.push((await time(dockerPs)).ms);
    lists.push((await time(() => runtime.listContainers())).ms);
    const refresh = await time(() => manager.refreshDiscovery());
    if (refresh.result.added.length !== 0 || refresh.result.found !== count) throw new Error('warm discovery changed the registry');
    warm.push(refresh.ms);
  }
  calls.set('listContainers', (calls.get('listContainers') ?? 0) - runs);
  const warmCalls = Object.fromEntries([...calls].map(([name, n]) => [name, n / runs]));
  await database.close();

  const psMedian = median(ps);
  const warmMedian = median(warm);
  const lines = [
    `containers: ${count} (created, not started), runs: ${runs}`,
    `docker ps -a --filter label=${instanceLabel} --format json: median ${psMedian.toFixed(0)} ms`,
    `the Engine's list call alone (dockerode, all containers): median ${median(lists).toFixed(0)} ms`,
    `refreshDiscovery() cold (adds ${count} records): ${cold.ms.toFixed(0)} ms  ratio ${(cold.ms / psMedian).toFixed(2)}x  Docker calls ${JSON.stringify(coldCalls)}`,
    `refreshDiscovery() warm: median ${warmMedian.toFixed(0)} ms  ratio ${(warmMedian / psMedian).toFixed(2)}x  Docker calls per run ${JSON.stringify(warmCalls)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  process.stderr.write('removing containers…\n');
  await removeBenchContainers();
  await rm(home, { recursive: true, force: true });
}
