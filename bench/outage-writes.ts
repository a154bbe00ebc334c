// Times the registry's writes when N Docker records come back from an outage (issue 8, case 4),
// without containers: the Engine is a stand-in that lists N made-up running containers, or fails
// while "cut". Each round: discovery registers the N, a refresh while cut makes them `unknown`,
// then the timed call (refreshDiscovery or refreshStatuses) writes all N back to `running`.
//   pnpm bench:outage-writes            (1,000 records, 3 rounds; embedded database, or DATABASE_URL)
//   pnpm bench:outage-writes --n 300 --rounds 5
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadConfig } from '../packages/core/src/config.ts';
import { openDatabase } from '../packages/core/src/db/database.ts';
import { DockerDiscoverer } from '../packages/core/src/discovery/docker-discoverer.ts';
import { CcBridgeError } from '../packages/core/src/errors.ts';
import { InstanceManager } from '../packages/core/src/instance-manager.ts';
import { silentLogger } from '../packages/core/src/logger.ts';
import type { ContainerInfo, DockerEngine, DockerRuntime } from '../packages/core/src/runtimes/runtime.ts';
import { createTmuxRuntime } from '../packages/core/src/runtimes/tmux/tmux-runtime.ts';

const { values } = parseArgs({ options: { n: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '3' } } });
const count = Number(values.n);
const rounds = Number(values.rounds);
const label = 'cc-bridge.instance';
const engine: DockerEngine = { id: 'BENCH:ENGINE', name: 'bench', endpoint: 'unix:///bench.sock' };
const containers: ContainerInfo[] = Array.from({ length: count }, (_, index) => ({
  id: index.toString(16).padStart(64, '0'),
  name: `bench-${index}`,
  image: 'busybox:latest',
  state: 'running',
  health: null,
  exitCode: null,
  oomKilled: false,
  labels: { [label]: `bench-${index}` },
  networks: ['none'],
  createdAt: new Date('2026-12-01T00:00:00Z'),
}));

let isCut = false;
const unreachable = () => new CcBridgeError('DOCKER_UNAVAILABLE', 'the bench cut the Engine');
// Only what discovery and the status refresh call; anything else fails loudly.
const engineStandIn = new Proxy({} as DockerRuntime, {
  get(_target, property) {
    if (property === 'ping') return () => (isCut ? Promise.reject(unreachable()) : Promise.resolve());
    if (property === 'getEngine') return () => (isCut ? Promise.reject(unreachable()) : Promise.resolve(engine));
    if (property === 'listContainers') return () => (isCut ? Promise.reject(unreachable()) : Promise.resolve(containers));
    if (property === 'then') return undefined;
    return () => Promise.reject(new Error(`the bench's Engine stand-in has no ${String(property)}`));
  },
});

const home = await mkdtemp(join(tmpdir(), 'cc-bridge-bench-'));
try {
  const config = loadConfig({ dataDir: join(home, 'db'), dockerEnabled: true }, { HOME: home, ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}) });
  const database = await openDatabase(config.database, silentLogger);
  const manager = new InstanceManager({
    prisma: database.prisma,
    tmux: createTmuxRuntime({ socket: join(home, 'tmux.sock') }),
    dockerHosts: [{ name: 'local', docker: engineStandIn, discoverer: new DockerDiscoverer(engineStandIn, config.docker, silentLogger) }],
    config,
    logger: silentLogger,
    actor: 'bench',
    noAnswerRetryMs: 0,
  });
  const added = await manager.refreshDiscovery();
  if (added.added.length !== count) throw new Error(`discovery added ${added.added.length}, expected ${count}`);

  const cut = async () => {
    isCut = true;
    await manager.refreshStatuses();
    isCut = false;
    const unknown = await database.prisma.instance.count({ where: { status: 'unknown' } });
    if (unknown !== count) throw new Error(`${unknown} records unknown after the cut, expected ${count}`);
  };
  const timed = async (run: () => Promise<unknown>) => {
    const start = performance.now();
    await run();
    const ms = performance.now() - start;
    const running = await database.prisma.instance.count({ where: { status: 'running' } });
    if (running !== count) throw new Error(`${running} records running after the call, expected ${count}`);
    return ms;
  };
  const discovery: number[] = [];
  const refresh: number[] = [];
  for (let round = 0; round < rounds; round++) {
    await cut();
    discovery.push(await timed(() => manager.refreshDiscovery()));
    await cut();
    refresh.push(await timed(() => manager.refreshStatuses()));
  }
  await database.close();
  const show = (ms: number[]) => ms.map((value) => value.toFixed(0)).join(', ');
  process.stdout.write(
    [
      `records back from unknown: ${count}, database: ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'}`,
      `refreshDiscovery() ms: ${show(discovery)}`,
      `refreshStatuses() ms: ${show(refresh)}`,
    ].join('\n') + '\n',
  );
} finally {
  await rm(home, { recursive: true, force: true });
}
