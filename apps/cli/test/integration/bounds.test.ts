// The real `cc-bridge` process when something it depends on does not work: a tmux server that
// does not answer (SIGSTOP), a Docker Engine that accepts connections and never answers, a
// DOCKER_HOST that cannot be used, a locale that is not UTF-8. Every command must exit in time
// and say what it could not do; nothing may hang.
import { execFile as execFileCallback, spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestTmux, type TestTmux } from '@cc-bridge/core/testing';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../../src/program.ts';
import type { Io } from '../../src/io.ts';

const execFile = promisify(execFileCallback);
const cliDir = fileURLToPath(new URL('../..', import.meta.url));
// The command as installed: the launcher and the bundle it runs (built by the global setup).
const binPath = join(cliDir, 'bin', 'cc-bridge.js');
const fixturePath = fileURLToPath(new URL('../../../../packages/core/test/fixtures/legacy-instances.json', import.meta.url));

/**
 * tmux commands and Engine requests give up after 5 s, and a command waits that out at most once;
 * starting the CLI adds a few seconds, many more on a loaded 2-core machine.
 */
const inTimeMs = 30_000;
/** A run still going after this is a hang: it is killed and the test fails. */
const hangMs = 60_000;
const containerId = 'a1'.repeat(32);
/** Parallel CLI processes: each is a few seconds of CPU on 2 cores. */
const parallelRuns = 2;

interface CliResult {
  args: readonly string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The environment without anything of the developer's cc-bridge, Docker or locale settings. */
function cleanEnv(): Record<string, string> {
  const kept = Object.entries(process.env).filter(
    ([key]) => !key.startsWith('CC_BRIDGE_') && !key.startsWith('XDG_') && !key.startsWith('LC_') && !['DATABASE_URL', 'DOCKER_HOST'].includes(key),
  );
  // CC_BRIDGE_OWNER_LINGER 0: each command opens the folder itself, so no database owner outlives a test.
  return { ...Object.fromEntries(kept.flatMap(([key, value]) => (value === undefined ? [] : [[key, value]]))), CC_BRIDGE_OWNER_LINGER: '0' };
}

/**
 * Runs the CLI to its end. `interruptAfterMs`: a command that runs until told to stop (`instances
 * watch`) gets SIGINT then, as a user's Ctrl-C, and must end in time after it.
 */
function runCli(args: readonly string[], env: Record<string, string>, interruptAfterMs?: number): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    // stdin is a pipe, not a terminal: the CLI must never wait for an answer here.
    const child = spawn(process.execPath, [binPath, ...args], { cwd: cliDir, env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), hangMs + (interruptAfterMs ?? 0));
    const interrupter = interruptAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGINT'), interruptAfterMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      clearTimeout(interrupter);
      resolve({ args, code, signal, stdout, stderr, ms: Date.now() - started - (interruptAfterMs ?? 0) });
    });
  });
}

/** Runs `jobs` at most `limit` at a time: each CLI process is a few seconds of CPU on 2 cores. */
async function inPool<T, R>(items: readonly T[], limit: number, job: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await job(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const stderrLines = (result: CliResult) => result.stderr.split('\n').filter((line) => line !== '');

async function serverPid(socket: string): Promise<number> {
  const { stdout } = await execFile('tmux', ['-S', socket, 'display-message', '-p', '#{pid}'], { encoding: 'utf8' });
  return Number(stdout.trim());
}

async function hasTmuxSession(socket: string, name: string): Promise<boolean> {
  try {
    await execFile('tmux', ['-S', socket, 'has-session', '-t', `=${name}`]);
    return true;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 1) return false;
    throw error;
  }
}

/** A loopback port that accepts connections and never says a byte: an Engine that does not answer. */
async function silentEndpoint(): Promise<{ host: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    host: `tcp://127.0.0.1:${address.port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A registry made once, copied for each run: `tm` (tmux, session `tm`) and `box` (Docker). */
let template: string;
let templateHome: string;
beforeAll(async () => {
  templateHome = await mkdtemp(join(tmpdir(), 'cc-bridge-cli-template-'));
  template = join(templateHome, 'db');
  const env = { ...cleanEnv(), HOME: templateHome, CC_BRIDGE_DATA_DIR: template, CC_BRIDGE_DOCKER_ENABLED: '0', CC_BRIDGE_TMUX_SOCKET: join(templateHome, 'none') };
  for (const args of [
    ['instances', 'create', 'tm'],
    ['instances', 'create', 'box', '--type', 'docker', '--container-id', containerId, '--container-name', 'box'],
  ]) {
    expect((await runCli(args, env)).code).toBe(0);
  }
});
afterAll(() => rm(templateHome, { recursive: true, force: true }));

/** A copy of the template registry in a folder of its own; resolves to the data dir. */
async function registryCopy(dir: string): Promise<string> {
  const dataDir = join(dir, 'db');
  await cp(template, dataDir, { recursive: true });
  return dataDir;
}

/** A HOME with a copy of the template registry, and a tmux server with the given sessions. */
async function sandbox(sessions: string[] = []): Promise<{ dir: string; tmux: TestTmux; env: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-bridge-cli-bounds-'));
  const tmux = await createTestTmux();
  cleanups.push(async () => {
    await tmux.dispose();
    await rm(dir, { recursive: true, force: true });
  });
  for (const session of sessions) await execFile('tmux', ['-S', tmux.socket, 'new-session', '-d', '-s', session, 'sleep 3600']);
  const env = { ...cleanEnv(), HOME: dir, CC_BRIDGE_DATA_DIR: await registryCopy(dir), CC_BRIDGE_TMUX_SOCKET: tmux.socket, CC_BRIDGE_DOCKER_ENABLED: '0' };
  return { dir, tmux, env };
}

/** Stops the server behind `socket` (SIGSTOP) until the test ends. */
async function freeze(socket: string): Promise<void> {
  const pid = await serverPid(socket);
  process.kill(pid, 'SIGSTOP');
  // Before the server's own clean-up, which would wait on it.
  cleanups.push(() => {
    process.kill(pid, 'SIGCONT');
    return Promise.resolve();
  });
}

describe('a tmux server that does not answer', () => {
  it('reads unknown within the bound, exit 1, and never writes stopped', async () => {
    const { tmux, env } = await sandbox(['tm']);
    const answered = await runCli(['instances', 'status', 'tm', '--json'], env);
    expect(JSON.parse(answered.stdout)).toMatchObject({ status: 'running' });
    await freeze(tmux.socket);

    const status = await runCli(['instances', 'status', 'tm', '--json'], env);
    // Startup costs the same both times; the difference is the wait for tmux: one 5 s bound.
    expect(status.ms - answered.ms).toBeLessThan(12_000);
    expect(status.code).toBe(1);
    expect(JSON.parse(status.stdout)).toMatchObject({
      status: 'unknown',
      instance: { status: 'unknown' },
      error: { code: 'TMUX_ERROR', message: expect.stringContaining('did not answer within 5 s') },
    });
    expect(stderrLines(status)).toEqual([expect.stringMatching(/^cc-bridge warn: tmux list-panes on tmux server .* did not answer within 5 s$/)]);

    const text = await runCli(['instances', 'status', 'tm'], env);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^tm: unknown \(checked just now; could not ask the runtime: tmux list-panes .* did not answer within 5 s\)\n$/);

    const listed = await runCli(['instances', 'list', '--json', '--type', 'tmux'], env);
    expect(listed.ms - answered.ms).toBeLessThan(12_000);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'tm', status: 'unknown' })]);
  });
});

describe('tmux in a locale that is not UTF-8', () => {
  it('lists a running session as running and starts one without leaving it behind', async () => {
    const { tmux, env } = await sandbox(['tm']);
    const cLocale = { ...env, LC_ALL: 'C' };

    const listed = await runCli(['instances', 'list', '--json', '--type', 'tmux'], cLocale);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'tm', status: 'running' })]);

    const created = await runCli(['instances', 'create', 's2', '--start', '--json'], { ...cLocale, CC_BRIDGE_TMUX_COMMAND: 'sleep 900' });
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 's2', tmuxSession: 's2', status: 'running' });
    expect(await hasTmuxSession(tmux.socket, 's2')).toBe(true);
  });
});

describe('a DOCKER_HOST that cannot be used', () => {
  const values = [
    ['garbage', 'is not a valid URL'],
    ['tcp://bad host:2375', 'is not a valid URL'],
    ['http://[::1', 'is not a valid URL'],
    ['ssh://me@docker-box/var/run/docker.sock', 'has a path; an ssh:// host is ssh://user@host[:port]'],
    ['npipe:////./pipe/docker_engine', 'is not supported: Windows named pipes'],
  ] as const;

  it('is reported once and tmux-only work goes on', async () => {
    const { dir, env } = await sandbox();
    // A registry per value: the runs go at once, and each creates the same name.
    const results = await inPool(values, parallelRuns, async ([value]) => {
      const dataDir = await registryCopy(await mkdtemp(join(dir, 'run-')));
      return runCli(['instances', 'create', 't13', '--type', 'tmux'], { ...env, CC_BRIDGE_DOCKER_ENABLED: '1', DOCKER_HOST: value, CC_BRIDGE_DATA_DIR: dataDir });
    });
    results.forEach((result, index) => {
      const [value, problem] = values[index] ?? ['', ''];
      expect({ value, code: result.code, isInTime: result.ms < inTimeMs }).toEqual({ value, code: 0, isInTime: true });
      expect(stderrLines(result)).toEqual([expect.stringContaining(`cc-bridge warn: DOCKER_HOST "${value}" ${problem}`)]);
    });
  });

  it('makes Docker commands exit 1 at once, naming the setting', async () => {
    const { env } = await sandbox();
    const badEnv = { ...env, CC_BRIDGE_DOCKER_ENABLED: '1', DOCKER_HOST: 'garbage' };
    const cases: [string[], number][] = [
      [['instances', 'create', 'run', '--type', 'docker', '--image', 'cc-bridge-test:latest', '--start'], 1],
      [['instances', 'discover'], 1],
      [['instances', 'prune'], 1],
      [['instances', 'status', 'box'], 1],
      [['instances', 'delete', 'box', '--remove-runtime', '--yes'], 1],
      [['instances', 'list', '--json'], 0],
    ];
    for (const [args, code] of cases) {
      const result = await runCli(args, badEnv);
      expect({ args, code: result.code, isInTime: result.ms < inTimeMs }).toEqual({ args, code, isInTime: true });
      expect(stderrLines(result).filter((line) => line.startsWith('cc-bridge warn:'))).toEqual([expect.stringContaining('DOCKER_HOST "garbage" is not a valid URL')]);
      if (args[1] === 'list') expect(JSON.parse(result.stdout)).toEqual([expect.objectContaining({ name: 'box', status: 'unknown' }), expect.objectContaining({ name: 'tm' })]);
    }
  });
});

// ---- every command under every kind of broken dependency -------------------------------------

interface Leaf {
  path: string[];
  command: CommandUnknownOpts;
}

/** Every runnable command of the program, found from its definition: a new command is covered too. */
function leafCommands(): Leaf[] {
  const silent: Io = {
    out: () => undefined,
    err: () => undefined,
    isInteractive: false,
    hasTerminal: false,
    confirm: () => Promise.resolve(false),
    readInput: () => Promise.resolve(''),
    onInterrupt: () => () => undefined,
    handOver: () => Promise.resolve(0),
    now: () => new Date(),
  };
  const leaves: Leaf[] = [];
  const walk = (command: CommandUnknownOpts, path: string[]) => {
    if (command.commands.length === 0) leaves.push({ path, command });
    for (const sub of command.commands) walk(sub, [...path, sub.name()]);
  };
  walk(createProgram(silent), []);
  return leaves;
}

interface Scenario {
  name: string;
  /** The record a `<name>` argument names (a new one for `create`). */
  record: 'tm' | 'box';
  /** Flags given to every command that has them, so each does its real work. */
  flags: Record<string, string[]>;
  prepare(): Promise<Record<string, string>>;
}

/** Commands that run until interrupted, and how long each is left running first (ms). */
const untilInterrupted: Record<string, number> = { 'instances watch': 8_000 };

const everyCommand: Record<string, string[]> = { '--json': [], '--yes': [], '--remove-runtime': [], '--start': [], '--role': ['admin'], '--password-stdin': [], '--user': ['tm'] };
const dockerFlags = { ...everyCommand, '--type': ['docker'], '--image': ['cc-bridge-test:latest'], '--network': ['none'] };

function argvFor(leaf: Leaf, scenario: Scenario): string[] {
  const argv = [...leaf.path];
  // start/stop/restart take names or filters, not both: they get the record by name, without --type.
  const takesNames = leaf.command.registeredArguments.some((argument) => argument.name() === 'names' && !argument.required);
  if (takesNames) argv.push(scenario.record);
  for (const argument of leaf.command.registeredArguments) {
    if (!argument.required) continue;
    const name = argument.name();
    if (name === 'name') argv.push(leaf.path.at(-1) === 'create' ? 'fresh' : scenario.record);
    else if (name === 'file') argv.push(fixturePath);
    else if (name === 'text') argv.push('hello');
    else if (name === 'choice') argv.push('yes');
    else if (name === 'id') argv.push('no-such-token');
    else throw new Error(`no test value for <${name}> of ${leaf.path.join(' ')}: add one to argvFor`);
  }
  for (const option of leaf.command.options) {
    const values = option.long === undefined || (takesNames && option.long === '--type') ? undefined : scenario.flags[option.long];
    if (option.long !== undefined && values !== undefined) argv.push(option.long, ...values);
  }
  return argv;
}

describe('every command under a dependency that does not work', () => {
  const scenarios: Scenario[] = [
    {
      name: 'a tmux server that does not answer',
      record: 'tm',
      flags: { ...everyCommand, '--cwd': ['/tmp'] },
      async prepare() {
        const { tmux, env } = await sandbox(['tm']);
        await freeze(tmux.socket);
        return env;
      },
    },
    {
      name: 'a Docker Engine that does not answer',
      record: 'box',
      flags: dockerFlags,
      async prepare() {
        const { env } = await sandbox();
        const endpoint = await silentEndpoint();
        cleanups.push(() => endpoint.close());
        return { ...env, CC_BRIDGE_DOCKER_ENABLED: '1', DOCKER_HOST: endpoint.host };
      },
    },
    {
      // Every unusable value takes one path (see 'a DOCKER_HOST that cannot be used' for each).
      name: 'a DOCKER_HOST that cannot be used',
      record: 'box',
      flags: dockerFlags,
      async prepare() {
        const { env } = await sandbox();
        return { ...env, CC_BRIDGE_DOCKER_ENABLED: '1', DOCKER_HOST: 'garbage' };
      },
    },
  ];

  it.each(scenarios.map((scenario) => [scenario.name, scenario] as const))('%s: each exits in time, 0 or 1', async (_, scenario) => {
    const env = await scenario.prepare();
    const leaves = leafCommands();
    expect(leaves.length).toBeGreaterThan(5);
    const results = await inPool(leaves, parallelRuns, async (leaf) => {
      // A registry per run: runs change it (delete, create) and run at once.
      const dir = await mkdtemp(join(tmpdir(), 'cc-bridge-cli-run-'));
      try {
        return await runCli(argvFor(leaf, scenario), { ...env, CC_BRIDGE_DATA_DIR: await registryCopy(dir) }, untilInterrupted[leaf.path.join(' ')]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
    for (const result of results) {
      const summary = { args: result.args.join(' '), signal: result.signal, isInTime: result.ms < inTimeMs, isZeroOrOne: result.code === 0 || result.code === 1 };
      expect(summary).toEqual({ args: summary.args, signal: null, isInTime: true, isZeroOrOne: true });
      expect(result.stderr, summary.args).not.toMatch(/unexpected error/);
    }
  }, 300_000);
});
