// Wall time and peak memory of the `cc-bridge` command as a user runs it (apps/cli/bin), each
// case measured by `/usr/bin/time -v` in a fresh private data folder, HOME and tmux socket.
//   pnpm bench:cli              (10 runs a case)
//   pnpm bench:cli --runs 20
// "with the dashboard" starts the built dashboard (apps/web/.next, its server.ts on a free
// loopback port) on the same data folder first; without a build those rows are skipped.
// A command that finds its folder unserved leaves a database owner lingering (the default
// [database] owner_linger); "linger 0" rows measure a command that opens the folder itself.
// Every owner the bench starts is stopped when its case is done.
import { execFile as execFileCallback, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const execFile = promisify(execFileCallback);
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs wants a whole number ≥ 1, not ${values.runs}`);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'apps', 'cli', 'bin', 'cc-bridge.js');
const webDir = join(root, 'apps', 'web');
const timeBin = '/usr/bin/time';
if (!existsSync(timeBin)) throw new Error(`${timeBin} is missing: install Debian's \`time\` package (bash scripts/ensure-tools.sh --test)`);

interface Sample {
  wallMs: number;
  maxRssKb: number;
}

interface Sandbox {
  dir: string;
  env: NodeJS.ProcessEnv;
}

/** A HOME, data folder and tmux socket of its own; none of the developer's settings leak in. */
async function createSandbox(extraEnv: NodeJS.ProcessEnv = {}): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-bridge-bench-cli-'));
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('CC_BRIDGE_') && key !== 'DATABASE_URL' && !key.startsWith('XDG_')),
  );
  const env = { ...inherited, HOME: dir, CC_BRIDGE_DATA_DIR: join(dir, 'db'), CC_BRIDGE_TMUX_SOCKET: join(dir, 'tmux.sock'), ...extraEnv };
  return { dir, env };
}

/** One run under `time -v`: wall from its "Elapsed (wall clock)" line, peak from "Maximum resident set size". */
async function measure(argv: readonly string[], env: NodeJS.ProcessEnv, expectExit = 0): Promise<Sample> {
  const report = join(tmpdir(), `cc-bridge-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(timeBin, ['-v', '-o', report, ...argv], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.once('error', reject);
      child.once('close', (exitCode) => {
        if (exitCode !== expectExit) reject(new Error(`${argv.join(' ')} exited ${exitCode}: ${stderr.trim()}`));
        else resolve();
      });
    });
    const text = await readFile(report, 'utf8');
    const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(text);
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(text);
    if (wall === null || rss === null) throw new Error(`unreadable time -v report:\n${text}`);
    const seconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
    return { wallMs: seconds * 1000, maxRssKb: Number(rss[1]) };
  } finally {
    await rm(report, { force: true });
  }
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

const rows: string[][] = [];
function record(name: string, samples: readonly Sample[]): void {
  const walls = samples.map((sample) => sample.wallMs).sort((a, b) => a - b);
  const peak = Math.max(...samples.map((sample) => sample.maxRssKb));
  rows.push([name, String(samples.length), (percentile(walls, 0.5) / 1000).toFixed(2), (percentile(walls, 0.95) / 1000).toFixed(2), (peak / 1024).toFixed(0)]);
  process.stderr.write(`  ${name}: median ${(percentile(walls, 0.5) / 1000).toFixed(2)} s\n`);
}
function skip(name: string, why: string): void {
  rows.push([name, '-', '-', '-', `skipped: ${why}`]);
}

async function repeat(count: number, once: () => Promise<Sample>): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let index = 0; index < count; index += 1) samples.push(await once());
  return samples;
}

const cli = (...args: string[]) => [process.execPath, bin, ...args];
const list = cli('instances', 'list', '--skip-discovery');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts the dashboard's server on the sandbox's data folder and waits until the API has answered once (so it owns the folder). */
async function startDashboard(sandbox: Sandbox): Promise<() => Promise<void>> {
  const port = await freePort();
  const tsx = join(webDir, 'node_modules', '.bin', 'tsx');
  // Its own process group, so stopping it stops whatever the server spawned, and nothing else.
  const child = spawn(tsx, ['server.ts', '--hostname', '127.0.0.1', '--port', String(port)], {
    cwd: webDir,
    env: { ...sandbox.env, NEXT_TELEMETRY_DISABLED: '1', CC_BRIDGE_SKIP_DISCOVERY: '1' },
    stdio: 'ignore',
    detached: true,
  });
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/instances`);
      await response.arrayBuffer();
      if (response.ok) return stop;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error('the dashboard did not answer /instances within 60 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const sandboxes: Sandbox[] = [];
async function sandbox(extraEnv: NodeJS.ProcessEnv = {}): Promise<Sandbox> {
  const created = await createSandbox(extraEnv);
  sandboxes.push(created);
  return created;
}
const noOwner = { CC_BRIDGE_OWNER_LINGER: '0' };

/** Ends the database owner a command left in the sandbox, if any (`cc-bridge db stop`). */
async function stopOwner(created: Sandbox): Promise<void> {
  await execFile(process.execPath, [bin, 'db', 'stop'], { env: created.env });
}

/** The lingering owner's resident memory (MB), from /proc/PID/status; null when none runs. */
async function ownerRssMb(created: Sandbox): Promise<number | null> {
  try {
    const pid = (await readFile(join(created.dir, 'db', 'owner.pid'), 'utf8')).trim();
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? null : Math.round(Number(kb) / 1024);
  } catch {
    return null;
  }
}

try {
  process.stderr.write(`${runs} runs a case; cc-bridge = node ${bin}\n`);
  const plain = await sandbox();
  record('node -e "" (floor)', await repeat(runs, () => measure([process.execPath, '-e', ''], plain.env)));
  record('docker ps -a (floor)', await repeat(runs, () => measure(['docker', 'ps', '-a'], plain.env)));
  record('cc-bridge --help', await repeat(runs, () => measure(cli('--help'), plain.env)));
  record('cc-bridge instances lsit (usage error)', await repeat(runs, () => measure(cli('instances', 'lsit'), plain.env, 2)));
  // The very first call creates the folder and applies migrations: a new sandbox for every run.
  record(
    'list --skip-discovery, new folder (create + migrate)',
    await repeat(runs, async () => {
      const fresh = await sandbox();
      const sample = await measure(list, fresh.env);
      await stopOwner(fresh);
      return sample;
    }),
  );
  // A first call: the folder exists (a copy of a migrated one) and no process serves it yet, so
  // the command starts the owner and waits for it.
  const warm = await sandbox();
  await measure(list, warm.env);
  await stopOwner(warm);
  const firstCall = async (extraEnv: NodeJS.ProcessEnv) => {
    const fresh = await sandbox(extraEnv);
    await cp(join(warm.dir, 'db'), join(fresh.dir, 'db'), { recursive: true });
    const sample = await measure(list, fresh.env);
    await stopOwner(fresh);
    return sample;
  };
  record('list --skip-discovery, first call (starts the owner)', await repeat(runs, () => firstCall({})));
  record('list --skip-discovery, first call, linger 0 (opens the folder itself)', await repeat(runs, () => firstCall(noOwner)));
  await measure(list, warm.env); // leaves the owner serving
  record('list --skip-discovery, repeated, lingering owner', await repeat(runs, () => measure(list, warm.env)));
  const rss = await ownerRssMb(warm);
  await stopOwner(warm);
  const plainRepeat = await sandbox(noOwner);
  await cp(join(warm.dir, 'db'), join(plainRepeat.dir, 'db'), { recursive: true });
  record('list --skip-discovery, repeated, linger 0', await repeat(runs, () => measure(list, plainRepeat.env)));

  if (existsSync(join(webDir, '.next', 'BUILD_ID'))) {
    // The dashboard must own the folder, as it does for a user who runs it: no owner lingers here.
    const shared = await sandbox(noOwner);
    await measure(list, shared.env); // the folder exists and is migrated, as for a user
    const stop = await startDashboard(shared);
    try {
      record('list --skip-discovery, first call, dashboard running', [await measure(list, shared.env)]);
      record('list --skip-discovery, repeated, dashboard running', await repeat(runs, () => measure(list, shared.env)));
    } finally {
      await stop();
    }
  } else {
    skip('list --skip-discovery, dashboard running', 'no dashboard build (pnpm exec turbo run build --filter=@cc-bridge/web)');
  }

  const header = ['case', 'runs', 'median s', 'p95 s', 'peak MB'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join(' | ')} |`;
  process.stdout.write(`${[line(header), `|${widths.map((width, column) => (column === 0 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n')}\n`);
  const { stdout: nodeVersion } = await execFile(process.execPath, ['--version']);
  process.stdout.write(`node ${nodeVersion.trim()}, wall and peak RSS from /usr/bin/time -v\n`);
  process.stdout.write(`the lingering database owner's resident memory after the repeated runs: ${rss === null ? 'unknown' : `${rss} MB`}\n`);
  // Other work on the machine shows in every figure: say how busy it was.
  const load = await readFile('/proc/loadavg', 'utf8');
  process.stdout.write(`load average at the end (1, 5, 15 min): ${load.split(' ').slice(0, 3).join(' ')} on ${availableParallelism()} cores\n`);
} finally {
  // A case that failed half-way may have left an owner running.
  await Promise.all(sandboxes.map((created) => stopOwner(created).catch(() => undefined)));
  await Promise.all(sandboxes.map((created) => rm(created.dir, { recursive: true, force: true })));
}
