// The detached database owner: the real `cc-bridge` command (bin/cc-bridge.js, the bundle and
// dist/owner.mjs) on a fresh embedded data folder, with `CC_BRIDGE_OWNER_LINGER` set per case.
// Owners are real processes found through /proc; every case ends any it left.
import { execFile as execFileCallback } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createLogger, loadConfig, openCcBridge } from '@cc-bridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from './sandbox.ts';

const execFile = promisify(execFileCallback);

interface Sandbox {
  /** The embedded database's folder (CC_BRIDGE_DATA_DIR). */
  dataDir: string;
  run(args: readonly string[], extraEnv?: Record<string, string>): Promise<CliResult>;
}

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) {
    for (const pid of await ownerProcesses(join(dir, 'db'))) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

/** A HOME and data folder of its own, Docker off, owners lingering `lingerSeconds` unless a run says otherwise. */
async function createSandbox(lingerSeconds: number): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-bridge-owner-'));
  dirs.push(dir);
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('CC_BRIDGE_') && key !== 'DATABASE_URL' && !key.startsWith('XDG_')),
  );
  const env = {
    ...inherited,
    HOME: dir,
    CC_BRIDGE_DATA_DIR: join(dir, 'db'),
    CC_BRIDGE_TMUX_SOCKET: join(dir, 'tmux.sock'),
    CC_BRIDGE_TMUX_COMMAND: 'sleep 600',
    CC_BRIDGE_DOCKER_ENABLED: '0',
    CC_BRIDGE_OWNER_LINGER: String(lingerSeconds),
  };
  return {
    dataDir: env.CC_BRIDGE_DATA_DIR,
    run: (args, extraEnv = {}) => runCli(args, { ...env, ...extraEnv }),
  };
}

/** Pids of the live processes whose command line is `… owner.mjs --data-dir DIR …` (from /proc). */
async function ownerProcesses(dataDir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = await readFile(`/proc/${entry}/cmdline`, 'utf8').then((text) => text.split('\0'), (): string[] => []);
    const at = argv.indexOf('--data-dir');
    if (at > 0 && argv[at + 1] === dataDir && (argv[at - 1] ?? '').endsWith('owner.mjs')) pids.push(Number(entry));
  }
  return pids;
}

/** The one owner serving `dataDir`; fails the case when there is none or more than one. */
async function theOwner(dataDir: string): Promise<number> {
  const pids = await ownerProcesses(dataDir);
  const [pid] = pids;
  // Never a kill of pid 0 (the whole process group, vitest included) when no owner was found.
  if (pid === undefined || pids.length > 1) throw new Error(`expected one owner process for ${dataDir}, found ${pids.length}`);
  return pid;
}

async function ownerPid(dataDir: string): Promise<number> {
  return Number((await readFile(join(dataDir, 'owner.pid'), 'utf8')).trim());
}

async function ownerLog(dataDir: string): Promise<string[]> {
  return (await readFile(join(dataDir, 'owner.log'), 'utf8')).split('\n').filter((line) => line !== '');
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The inodes of TCP sockets anyone on the machine has open (/proc/net/tcp and tcp6). */
async function tcpInodes(): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const inode = line.trim().split(/\s+/)[9];
      if (inode !== undefined) inodes.add(inode);
    }
  }
  return inodes;
}

async function socketInodes(pid: number): Promise<string[]> {
  const links = await Promise.all((await readdir(`/proc/${pid}/fd`)).map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  return links.flatMap((link) => /^socket:\[(\d+)\]$/.exec(link)?.[1] ?? []);
}

const listArgs = ['instances', 'list', '--skip-discovery', '--json'];

describe('the database owner a command leaves behind', () => {
  it('serves the next commands: one PGlite open for all of them, private files, no TCP', async () => {
    const sandbox = await createSandbox(60);
    const created = await sandbox.run(['instances', 'create', 'one', '--type', 'tmux']);
    expect(created.code, created.stderr).toBe(0);
    const pid = await theOwner(sandbox.dataDir);
    expect(await ownerPid(sandbox.dataDir)).toBe(pid);

    for (let run = 0; run < 2; run += 1) {
      const listed = await sandbox.run(listArgs);
      expect(listed.code, listed.stderr).toBe(0);
      expect((JSON.parse(listed.stdout) as { name: string }[]).map((instance) => instance.name)).toEqual(['one']);
    }
    expect(await ownerProcesses(sandbox.dataDir)).toEqual([pid]);
    // The owner logs once when it has opened the folder: one line means one PGlite open.
    expect((await ownerLog(sandbox.dataDir)).filter((line) => line.includes('owner serving the embedded database'))).toHaveLength(1);

    expect((await stat(sandbox.dataDir)).mode & 0o777).toBe(0o700);
    for (const file of ['.s.PGSQL.5432', 'owner.pid', 'owner.log']) expect((await stat(join(sandbox.dataDir, file))).mode & 0o777).toBe(0o600);
    const tcp = await tcpInodes();
    expect((await socketInodes(pid)).filter((inode) => tcp.has(inode))).toEqual([]);
  });

  it('is started once when two commands find the folder unserved at the same time', async () => {
    const sandbox = await createSandbox(60);
    const results = await Promise.all([sandbox.run(listArgs), sandbox.run(listArgs), sandbox.run(['instances', 'create', 'raced', '--type', 'tmux'])]);
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    // An owner that lost the lock exits at once; give it the moment.
    await waitFor('one owner', async () => (await ownerProcesses(sandbox.dataDir)).length === 1);
    await sleep(500);
    expect(await ownerProcesses(sandbox.dataDir)).toHaveLength(1);
    expect((await ownerLog(sandbox.dataDir)).filter((line) => line.includes('owner serving the embedded database'))).toHaveLength(1);
  });

  it('exits by itself once no client has come for the linger time, and cleans up after itself', async () => {
    const sandbox = await createSandbox(1);
    expect((await sandbox.run(listArgs)).code).toBe(0);
    expect(await ownerProcesses(sandbox.dataDir)).toHaveLength(1);
    await waitFor('the owner to idle out', async () => (await ownerProcesses(sandbox.dataDir)).length === 0);
    expect(existsSync(join(sandbox.dataDir, 'owner.pid'))).toBe(false);
    expect(existsSync(join(sandbox.dataDir, '.s.PGSQL.5432'))).toBe(false);
    expect((await ownerLog(sandbox.dataDir)).at(-1)).toContain('"reason":"no client for 1000 ms"');
    // And the next command starts a new one that still has the data.
    expect((await sandbox.run(['instances', 'create', 'after', '--type', 'tmux'])).code).toBe(0);
    expect((await sandbox.run(listArgs)).stdout).toContain('"after"');
  });

  it('is replaced by the next command after it was killed (SIGKILL), with the data intact', async () => {
    const sandbox = await createSandbox(60);
    expect((await sandbox.run(['instances', 'create', 'kept', '--type', 'tmux'])).code).toBe(0);
    const killed = await theOwner(sandbox.dataDir);
    process.kill(killed, 'SIGKILL');
    await waitFor('the owner to die', async () => (await ownerProcesses(sandbox.dataDir)).length === 0);

    const listed = await sandbox.run(listArgs);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((instance) => instance.name)).toEqual(['kept']);
    const owners = await ownerProcesses(sandbox.dataDir);
    expect(owners).toHaveLength(1);
    expect(owners).not.toContain(killed);
  });

  it('drains and exits on SIGTERM (cc-bridge db stop), and db stop says when there is none', async () => {
    const sandbox = await createSandbox(60);
    expect((await sandbox.run(listArgs)).code).toBe(0);
    const pid = await theOwner(sandbox.dataDir);
    const stopped = await sandbox.run(['db', 'stop']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toBe(`Stopped the database owner (pid ${pid}) of ${sandbox.dataDir}\n`);
    expect(await ownerProcesses(sandbox.dataDir)).toEqual([]);
    expect((await ownerLog(sandbox.dataDir)).at(-1)).toContain('"reason":"SIGTERM"');
    expect(existsSync(join(sandbox.dataDir, 'owner.pid'))).toBe(false);

    const again = await sandbox.run(['db', 'stop']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`No database owner process serves ${sandbox.dataDir}\n`);
  });

  it('is refused when it serves a folder without a migration this build has, instead of serving old tables', async () => {
    const sandbox = await createSandbox(60);
    expect((await sandbox.run(listArgs)).code).toBe(0);
    // What an owner from an older build looks like to a newer command: a migration not applied.
    const { stdout: removed } = await execFile('psql', ['-h', sandbox.dataDir, '-U', 'postgres', '-d', 'postgres', '-qAt', '-c',
      'DELETE FROM "_prisma_migrations" WHERE migration_name = (SELECT max(migration_name) FROM "_prisma_migrations") RETURNING migration_name'], { encoding: 'utf8' });
    const listed = await sandbox.run(listArgs);
    expect(listed.code).toBe(1);
    expect(listed.stderr).toContain(`without migration ${removed.trim()}: stop it (\`cc-bridge db stop\``);
  });

  it('is not started while another process (a dashboard) serves the folder, and db stop leaves that one alone', async () => {
    const sandbox = await createSandbox(60);
    // This test process owns the folder, as the dashboard would (core opens it in-process).
    const config = loadConfig({ dataDir: sandbox.dataDir, dockerEnabled: false, skipDiscovery: true }, { HOME: sandbox.dataDir });
    const dashboard = await openCcBridge({ config, logger: createLogger('silent'), skipStartup: true });
    try {
      const listed = await sandbox.run(listArgs);
      expect(listed.code, listed.stderr).toBe(0);
      expect(await ownerProcesses(sandbox.dataDir)).toEqual([]);
      const stop = await sandbox.run(['db', 'stop']);
      expect(stop.stdout).toBe(`${sandbox.dataDir} is served by another cc-bridge process (the dashboard?), not by a database owner: nothing stopped\n`);
      expect((await sandbox.run(listArgs)).code).toBe(0);
    } finally {
      await dashboard.close();
    }
  });

  it('is not started with CC_BRIDGE_OWNER_LINGER=0: the command opens the folder itself and leaves no process', async () => {
    const sandbox = await createSandbox(0);
    const listed = await sandbox.run(listArgs);
    expect(listed.code, listed.stderr).toBe(0);
    expect(await ownerProcesses(sandbox.dataDir)).toEqual([]);
    expect(existsSync(join(sandbox.dataDir, 'owner.pid'))).toBe(false);
    expect(existsSync(join(sandbox.dataDir, '.s.PGSQL.5432'))).toBe(false);
  });
});
