// Live status as a user sees it (issue 8): the built dashboard (started on a loopback port as the
// e2e support's startServer starts it, on the embedded database in a private folder, or on
// DATABASE_URL when set) with real Chromium pages on /instances, against the real Docker Engine
// reached through a relay socket the bench can cut.
//   pnpm bench:live                                            (1,000 containers, 60 s idle, 20 tries)
//   pnpm bench:live --containers 50 --idle-seconds 10 --tries 5  (a quick run)
// Needs a dashboard build (pnpm exec turbo run build --filter=@cc-bridge/web) and /usr/bin/chromium.
//
// Before the server starts, the bench runs `--containers` labelled busybox containers (the fleet)
// and `--tries` more for case 1, all `--network none`, labelled cc-bridge.test=<run id> and with
// the discovery label the server is configured with; all are removed at the end, on failure and
// on Ctrl-C too. The server's DOCKER_HOST is unix://<folder>/relay.sock, a byte-for-byte relay to
// the Engine's socket (core's relayEngine), for every case.
//   1. docker stop → stopped: the clock starts just before `docker stop` is spawned (from this
//      process, not cc-bridge) and ends when this process hears that the page's row for the
//      container shows `stopped` in its status cell (the page checks its DOM every animation
//      frame, ~16 ms). Floor: the `docker stop` command's own wall time (it returns once the
//      Engine has the container stopped).
//   2. create → row: the clock starts just before `cc-bridge instances create NAME` (the CLI
//      bundle, another process) is spawned and ends when the row exists on an open page. Floor:
//      the command's own wall time until it exits (its record is written before it exits).
//   3. idle CPU: the server's process tree (utime + stime from /proc) over `--idle-seconds`,
//      first with no page open (nobody follows anything), then with 5 pages open; % of one core.
//   4. Engine outage: the relay is cut for `--outage-seconds` while 5 pages are open, then
//      restored. Events = rows of the event table written from the cut until every record is
//      right again and 2 s more, for the end-of-outage event (by kind); "right" = every fleet
//      record reads `running` and every case-1 record `stopped`, polled every 50 ms on the
//      database. Floor: one `docker ps -a` listing the fleet, the least it takes to learn every
//      container's state.
// Times are wall clock (performance.now()) in this process. Other work on the machine shows in
// every figure: the load average is printed at the end.
// The DOM library: the functions run in the page (page.waitForFunction) are typed against it.
/// <reference lib="dom" />
import { execFile as execFileCallback, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import pLimit from 'p-limit';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../apps/web/e2e/support/server.ts';
import { loadConfig } from '../packages/core/src/config.ts';
import { openDatabase, type Database } from '../packages/core/src/db/database.ts';
import { silentLogger } from '../packages/core/src/logger.ts';
import { freePort, getTestDockerClient, relayEngine, runTestContainer, TEST_LABEL, TEST_RUN } from '../packages/core/src/testing/index.ts';

const execFile = promisify(execFileCallback);
const { values } = parseArgs({
  options: {
    containers: { type: 'string', default: '1000' },
    'idle-seconds': { type: 'string', default: '60' },
    tries: { type: 'string', default: '20' },
    'outage-seconds': { type: 'string', default: '5' },
    'timeout-seconds': { type: 'string', default: '5' },
  },
});
function wholeNumber(flag: keyof typeof values, min: number): number {
  const value = Number(values[flag]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${flag} wants a whole number ≥ ${min}, not ${values[flag]}`);
  return value;
}
const fleetSize = wholeNumber('containers', 1);
const idleMs = wholeNumber('idle-seconds', 1) * 1000;
const tries = wholeNumber('tries', 1);
const outageMs = wholeNumber('outage-seconds', 1) * 1000;
const timeoutMs = wholeNumber('timeout-seconds', 1) * 1000;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cliBin = join(root, 'apps', 'cli', 'bin', 'cc-bridge.js');
const chromiumPath = '/usr/bin/chromium';
if (!existsSync(join(root, 'apps', 'web', '.next', 'BUILD_ID'))) throw new Error('no dashboard build: pnpm exec turbo run build --filter=@cc-bridge/web');
if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing (apt-get install -y chromium)`);

// Names carry the run id: a run beside another (or beside the test suites) touches nothing of theirs.
const discoveryLabel = `cc-bridge-bench.instance-${TEST_RUN}`;
const fleetName = (index: number) => `bench-${TEST_RUN}-fleet-${index}`;
const stopName = (index: number) => `bench-${TEST_RUN}-stop-${index}`;
const newName = (index: number) => `bench-${TEST_RUN}-new-${index}`;
const containerName = (name: string) => `ccb-${name}`;

// ---- figures ----

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}
const seconds = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : `> ${(timeoutMs / 1000).toFixed(0)}`);
const rows: string[][] = [];
/** A row of timings (ms; Infinity = not within the timeout): median, p95, how many made it. */
function recordTimes(name: string, samples: readonly number[], target: string): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const within = samples.filter(Number.isFinite).length;
  rows.push([name, `${within}/${samples.length}`, `${seconds(percentile(sorted, 0.5))} s`, `${seconds(percentile(sorted, 0.95))} s`, target]);
  process.stderr.write(`  ${name}: median ${seconds(percentile(sorted, 0.5))} s\n`);
}
function recordValue(name: string, value: string, target: string): void {
  rows.push([name, '-', value, '-', target]);
  process.stderr.write(`  ${name}: ${value}\n`);
}
function printTable(): void {
  const header = ['case', 'n', 'median', 'p95', 'target'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => (column === 0 || column === 4 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column === 0 || column === 4 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  process.stdout.write(`${[line(header), rule, ...rows.map(line)].join('\n')}\n`);
}

// ---- containers ----

const docker = getTestDockerClient();
const limit = pLimit(8);

/** Runs labelled containers concurrently (8 at a time), with progress on stderr. */
async function runContainers(names: readonly string[], command: string[] | undefined): Promise<void> {
  let done = 0;
  await Promise.all(
    names.map((name) =>
      limit(async () => {
        await runTestContainer({ name: containerName(name), labels: { [discoveryLabel]: name }, command });
        done += 1;
        if (done % 100 === 0 || done === names.length) process.stderr.write(`  ${done}/${names.length} containers running\n`);
      }),
    ),
  );
}

/** Force-removes this run's containers (label cc-bridge.test=<run id>), and no one else's. */
async function removeContainers(): Promise<void> {
  const mine = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${TEST_RUN}`] } });
  if (mine.length > 0) process.stderr.write(`removing ${mine.length} containers…\n`);
  await Promise.all(mine.map((summary) => limit(() => docker.getContainer(summary.Id).remove({ force: true }))));
}

// ---- CPU from /proc ----

/** utime + stime (clock ticks) of `rootPid` and every process below it, from /proc/PID/stat. */
async function treeTicks(rootPid: number): Promise<number> {
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const text = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
    if (text === null) continue; // ended meanwhile
    // The command name is in parentheses and may hold spaces: the fields follow the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    stats.set(Number(entry), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
  }
  let total = 0;
  const pending = [rootPid];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    total += stats.get(pid)?.ticks ?? 0;
    for (const [child, stat] of stats) if (stat.parent === pid) pending.push(child);
  }
  return total;
}

/** CPU of the process tree under `pid` over `ms`, as % of one core. */
async function cpuPercent(pid: number, ms: number): Promise<number> {
  const ticksPerSecond = Number((await execFile('getconf', ['CLK_TCK'])).stdout.trim());
  const before = await treeTicks(pid);
  const started = performance.now();
  await sleep(ms);
  const after = await treeTicks(pid);
  return ((after - before) / ticksPerSecond / ((performance.now() - started) / 1000)) * 100;
}

// ---- the page ----

/**
 * Resolves when `name`'s row on `page` shows `status` in its status cell (the third cell; any
 * status when null: the row exists), checked every animation frame; false after `ms`.
 */
async function rowShows(page: Page, name: string, status: string | null, ms: number): Promise<boolean> {
  try {
    await page.waitForFunction(
      ([rowName, wanted]) => {
        const boxes = document.querySelectorAll('table[aria-label="Instances"] input[type="checkbox"]');
        const box = Array.from(boxes).find((element) => element.getAttribute('aria-label') === `Select ${rowName}`);
        const row = box?.closest('tr');
        if (!row) return false;
        return wanted === null || row.cells.item(2)?.textContent.trim() === wanted;
      },
      [name, status] as const,
      { polling: 'raf', timeout: ms },
    );
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') return false;
    throw error;
  }
}

async function openPage(browser: Browser, url: string): Promise<Page> {
  // A context each, as five users would have: Chromium allows 6 connections per origin in one,
  // and every open page holds one for its event stream.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByRole('status', { name: 'Live updates' }).filter({ hasText: 'live' }).waitFor({ timeout: 30_000 });
  return page;
}

// ---- the run ----

const dir = await mkdtemp(join(tmpdir(), 'cc-bridge-bench-live-'));
const relaySocket = join(dir, 'relay.sock');
const configFile = join(dir, 'config.toml');
await writeFile(configFile, '# bench:live: everything comes from the environment\n');
const env: Record<string, string> = {
  HOME: dir,
  CC_BRIDGE_CONFIG: configFile,
  CC_BRIDGE_DATA_DIR: join(dir, 'db'),
  CC_BRIDGE_TMUX_SOCKET: join(dir, 'tmux.sock'),
  CC_BRIDGE_CONTAINER_LABEL: discoveryLabel,
  // Discovery by image name would also find the containers of anything else on this Engine.
  CC_BRIDGE_IMAGE_PATTERNS: `cc-bridge-bench-nothing-${TEST_RUN}`,
  CC_BRIDGE_DOCKER_NETWORK: 'none',
  CC_BRIDGE_LOG_LEVEL: 'warn',
  DOCKER_HOST: `unix://${relaySocket}`,
  ...(process.env.DATABASE_URL === undefined ? {} : { DATABASE_URL: process.env.DATABASE_URL }),
};
const childEnv = { ...process.env, ...env };

let relay: { close(): Promise<void> } | null = null;
let server: RunningServer | null = null;
let browser: Browser | null = null;
let database: Database | null = null;
let cleaning: Promise<void> | null = null;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    const steps: (() => Promise<unknown>)[] = [
      async () => browser?.close(),
      async () => database?.close(),
      async () => server?.stop(),
      async () => relay?.close(),
      removeContainers,
      () => rm(dir, { recursive: true, force: true }),
    ];
    // Every step runs even when one before it failed; the first failure is reported after.
    const failures: unknown[] = [];
    for (const step of steps) await step().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  })();
  return cleaning;
}
process.once('SIGINT', () => {
  process.stderr.write('\ninterrupted: cleaning up…\n');
  void cleanUp().finally(() => process.exit(130));
});

try {
  const commit = (await execFile('git', ['-C', root, 'log', '-1', '--format=%h %s'])).stdout.trim();
  const routeSource = await readFile(join(root, 'apps', 'web', 'src', 'app', 'api', 'events', 'route.ts'), 'utf8');
  const isFollowerWired = routeSource.includes('live.subscribe(');
  process.stderr.write(`run ${TEST_RUN}: ${fleetSize} fleet containers, ${tries} tries, idle ${idleMs / 1000} s, outage ${outageMs / 1000} s\n`);

  process.stderr.write(`running ${fleetSize + tries} containers…\n`);
  const startedContainers = performance.now();
  await runContainers(Array.from({ length: fleetSize }, (_, index) => fleetName(index)), undefined);
  // Ends at once on SIGTERM (a busybox sleep as PID 1 ignores it): docker stop is not its 10 s grace.
  await runContainers(Array.from({ length: tries }, (_, index) => stopName(index)), ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait']);
  process.stderr.write(`  in ${((performance.now() - startedContainers) / 1000).toFixed(1)} s\n`);

  relay = await relayEngine(relaySocket);
  process.stderr.write('starting the dashboard (its first page discovers every container)…\n');
  const port = await freePort();
  const startedServer = performance.now();
  server = await startServer(port, env);
  process.stderr.write(`  answered in ${((performance.now() - startedServer) / 1000).toFixed(1)} s\n`);
  database = await openDatabase(loadConfig({}, childEnv).database, silentLogger);
  const prisma = database.prisma;
  const fleetWhere = { name: { startsWith: `bench-${TEST_RUN}-fleet-` } };
  const stopWhere = { name: { startsWith: `bench-${TEST_RUN}-stop-` } };
  const countRunning = async () => (await prisma.instance.count({ where: { ...fleetWhere, status: 'running' } })) + (await prisma.instance.count({ where: { ...stopWhere, status: 'running' } }));
  const registeredAt = performance.now();
  while ((await countRunning()) !== fleetSize + tries) {
    if (performance.now() - registeredAt > 60_000) throw new Error(`the dashboard registered ${await countRunning()} of ${fleetSize + tries} running containers`);
    await sleep(200);
  }

  // 3a. Nobody looking: nothing should run at all.
  process.stderr.write(`3. idle CPU, no page open (${idleMs / 1000} s)…\n`);
  const idleAlone = await cpuPercent(server.pid, idleMs);

  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--disable-dev-shm-usage', '--disable-gpu'] });
  const stopPage = await openPage(browser, `${server.url}/instances?search=${encodeURIComponent(`bench-${TEST_RUN}-stop`)}`);
  const createPage = await openPage(browser, `${server.url}/instances?search=${encodeURIComponent(`bench-${TEST_RUN}-new`)}`);
  for (let index = 0; index < 3; index += 1) await openPage(browser, `${server.url}/instances`);
  // What the pages ask for when they open (first reads, the stream's first reload) is not idling.
  await sleep(3_000);
  process.stderr.write(`3. idle CPU, 5 pages open (${idleMs / 1000} s)…\n`);
  const idleWatched = await cpuPercent(server.pid, idleMs);

  // 1. docker stop from outside.
  process.stderr.write('1. docker stop → stopped…\n');
  const stopTimes: number[] = [];
  const stopFloor: number[] = [];
  for (let index = 0; index < tries; index += 1) {
    const name = stopName(index);
    if (!(await rowShows(stopPage, name, 'running', 10_000))) throw new Error(`${name} does not read running on the page`);
    const started = performance.now();
    const shown = rowShows(stopPage, name, 'stopped', timeoutMs);
    await execFile('docker', ['stop', '--time', '5', containerName(name)]);
    stopFloor.push(performance.now() - started);
    stopTimes.push((await shown) ? performance.now() - started : Number.POSITIVE_INFINITY);
  }

  // 2. create from another process.
  process.stderr.write('2. cc-bridge instances create → row…\n');
  const createTimes: number[] = [];
  const createFloor: number[] = [];
  for (let index = 0; index < tries; index += 1) {
    const name = newName(index);
    const started = performance.now();
    const shown = rowShows(createPage, name, null, timeoutMs);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [cliBin, 'instances', 'create', name], { env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`cc-bridge instances create ${name} exited ${code}: ${stderr.trim()}`))));
    });
    createFloor.push(performance.now() - started);
    createTimes.push((await shown) ? performance.now() - started : Number.POSITIVE_INFINITY);
  }

  // 4. The Engine goes away (the relay is cut) and comes back.
  process.stderr.write(`4. Engine outage of ${outageMs / 1000} s…\n`);
  const isRight = async () =>
    (await prisma.instance.count({ where: { ...fleetWhere, status: 'running' } })) === fleetSize &&
    (await prisma.instance.count({ where: { ...stopWhere, status: 'stopped' } })) === tries;
  // Without a live follower a stopped container reads stopped only once a read refreshes it.
  const settleAt = performance.now();
  while (!(await isRight())) {
    if (performance.now() - settleAt > 30_000) throw new Error('the records are not right before the outage (30 s after case 1)');
    await sleep(200);
  }
  const lastEventId = (await prisma.instanceEvent.aggregate({ _max: { id: true } }))._max.id ?? 0;
  const cutAt = performance.now();
  await relay.close();
  relay = null;
  let noticedMs = Number.POSITIVE_INFINITY;
  while (performance.now() - cutAt < outageMs) {
    if (!Number.isFinite(noticedMs) && (await prisma.instance.count({ where: { ...fleetWhere, status: 'unknown' } })) === fleetSize) noticedMs = performance.now() - cutAt;
    await sleep(50);
  }
  relay = await relayEngine(relaySocket);
  const backAt = performance.now();
  let rightMs = Number.POSITIVE_INFINITY;
  while (performance.now() - backAt < 60_000) {
    if (await isRight()) {
      rightMs = performance.now() - backAt;
      break;
    }
    await sleep(50);
  }
  // The end of the outage is written beside the refresh: give it a moment to land before counting.
  await sleep(2_000);
  const written = await prisma.instanceEvent.groupBy({ by: ['kind'], where: { id: { gt: lastEventId } }, _count: { _all: true } });
  const eventCount = written.reduce((sum, group) => sum + group._count._all, 0);
  const byKind = written.map((group) => `${group.kind} ${group._count._all}`).join(', ') || 'none';
  const psStarted = performance.now();
  await execFile('docker', ['ps', '-a', '--filter', `label=${discoveryLabel}`, '--format', 'json'], { maxBuffer: 256 * 1024 * 1024 });
  const psMs = performance.now() - psStarted;

  recordTimes('1. docker stop outside → row reads stopped (open page)', stopTimes, '≤ 1 s median');
  recordTimes('   floor: the docker stop command itself', stopFloor, '');
  recordTimes('2. cc-bridge instances create (CLI) → row appears', createTimes, '≤ 1 s median');
  recordTimes('   floor: the create command itself, until it exits', createFloor, '');
  recordValue(`3. idle server CPU, ${fleetSize} containers, 5 pages, ${idleMs / 1000} s`, `${idleWatched.toFixed(2)} %`, '< 2 % of one core');
  recordValue('   the same with no page open', `${idleAlone.toFixed(2)} %`, '');
  recordValue(`4. events written, ${outageMs / 1000} s outage of ${fleetSize} containers`, String(eventCount), '≤ 2');
  recordValue('   of which, by kind', byKind, '');
  recordValue('   outage noticed: every fleet record reads unknown', Number.isFinite(noticedMs) ? `${seconds(noticedMs)} s` : `not within ${outageMs / 1000} s`, '');
  // Unnoticed, nothing was wrong to be put right: the figure would flatter.
  const right = !Number.isFinite(noticedMs) ? `${Number.isFinite(rightMs) ? seconds(rightMs) : '> 60'} s (outage unnoticed)` : Number.isFinite(rightMs) ? `${seconds(rightMs)} s` : 'not within 60 s';
  recordValue('   Engine back → every record right', right, '≤ 5 s');
  recordValue(`   floor: docker ps -a of the ${fleetSize + tries} containers`, `${seconds(psMs)} s`, '');

  printTable();
  process.stdout.write(`commit ${commit}; the events route ${isFollowerWired ? 'subscribes' : 'does NOT subscribe'} the live follower\n`);
  process.stdout.write(`database: ${env.DATABASE_URL === undefined ? 'embedded (PGlite, owned by the server)' : 'DATABASE_URL'}; Docker through a Unix-socket relay; node ${process.version}\n`);
  const load = await readFile('/proc/loadavg', 'utf8');
  process.stdout.write(`load average at the end (1, 5, 15 min): ${load.split(' ').slice(0, 3).join(' ')} on ${availableParallelism()} cores\n`);
} finally {
  await cleanUp();
}
