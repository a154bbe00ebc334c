import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiToken } from './support/api-token';
import { runDir, serverEnv } from './support/env';
import { expect, test } from './support/fixtures';
import { appDir } from './support/server';
import { hasTmuxSession } from './support/tmux';
import { addUser, createToken } from './support/users';

// `cc-bridge --server URL` (issue 11): the built CLI against the running e2e server's /api/v1 with a
// bearer token, compared with the same CLI on the server's own database. Here rather than in
// apps/cli's tests: Playwright already builds and starts the dashboard (auth, tokens, the real
// Engine and tmux), which the CLI tests would have to build and start again.

const cliBin = join(appDir, '..', 'cli', 'bin', 'cc-bridge.js');
const server = `http://127.0.0.1:${process.env.CC_BRIDGE_E2E_PORT ?? 3917}`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI with `env` over this process's environment; never rejects: the exit code is the answer. */
function runCli(env: Record<string, string>, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], { env: { ...process.env, ...env, CC_BRIDGE_OWNER_LINGER: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end();
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// A data folder that must stay unmade: with --server the CLI never opens a database.
const unusedDataDir = join(mkdtempSync(join(tmpdir(), 'cc-bridge-cli-server-')), 'db');

/** `cc-bridge --server … ARGS` with `token` in CC_BRIDGE_TOKEN, as a colleague's machine would run it. */
function remote(token: string, args: string[]): Promise<Run> {
  return runCli({ CC_BRIDGE_CONFIG: serverEnv.CC_BRIDGE_CONFIG ?? '', CC_BRIDGE_DATA_DIR: unusedDataDir, CC_BRIDGE_TOKEN: token }, ['--server', server, ...args]);
}

/** The same command on the server's host, on its database (through its owner). */
function local(args: string[]): Promise<Run> {
  return runCli({ ...serverEnv, HOME: join(runDir, 'home') }, args);
}

test.describe('cc-bridge --server', () => {
  test('lists, shows, creates, starts, stops, updates and deletes as the local CLI does, with the same output', async ({ uid }) => {
    // A user and a token made with the CLI on the server's host, as its admin would.
    const user = { name: `cli-srv-${uid}`.toLowerCase().slice(0, 32), password: 'cli server password' };
    await addUser({ ...serverEnv, HOME: join(runDir, 'home') }, user, 'operator');
    const token = await createToken({ ...serverEnv, HOME: join(runDir, 'home') }, user.name, 'operator');
    const name = `cli-srv-${uid}`;
    const other = `cli-srv-other-${uid}`;

    const created = await remote(token, ['instances', 'create', name, '--cwd', '/tmp', '--json']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name, type: 'tmux', cwd: '/tmp', status: 'created', version: 1 });
    expect((await local(['instances', 'create', other, '--cwd', '/var'])).code).toBe(0);

    // show and list: the same document and the same table as on the server's own database.
    for (const args of [
      ['instances', 'show', name, '--json'],
      ['instances', 'show', name],
      ['instances', 'list', '--search', uid, '--json'],
      ['instances', 'list', '--search', uid],
      ['instances', 'list', '--search', uid, '--sort', 'createdAt', '--desc'],
      ['instances', 'list', '--search', uid, '--status', 'created,running', '--type', 'tmux'],
    ]) {
      const [there, here] = await Promise.all([remote(token, args), local(args[1] === 'list' ? [...args, '--skip-discovery'] : args)]);
      expect(there.code, `${args.join(' ')}: ${there.stderr}`).toBe(0);
      expect(there.stdout, args.join(' ')).toBe(here.stdout);
    }
    const listed = await remote(token, ['instances', 'list', '--search', uid]);
    expect(listed.stdout).toContain(name);
    expect(listed.stdout).toContain(other);

    // start/stop: the server's tmux server runs the session.
    const started = await remote(token, ['instances', 'start', name]);
    expect(started).toMatchObject({ code: 0, stdout: `running  ${name}\n` });
    expect(await hasTmuxSession(name)).toBe(true);
    const stopped = await remote(token, ['instances', 'stop', name, '--json']);
    expect(stopped.code).toBe(0);
    expect(JSON.parse(stopped.stdout)).toEqual([{ name, ok: true, status: 'stopped', error: null }]);
    expect(await hasTmuxSession(name)).toBe(false);

    // update with a version: the current one works, a stale one is the same CONFLICT as locally.
    const updated = await remote(token, ['instances', 'update', name, '--cwd', '/srv', '--json']);
    expect(updated.code).toBe(0);
    const version = (JSON.parse(updated.stdout) as { version: number }).version;
    const staleArgs = ['instances', 'update', name, '--cwd', '/opt', '--expected-version', String(version - 1)];
    const [staleThere, staleHere] = await Promise.all([remote(token, staleArgs), local(staleArgs)]);
    expect(staleThere).toEqual({ code: 1, stdout: '', stderr: staleHere.stderr });
    expect(staleHere.stderr).toBe(`cc-bridge: "${name}" was changed by someone else since you read it; reload and try again\n`);

    // delete, then both see it gone with the same NOT_FOUND.
    const deleted = await remote(token, ['instances', 'delete', name, '--yes']);
    expect(deleted.code).toBe(0);
    expect((await local(['instances', 'delete', other, '--yes'])).stdout).toBe(deleted.stdout.replace(name, other));
    const [goneThere, goneHere] = await Promise.all([remote(token, ['instances', 'show', name]), local(['instances', 'show', name])]);
    expect(goneThere).toEqual({ code: 1, stdout: '', stderr: goneHere.stderr });
    expect(existsSync(unusedDataDir)).toBe(false);
  });

  test('refuses a viewer’s change as forbidden and a wrong token as unauthenticated, changing nothing', async ({ uid }) => {
    const name = `cli-srv-viewer-${uid}`;
    const refused = await remote(await apiToken('viewer'), ['instances', 'create', name]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('cc-bridge: This token has the role viewer; this needs operator\n');
    const viewerList = await remote(await apiToken('viewer'), ['instances', 'list', '--search', name, '--json']);
    expect(viewerList).toMatchObject({ code: 0, stdout: '[]\n' });

    const wrong = await remote('ccb_not_a_token', ['instances', 'list']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^cc-bridge: http:\/\/127\.0\.0\.1:\d+: The API token is not valid .*CC_BRIDGE_TOKEN/);
    expect(wrong.stdout).toBe('');
  });

  test('says which commands the API cannot serve, and refuses plain http to another host before sending the token', async () => {
    const token = await apiToken('viewer');
    for (const args of [['instances', 'watch'], ['instances', 'logs', 'x'], ['users', 'list'], ['audit']]) {
      const refused = await remote(token, args);
      expect(refused.code, args.join(' ')).toBe(1);
      expect(refused.stderr).toContain(`${args.filter((word) => word !== 'x').join(' ')} is not available with --server`);
    }
    const both = await runCli({ CC_BRIDGE_CONFIG: serverEnv.CC_BRIDGE_CONFIG ?? '' }, ['--server', server, '--token-stdin', 'instances', 'send', 'x', '-']);
    expect(both).toMatchObject({ code: 2, stderr: expect.stringContaining('stdin carries the token (--token-stdin)') });
    const clear = await runCli({ CC_BRIDGE_CONFIG: serverEnv.CC_BRIDGE_CONFIG ?? '', CC_BRIDGE_TOKEN: token }, ['--server', 'http://cc.example.test:3000', 'instances', 'list']);
    expect(clear.code).toBe(1);
    expect(clear.stderr).toContain('plain http to another host would send the token in clear');
  });
});
