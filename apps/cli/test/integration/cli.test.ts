// The real `cc-bridge` command (see sandbox.ts) against a fresh embedded database and a tmux server of the test's own.
// Docker is disabled unless a case turns it on for the Engine it is about.
import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  ensureTestImage,
  getTestDockerClient,
  removeTestContainers,
  runTestContainer,
  startSecondEngine,
  TEST_IMAGE,
  TEST_RUN,
  type TestEngine,
} from '@cc-bridge/core/testing';
import { createLogger, loadConfig, openCcBridge } from '@cc-bridge/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, createSandbox, disposeSandboxes, type Sandbox, stderrLines } from './sandbox.ts';

afterEach(disposeSandboxes);

const execFile = promisify(execFileCallback);
const fixturePath = fileURLToPath(new URL('../../../../packages/core/test/fixtures/legacy-instances.json', import.meta.url));

interface ListedInstance {
  name: string;
  type: string;
  status: string;
  createdAt: string;
  tmuxSession: string | null;
  containerId: string | null;
}

async function listNames(sandbox: Sandbox): Promise<string[]> {
  const result = await sandbox.run(['instances', 'list', '--json']);
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as ListedInstance[]).map((instance) => instance.name);
}

/** Modules whose loading is the CLI's start-up cost: core's database and the runtimes' clients. */
const heavyModules = /\/(@electric-sql\/pglite|@prisma\/client|@prisma\/adapter-pg|dockerode|pg)\/|\/packages\/core\/src\/db\//;

/**
 * Runs the command with a module hook that writes every URL Node loads to a file, one a line;
 * resolves to those URLs.
 */
async function loadedModules(sandbox: Sandbox, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ result: CliResult; urls: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-bridge-cli-loads-'));
  try {
    const log = join(dir, 'loaded.txt');
    await writeFile(join(dir, 'hooks.mjs'), "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(process.env.CC_BRIDGE_TEST_LOAD_LOG, `${url}\\n`); return next(url, context); }\n");
    await writeFile(join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
    const result = await sandbox.run(args, { ...extraEnv, NODE_OPTIONS: `--import ${join(dir, 'register.mjs')}`, CC_BRIDGE_TEST_LOAD_LOG: log });
    const urls = (await readFile(log, 'utf8')).split('\n').filter((line) => line !== '');
    return { result, urls };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('cc-bridge start-up', () => {
  it('loads neither the database nor the runtimes for --help or a usage error, and does for a command that needs them', async () => {
    const sandbox = await createSandbox();
    const help = await loadedModules(sandbox, ['--help']);
    expect(help.result.code).toBe(0);
    expect(help.result.stdout).toContain('Usage: cc-bridge');
    expect(help.urls.some((url) => url.endsWith('/dist/cc-bridge.mjs'))).toBe(true);
    expect(help.urls.filter((url) => heavyModules.test(url))).toEqual([]);

    const usage = await loadedModules(sandbox, ['instances', 'lsit']);
    expect(usage.result.code).toBe(2);
    expect(usage.urls.filter((url) => heavyModules.test(url))).toEqual([]);

    // The probe does see them when they are loaded: the assertions above are not vacuous.
    const list = await loadedModules(sandbox, ['instances', 'list', '--skip-discovery']);
    expect(list.result.code).toBe(0);
    expect(list.urls.some((url) => url.includes('/@electric-sql/pglite/'))).toBe(true);
  });

  it('loads dockerode only for a command that asks the Docker Engine', async () => {
    const sandbox = await createSandbox();
    // Docker on, at a socket nobody listens on: discovery fails, but only after loading the client.
    const dockerOn = { CC_BRIDGE_DOCKER_ENABLED: '1', DOCKER_HOST: `unix://${join(sandbox.dataDir, 'no-engine.sock')}` };
    const isDockerode = (url: string) => url.includes('/dockerode/');

    const skipped = await loadedModules(sandbox, ['instances', 'list', '--skip-discovery'], dockerOn);
    expect(skipped.result.code).toBe(0);
    expect(skipped.urls.filter(isDockerode)).toEqual([]);

    const discovering = await loadedModules(sandbox, ['instances', 'list'], dockerOn);
    expect(discovering.result.code).toBe(0);
    expect(discovering.result.stderr).toContain('no-engine.sock');
    expect(discovering.urls.some(isDockerode)).toBe(true);
  });

  it('does not load PGlite when another process already serves the data folder', async () => {
    const sandbox = await createSandbox();
    // This test process owns the folder, as the dashboard would.
    const config = loadConfig({ dataDir: sandbox.dataDir, dockerEnabled: false, skipDiscovery: true }, { HOME: sandbox.dataDir });
    const owner = await openCcBridge({ config, logger: createLogger('silent'), skipStartup: true });
    try {
      const list = await loadedModules(sandbox, ['instances', 'list', '--skip-discovery']);
      expect(list.result.code).toBe(0);
      expect(list.result.stdout).toContain('No instances yet');
      expect(list.urls.filter((url) => url.includes('/@electric-sql/pglite/'))).toEqual([]);
    } finally {
      await owner.close();
    }
  });
});

describe('cc-bridge instances', () => {
  it('creates, lists, shows, renames and deletes an instance', async () => {
    const sandbox = await createSandbox();

    const created = await sandbox.run(['instances', 'create', 'api', '--tmux-session', 'claude-api', '--cwd', '/srv/api', '--json']);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'api', type: 'tmux', status: 'created', tmuxSession: 'claude-api', cwd: '/srv/api', version: 1 });

    const listed = await sandbox.run(['instances', 'list', '--json']);
    expect(listed.code).toBe(0);
    const records = JSON.parse(listed.stdout) as ListedInstance[];
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ name: 'api', type: 'tmux', tmuxSession: 'claude-api', containerId: null });
    expect(records[0]?.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    const table = await sandbox.run(['instances', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+TYPE\s+STATUS\s+ACTIVITY\s+ORIGIN\s+SESSION\/CONTAINER/);
    expect(table.stdout).toMatch(/^api\s+tmux\s+created\s+unknown\s+manual\s+claude-api\s/m);

    const shown = await sandbox.run(['instances', 'show', 'api']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^cwd:\s+\/srv\/api$/m);

    const renamed = await sandbox.run(['instances', 'update', 'api', '--name', 'api-v2', '--clear', 'cwd', '--json']);
    expect(renamed.code).toBe(0);
    expect(JSON.parse(renamed.stdout)).toMatchObject({ name: 'api-v2', cwd: null, version: 2 });

    const gone = await sandbox.run(['instances', 'show', 'api']);
    expect(gone.code).toBe(1);
    expect(stderrLines(gone)).toEqual([expect.stringMatching(/^cc-bridge: .*"api"/)]);

    const deleted = await sandbox.run(['instances', 'delete', 'api-v2', '--yes']);
    expect(deleted.code).toBe(0);
    expect(await listNames(sandbox)).toEqual([]);
  });

  it('refuses a bad name in one stderr line, exit 1, and writes nothing', async () => {
    const sandbox = await createSandbox();
    const result = await sandbox.run(['instances', 'create', '9lives']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(stderrLines(result)).toEqual([expect.stringMatching(/^cc-bridge: .*name must start with a letter/)]);
    expect(await listNames(sandbox)).toEqual([]);
  });

  it('says once that a working directory does not exist, and writes nothing', async () => {
    const sandbox = await createSandbox();
    const result = await sandbox.run(['instances', 'create', 'api', '--cwd', '/nonexistent/src/api', '--start']);
    expect(result.code).toBe(1);
    expect(stderrLines(result)).toEqual(['cc-bridge: Working directory /nonexistent/src/api does not exist']);
    expect(await listNames(sandbox)).toEqual([]);
  });

  it('refuses a tmux instance with a container id, exit 1, and writes nothing', async () => {
    const sandbox = await createSandbox();
    const result = await sandbox.run(['instances', 'create', 'api', '--container-id', 'abcdef012345']);
    expect(result.code).toBe(1);
    expect(stderrLines(result)).toEqual([expect.stringMatching(/^cc-bridge: .*containerId.*Docker field/)]);
    expect(await listNames(sandbox)).toEqual([]);
  });

  it('answers usage errors with exit 2 and one line naming the problem', async () => {
    const sandbox = await createSandbox();
    const cases: [string[], RegExp][] = [
      [['instances', 'list', '--bogus'], /unknown option '--bogus'/],
      [['instances', 'list', '--type', 'podman'], /'podman' is invalid\. Allowed choices are tmux, docker/],
      [['instances', 'list', '--status', 'running,asleep'], /"asleep" is not a status/],
      [['instances', 'create'], /missing required argument 'name'/],
      [['instances', 'cleanup', '--older-than', '7'], /unit is missing/],
      [['instances', 'update', 'api'], /nothing to change/],
      [['instances', 'frobnicate'], /unknown command 'frobnicate'/],
      [['instances', 'logs', 'api', '--lines', '0'], /'--lines <n>' argument '0' is invalid\. must be between 1 and 10000/],
      [['instances', 'stop', '--all', '--concurrency', '0'], /'--concurrency <n>' argument '0' is invalid\. must be between 1 and 32/],
      [['audit', '--limit', '0'], /'--limit <n>' argument '0' is invalid\. must be at least 1/],
    ];
    for (const [args, message] of cases) {
      const result = await sandbox.run(args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stdout).toBe('');
      expect(stderrLines(result)[0]).toMatch(/^cc-bridge: /);
      expect(result.stderr).toMatch(message);
    }
  });

  it('does not delete without --yes when there is no terminal to ask on', async () => {
    const sandbox = await createSandbox();
    expect((await sandbox.run(['instances', 'create', 'keep'])).code).toBe(0);
    const result = await sandbox.run(['instances', 'delete', 'keep']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pass --yes/);
    expect(await listNames(sandbox)).toEqual(['keep']);
  });

  it('says a name is not in the registry before it asks to confirm deleting it', async () => {
    const sandbox = await createSandbox();
    expect((await sandbox.run(['instances', 'create', 'keep'])).code).toBe(0);
    const result = await sandbox.run(['instances', 'delete', 'keep', 'nope']);
    expect(result.code).toBe(1);
    expect(stderrLines(result)).toEqual(['cc-bridge: No instance named "nope"']);
    expect(await listNames(sandbox)).toEqual(['keep']);
  });

  it('prints exactly one JSON document on stdout with --json, logs going to stderr', async () => {
    const sandbox = await createSandbox();
    expect((await sandbox.run(['instances', 'create', 'api'])).code).toBe(0);
    const result = await sandbox.run(['--verbose', 'instances', 'list', '--json']);
    expect(result.code).toBe(0);
    expect(() => {
      JSON.parse(result.stdout);
    }).not.toThrow();
    expect(result.stdout.trim().startsWith('[')).toBe(true);
    expect(result.stderr).toMatch(/cc-bridge debug: /);
  });

  it('imports the original registry file with its statuses mapped', async () => {
    const sandbox = await createSandbox();
    const imported = await sandbox.run(['import', fixturePath]);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toMatch(/imported 4 of 4 records, skipped 0/);

    // --skip-discovery lists what is stored: the statuses as imported.
    const listed = await sandbox.run(['instances', 'list', '--json', '--skip-discovery']);
    const byName = Object.fromEntries((JSON.parse(listed.stdout) as ListedInstance[]).map((record) => [record.name, record]));
    expect(byName['api-refactor']).toMatchObject({ type: 'tmux', status: 'running', tmuxSession: 'claude-api-refactor' });
    expect(byName['docs-bot']).toMatchObject({ type: 'tmux', status: 'stopped' });
    expect(byName['sandbox-1']).toMatchObject({ type: 'docker', status: 'stopped', containerId: expect.stringMatching(/^3f4e5d6c7b8a/) });
    expect(byName['old-entry']).toMatchObject({ type: 'tmux', status: 'stopped', tmuxSession: 'claude-old-entry' });

    // A plain list asks tmux: the old session is not on this (private) server any more.
    const refreshed = await sandbox.run(['instances', 'list', '--json']);
    const api = (JSON.parse(refreshed.stdout) as ListedInstance[]).find((record) => record.name === 'api-refactor');
    expect(api).toMatchObject({ status: 'stopped' });

    const again = await sandbox.run(['import', fixturePath, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: [], skipped: expect.arrayContaining([expect.objectContaining({ name: 'old-entry' })]) });
  });

  it('reports an unreadable import file in one line, exit 1', async () => {
    const sandbox = await createSandbox();
    const result = await sandbox.run(['import', join(tmpdir(), 'no-such-cc-bridge-file.json')]);
    expect(result.code).toBe(1);
    expect(stderrLines(result)).toEqual([expect.stringMatching(/^cc-bridge: cannot read .*no-such-cc-bridge-file\.json: ENOENT/)]);
  });

  it('fails discover with exit 1 when Docker is disabled, still printing the report', async () => {
    const sandbox = await createSandbox();
    const result = await sandbox.run(['instances', 'discover', '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ found: 0, errors: [{ code: 'DOCKER_UNAVAILABLE' }] });
    expect(stderrLines(result)).toEqual([expect.stringMatching(/^cc-bridge: discovery: .*disabled/)]);
  });

  it('starts a real tmux session with --start and kills it with delete --remove-runtime', async () => {
    const sandbox = await createSandbox();
    const env = { CC_BRIDGE_TMUX_COMMAND: 'sleep 600' };
    const created = await sandbox.run(['instances', 'create', 'worker', '--tmux-session', 'cc-worker', '--start', '--json'], env);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'worker', tmuxSession: 'cc-worker', status: 'running' });
    expect(await sandbox.hasTmuxSession('cc-worker')).toBe(true);

    const status = await sandbox.run(['instances', 'status', 'worker', '--json'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ status: 'running', isFresh: true });

    const deleted = await sandbox.run(['instances', 'delete', 'worker', '--remove-runtime', '--yes', '--json'], env);
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ runtime: 'removed', instance: { name: 'worker' } });
    expect(await sandbox.hasTmuxSession('cc-worker')).toBe(false);
  });
});

describe('cc-bridge instances on several names', () => {
  it('reads the status of several names in one JSON array, exit 1 when one fails', async () => {
    const sandbox = await createSandbox();
    const env = { CC_BRIDGE_TMUX_COMMAND: 'sleep 600' };
    expect((await sandbox.run(['instances', 'create', 'one', '--start'], env)).code).toBe(0);
    expect((await sandbox.run(['instances', 'create', 'two'])).code).toBe(0);

    const status = await sandbox.run(['instances', 'status', 'one', 'two', 'ghost', '--json']);
    expect(status.code).toBe(1);
    expect(JSON.parse(status.stdout)).toEqual([
      { name: 'one', ok: true, status: 'running', error: null },
      { name: 'two', ok: true, status: 'created', error: null },
      { name: 'ghost', ok: false, status: null, error: { code: 'NOT_FOUND', message: 'No instance named "ghost"' } },
    ]);
    expect(status.stderr).toBe('');

    const text = await sandbox.run(['instances', 'status', 'one', 'two']);
    expect(text).toMatchObject({ code: 0, stdout: 'one: running\ntwo: created\n' });
  });

  it('deletes several names with their runtimes, reporting each, and asks for --yes first', async () => {
    const sandbox = await createSandbox();
    const env = { CC_BRIDGE_TMUX_COMMAND: 'sleep 600' };
    for (const name of ['one', 'two', 'keep']) expect((await sandbox.run(['instances', 'create', name, '--start'], env)).code).toBe(0);

    const unconfirmed = await sandbox.run(['instances', 'delete', 'one', 'two']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/not deleting one, two without confirmation: pass --yes/);

    const deleted = await sandbox.run(['instances', 'delete', 'one', 'ghost', 'two', '--remove-runtime', '--yes', '--json']);
    expect(deleted.code).toBe(1);
    expect(JSON.parse(deleted.stdout)).toEqual([
      { name: 'one', ok: true, status: 'running', error: null },
      { name: 'ghost', ok: false, status: null, error: { code: 'NOT_FOUND', message: 'No instance named "ghost"' } },
      { name: 'two', ok: true, status: 'running', error: null },
    ]);
    expect(await sandbox.hasTmuxSession('one')).toBe(false);
    expect(await sandbox.hasTmuxSession('two')).toBe(false);
    expect(await sandbox.hasTmuxSession('keep')).toBe(true);
    expect(await listNames(sandbox)).toEqual(['keep']);

    expect((await sandbox.run(['instances', 'create', 'three'])).code).toBe(0);
    const text = await sandbox.run(['instances', 'delete', 'three', 'nobody', '--yes']);
    expect(text).toMatchObject({ code: 1, stdout: 'Deleted three.\n', stderr: 'nobody: No instance named "nobody"\n' });
  });
});

describe('cc-bridge instances start, stop and restart', () => {
  const env = { CC_BRIDGE_TMUX_COMMAND: 'sleep 600' };

  it('acts on names and on what the list filters match, one line per record, failures on stderr with exit 1', async () => {
    const sandbox = await createSandbox();
    for (const name of ['web-1', 'web-2', 'db-1']) expect((await sandbox.run(['instances', 'create', name])).code).toBe(0);

    const started = await sandbox.run(['instances', 'start', 'web-1', 'db-1'], env);
    expect(started).toMatchObject({ code: 0, stdout: 'running  web-1\nrunning  db-1\n', stderr: '' });
    expect(await sandbox.hasTmuxSession('web-1')).toBe(true);
    expect(await sandbox.hasTmuxSession('web-2')).toBe(false);

    const byFilter = await sandbox.run(['instances', 'start', '--search', 'web', '--type', 'tmux'], env);
    expect(byFilter).toMatchObject({ code: 0, stdout: 'running  web-1\nrunning  web-2\n' });
    expect(await sandbox.hasTmuxSession('web-2')).toBe(true);

    const restarted = await sandbox.run(['instances', 'restart', '--status', 'running', '--concurrency', '2'], env);
    expect(restarted).toMatchObject({ code: 0, stdout: 'running  db-1\nrunning  web-1\nrunning  web-2\n' });

    const stopped = await sandbox.run(['instances', 'stop', 'web-2', 'ghost'], env);
    expect(stopped).toMatchObject({ code: 1, stdout: 'stopped  web-2\n', stderr: 'ghost: No instance named "ghost"\n' });
    expect(await sandbox.hasTmuxSession('web-2')).toBe(false);

    const all = await sandbox.run(['instances', 'stop', '--all'], env);
    expect(all).toMatchObject({ code: 0, stdout: 'stopped  db-1\nstopped  web-1\nstopped  web-2\n' });
    for (const name of ['web-1', 'web-2', 'db-1']) expect(await sandbox.hasTmuxSession(name)).toBe(false);

    const history = await sandbox.run(['instances', 'status', 'web-1', '--json'], env);
    expect(JSON.parse(history.stdout)).toMatchObject({ status: 'stopped' });

    const none = await sandbox.run(['instances', 'start', '--search', 'nothing-matches', '--json'], env);
    expect(none).toMatchObject({ code: 0, stdout: '[]\n' });
  });

  it('prints one JSON array of { name, ok, status, error } with --json, exit 1 when one failed', async () => {
    const sandbox = await createSandbox();
    expect((await sandbox.run(['instances', 'create', 'one'])).code).toBe(0);
    expect((await sandbox.run(['instances', 'create', 'broken'])).code).toBe(0);
    // A command that cannot run: that start fails, the other succeeds.
    const started = await sandbox.run(['instances', 'start', 'one', '--json'], env);
    expect(started.code).toBe(0);
    expect(JSON.parse(started.stdout)).toEqual([{ name: 'one', ok: true, status: 'running', error: null }]);
    const failing = await sandbox.run(['instances', 'restart', 'one', 'broken', 'ghost', '--json'], { CC_BRIDGE_TMUX_COMMAND: 'cc-bridge-no-such-command' });
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.stdout)).toEqual([
      { name: 'one', ok: false, status: 'stopped', error: { code: 'TMUX_ERROR', message: expect.stringContaining('cc-bridge-no-such-command') } },
      { name: 'broken', ok: false, status: 'created', error: { code: 'TMUX_ERROR', message: expect.stringContaining('cc-bridge-no-such-command') } },
      { name: 'ghost', ok: false, status: null, error: { code: 'NOT_FOUND', message: 'No instance named "ghost"' } },
    ]);
    expect(stderrLines(failing)).toEqual([]);
  });

  it('answers a missing or contradictory target with a usage error, exit 2, before opening anything', async () => {
    const sandbox = await createSandbox();
    const cases: [string[], RegExp][] = [
      [['instances', 'stop'], /which instances\? Give names, filters .* or --all/],
      [['instances', 'start', 'one', '--type', 'tmux'], /not both/],
      [['instances', 'restart', 'one', '--all'], /not both/],
      [['instances', 'stop', '--all', '--status', 'running'], /--all acts on every record/],
      [['instances', 'start', '--type', 'vm'], /--type/],
      [['instances', 'stop', '--status', 'asleep'], /"asleep" is not a status/],
    ];
    for (const [args, message] of cases) {
      const result = await sandbox.run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(stderrLines(result)).toEqual([expect.stringMatching(message)]);
      expect(result.stdout).toBe('');
    }
  });
});

describe('cc-bridge instances with Docker Engines', () => {
  // A label of this run's own, so containers other runs label meanwhile stay out of the registry.
  const label = `cc-bridge.instance.${TEST_RUN}`;
  const docker = { CC_BRIDGE_DOCKER_ENABLED: '1', CC_BRIDGE_CONTAINER_LABEL: label, CC_BRIDGE_IMAGE_PATTERNS: 'claude-code-test' };
  let other: TestEngine | null = null;
  let skipped = '';

  beforeAll(async () => {
    await removeTestContainers();
    await ensureTestImage();
    const started = await startSecondEngine();
    other = started.engine;
    skipped = started.skipped ?? '';
    if (!other) createLogger('warn').warn(`skipping the two-Engine case: ${skipped}`);
  }, 120_000);
  afterEach(() => removeTestContainers());
  afterAll(async () => {
    await other?.dispose();
    await removeTestContainers();
  });

  it('stops and starts containers, fails the one removed behind its back with the fix named, and re-creates it', async () => {
    const sandbox = await createSandbox();
    const ids = new Map<string, string>();
    for (const name of ['box-1', 'box-2']) {
      const containerName = `ccb-cli-act-${TEST_RUN}-${name}`;
      const container = await runTestContainer({ name: containerName });
      ids.set(name, container.id);
      const created = await sandbox.run(['instances', 'create', name, '--type', 'docker', '--container-id', container.id, '--container-name', containerName, '--image', TEST_IMAGE], docker);
      expect(created.code).toBe(0);
    }
    const running = async (name: string) => (await getTestDockerClient().getContainer(ids.get(name) ?? '').inspect()).State.Running;

    const stopped = await sandbox.run(['instances', 'stop', '--type', 'docker', '--json'], docker);
    expect(stopped.code).toBe(0);
    expect(JSON.parse(stopped.stdout)).toEqual([
      { name: 'box-1', ok: true, status: 'stopped', error: null },
      { name: 'box-2', ok: true, status: 'stopped', error: null },
    ]);
    expect(await running('box-1')).toBe(false);
    expect(await running('box-2')).toBe(false);

    await getTestDockerClient().getContainer(ids.get('box-2') ?? '').remove({ force: true });
    const started = await sandbox.run(['instances', 'start', '--all'], docker);
    expect(started.code).toBe(1);
    expect(started.stdout).toBe('running  box-1\n');
    expect(stderrLines(started)).toEqual([expect.stringMatching(/^box-2: stopped; "box-2" cannot be started: .*Re-create it from its image cc-bridge-test:latest: cc-bridge instances recreate box-2$/)]);
    expect(await running('box-1')).toBe(true);

    const recreated = await sandbox.run(['instances', 'recreate', 'box-2', '--json'], docker);
    expect(recreated.code).toBe(0);
    const record = JSON.parse(recreated.stdout) as { name: string; status: string; containerId: string };
    try {
      expect(record).toMatchObject({ name: 'box-2', status: 'running' });
      expect(record.containerId).not.toBe(ids.get('box-2'));
      expect((await getTestDockerClient().getContainer(record.containerId).inspect()).State.Running).toBe(true);
      const again = await sandbox.run(['instances', 'recreate', 'box-2'], docker);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/still exists; start it instead/);
    } finally {
      // Made by cc-bridge with the instance label, not the test label: removed here.
      await getTestDockerClient().getContainer(record.containerId).remove({ force: true });
    }
  });

  it('reads a container in a restart loop as error, and shows what the Engine says', async () => {
    const sandbox = await createSandbox();
    const crashy = await runTestContainer({
      name: 'ccb-cli-crashy',
      labels: { [label]: 'crashy' },
      command: ['sh', '-c', 'exit 3'],
      hostConfig: { RestartPolicy: { Name: 'always' } },
    });
    // The Engine's back-off doubles from 100 ms: after five restarts it is restarting nearly all the time.
    for (let tries = 0; (await crashy.inspect()).RestartCount < 5 && tries < 200; tries++) await new Promise((resolve) => setTimeout(resolve, 100));

    expect((await sandbox.run(['instances', 'discover'], docker)).code).toBe(0);
    // Between back-offs the loop runs its process for a few milliseconds, and a read landing
    // there truly sees `running`: ask again, a few times at most, until it is caught restarting.
    let status = await sandbox.run(['instances', 'status', 'crashy', '--json'], docker);
    for (let tries = 1; tries < 4 && (JSON.parse(status.stdout) as { instance: { runtimeState: string } }).instance.runtimeState === 'running'; tries++) {
      status = await sandbox.run(['instances', 'status', 'crashy', '--json'], docker);
    }
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ status: 'error', instance: { runtimeState: 'restarting', exitCode: 3 } });

    const shown = await sandbox.run(['instances', 'show', 'crashy'], docker);
    expect(shown.stdout).toMatch(/^engine state: +restarting \(3\)$/m);
    expect(shown.stdout).toMatch(/^engine: +\S+ at unix:\/\/\/var\/run\/docker\.sock$/m);
  });

  it('discover and prune on another, empty Engine neither stop nor offer to remove the first Engine\'s records', async (context) => {
    if (!other) return context.skip(skipped);
    const sandbox = await createSandbox();
    await runTestContainer({ name: 'ccb-cli-keep', labels: { [label]: 'keep' } });
    const found = await sandbox.run(['instances', 'discover', '--json'], docker);
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout)).toMatchObject({ added: ['keep'], engine: { endpoint: 'unix:///var/run/docker.sock' } });

    const elsewhere = { ...docker, DOCKER_HOST: other.host };
    const discovery = await sandbox.run(['instances', 'discover', '--json'], elsewhere);
    expect(discovery.code).toBe(0);
    expect(JSON.parse(discovery.stdout)).toMatchObject({ markedStopped: [], otherEngine: ['keep'], engine: { id: other.id, endpoint: other.host } });

    const prune = await sandbox.run(['instances', 'prune', '--dry-run', '--json'], elsewhere);
    expect(prune.code).toBe(0);
    expect(JSON.parse(prune.stdout)).toMatchObject({ removed: [], otherEngine: ['keep'], engine: { id: other.id } });

    // In words, each report names the Engine it asked.
    const text = await sandbox.run(['instances', 'discover'], elsewhere);
    expect(text.stderr).toContain(`(${other.id}) at ${other.host}: added 0, updated 0, marked 0 stopped; 1 record of another Engine left alone`);
    expect(text.stdout).toBe('left alone keep: its container belongs to another Docker Engine\n');
    const prunedText = await sandbox.run(['instances', 'prune', '--dry-run'], elsewhere);
    expect(prunedText.stderr).toContain(`on Docker Engine `);
    expect(prunedText.stderr).toContain(`kept 1 record of another Engine: keep`);

    const shown = await sandbox.run(['instances', 'show', 'keep', '--json'], docker);
    expect(JSON.parse(shown.stdout)).toMatchObject({ status: 'running', runtimeState: 'running', dockerEndpoint: 'unix:///var/run/docker.sock', version: 1 });
  });

  it('puts a record on the [[docker.hosts]] entry --docker-host names, and refuses a host not configured in one line, writing nothing', async (context) => {
    if (!other) return context.skip(skipped);
    const sandbox = await createSandbox();
    const configFile = join(sandbox.dataDir, '..', 'hosts.toml');
    await writeFile(configFile, `[[docker.hosts]]\nname = "main"\nurl = "unix:///var/run/docker.sock"\n[[docker.hosts]]\nname = "second"\nurl = "${other.host}"\n`);
    const hosts = { ...docker, CC_BRIDGE_CONFIG: configFile };
    const containerId = 'd'.repeat(64);
    const created = await sandbox.run(['instances', 'create', 'far', '--type', 'docker', '--container-id', containerId, '--container-name', 'far', '--docker-host', 'second', '--json'], hosts);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'far', dockerHost: 'second' });
    const shown = await sandbox.run(['instances', 'show', 'far'], hosts);
    expect(shown.stdout).toMatch(/^host: +second$/m);
    const table = await sandbox.run(['instances', 'list', '--skip-discovery'], hosts);
    expect(table.stdout.split('\n')[0]).toMatch(/\bHOST\b/);
    expect(table.stdout).toMatch(/^far\b.*\bsecond\b/m);

    const refused = await sandbox.run(['instances', 'create', 'nearby', '--type', 'docker', '--container-id', 'e'.repeat(64), '--container-name', 'nearby', '--docker-host', 'nowhere'], hosts);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(stderrLines(refused)).toEqual([expect.stringMatching(/^cc-bridge: .*Docker host "nowhere" is not configured \(hosts: main, second\)/)]);
    const invalid = await sandbox.run(['instances', 'create', 'nearby', '--type', 'docker', '--container-id', 'e'.repeat(64), '--container-name', 'nearby', '--docker-host', 'Not A Slug'], hosts);
    expect(invalid.code).toBe(1);
    expect(stderrLines(invalid)).toEqual([expect.stringMatching(/^cc-bridge: .*dockerHost.*short slug/)]);
    const names = JSON.parse((await sandbox.run(['instances', 'list', '--skip-discovery', '--json'], hosts)).stdout) as { items: { name: string }[] } | { name: string }[];
    expect(JSON.stringify(names)).not.toContain('nearby');
  });
});

describe('cc-bridge processes sharing one registry', () => {
  it('lets 16 creates started at once on a fresh data folder all succeed, each waiting its turn', async () => {
    const sandbox = await createSandbox();
    const names = Array.from({ length: 16 }, (_, index) => `par${index + 1}`);
    const results = await Promise.all(names.map((name) => sandbox.run(['instances', 'create', name, '--type', 'tmux'])));
    expect(results.map((result) => [result.code, result.stderr])).toEqual(names.map(() => [0, '']));
    expect((await listNames(sandbox)).sort()).toEqual([...names].sort());
  });
});

describe('one runtime, one record; one name whatever its case', () => {
  it('refuses a tmux session another record has, on create and update, naming the holder', async () => {
    const sandbox = await createSandbox();
    await execFile('tmux', ['-S', sandbox.tmux.socket, 'new-session', '-d', '-s', 'work', 'sleep 900']);
    expect((await sandbox.run(['instances', 'create', 'main', '--tmux-session', 'work'])).code).toBe(0);

    const line = 'cc-bridge: The tmux session work is already registered as "main"';
    const dup = await sandbox.run(['instances', 'create', 'dup', '--tmux-session', 'work']);
    expect({ code: dup.code, stderr: stderrLines(dup) }).toEqual({ code: 1, stderr: [line] });
    // Without --tmux-session the session is named after the instance: "work" is taken too.
    const byName = await sandbox.run(['instances', 'create', 'work']);
    expect({ code: byName.code, stderr: stderrLines(byName) }).toEqual({ code: 1, stderr: [line] });
    expect((await sandbox.run(['instances', 'create', 'other'])).code).toBe(0);
    const moved = await sandbox.run(['instances', 'update', 'other', '--tmux-session', 'work']);
    expect({ code: moved.code, stderr: stderrLines(moved) }).toEqual({ code: 1, stderr: [line] });

    expect((await listNames(sandbox)).sort()).toEqual(['main', 'other']);
    expect(await sandbox.hasTmuxSession('work')).toBe(true);
  });

  it('refuses Alpha and ALPHA beside alpha, keeps the stored spelling, and finds alpha by any case', async () => {
    const sandbox = await createSandbox();
    expect((await sandbox.run(['instances', 'create', 'alpha'])).code).toBe(0);
    for (const name of ['Alpha', 'ALPHA']) {
      const result = await sandbox.run(['instances', 'create', name, '--tmux-session', `s-${name}`]);
      expect({ code: result.code, stderr: stderrLines(result) }).toEqual({ code: 1, stderr: [`cc-bridge: The name "${name}" is taken by "alpha"`] });
    }
    expect(await listNames(sandbox)).toEqual(['alpha']);
    const shown = await sandbox.run(['instances', 'show', 'ALPHA', '--json']);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ name: 'alpha' });
  });
});

describe('cc-bridge hooks', () => {
  afterEach(() => disposeSandboxes());

  it('installs into a project folder once, whatever the number of runs, and refuses a folder that is not there', async () => {
    const sandbox = await createSandbox();
    const project = join(sandbox.dataDir, '..', 'project');
    await execFile('mkdir', ['-p', project]);
    const installed = await sandbox.run(['hooks', 'install', '--project', project]);
    expect(installed.code).toBe(0);
    expect(installed.stdout).toMatch(/^Installed cc-bridge's hooks \(.+\) in .+settings\.json\n$/);
    const again = await sandbox.run(['hooks', 'install', '--project', project]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^cc-bridge's hooks are already installed in .+; nothing changed\n$/);
    const status = await sandbox.run(['hooks', 'status', '--project', project, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ scope: 'project', installed: true });
    const settings = JSON.parse(await readFile(join(project, '.claude', 'settings.json'), 'utf8')) as { hooks: Record<string, unknown[]> };
    expect(Object.values(settings.hooks).every((groups) => groups.length === 1)).toBe(true);

    const missing = join(sandbox.dataDir, '..', 'no-such-project');
    const refused = await sandbox.run(['hooks', 'install', '--project', missing]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`--project ${missing} is not a folder`);
    await expect(readFile(join(missing, '.claude', 'settings.json'), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});
