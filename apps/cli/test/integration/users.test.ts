// `cc-bridge users …` and `cc-bridge tokens …` as installed, against a fresh embedded database.
import { afterEach, expect, it } from 'vitest';
import { createLogger, loadConfig, openCcBridge } from '@cc-bridge/core';
import { createSandbox, disposeSandboxes, type Sandbox } from './sandbox.ts';

afterEach(disposeSandboxes);

/** Who a bearer token authenticates as, asked of core as the dashboard asks it. */
async function principalOf(sandbox: Sandbox, token: string) {
  const bridge = await openCcBridge({ config: loadConfig({}, sandbox.env), logger: createLogger('silent'), skipStartup: true });
  try {
    return await (await bridge.auth()).authenticate(new Headers({ authorization: `Bearer ${token}` }));
  } finally {
    await bridge.close();
  }
}

it('adds users from a password on stdin, refusing empty, short and duplicate ones, and removes them', async () => {
  const sandbox = await createSandbox();
  expect(await sandbox.run(['users', 'add', 'alice', '--role', 'admin', '--password-stdin'], {}, 'correct horse\n')).toMatchObject({ code: 0, stdout: 'Added admin alice.\n' });
  expect(await sandbox.run(['users', 'add', 'bob', '--role', 'viewer', '--password-stdin'])).toMatchObject({
    code: 1,
    stderr: 'cc-bridge: bob not added: no password on stdin (pipe one line: a password of at least 8 characters)\n',
  });
  expect(await sandbox.run(['users', 'add', 'bob', '--role', 'viewer', '--password-stdin'], {}, 'short\n')).toMatchObject({ code: 1, stderr: 'cc-bridge: password must be at least 8 characters\n' });
  expect(await sandbox.run(['users', 'add', 'ALICE', '--role', 'viewer', '--password-stdin'], {}, 'long enough\n')).toMatchObject({ code: 1, stderr: 'cc-bridge: A user named alice already exists\n' });
  expect((await sandbox.run(['users', 'add', 'bob', '--role', 'root', '--password-stdin'], {}, 'long enough\n')).code).toBe(2);
  expect((await sandbox.run(['users', 'add', 'bob', '--role', 'viewer'], {}, 'long enough\n')).code).toBe(2);
  expect((await sandbox.run(['users', 'add', 'bob', '--role', 'viewer', '--password-stdin'], {}, 'viewer password\n')).code).toBe(0);

  const listed = await sandbox.run(['users', 'list', '--json']);
  expect(JSON.parse(listed.stdout)).toEqual([
    { name: 'alice', role: 'admin', createdAt: expect.any(String), tokens: 0 },
    { name: 'bob', role: 'viewer', createdAt: expect.any(String), tokens: 0 },
  ]);
  expect((await sandbox.run(['users', 'remove', 'bob'])).code).toBe(1);
  expect(await sandbox.run(['users', 'remove', 'bob', '--yes'])).toMatchObject({ code: 0 });
  expect(await sandbox.run(['users', 'remove', 'bob', '--yes'])).toMatchObject({ code: 1, stderr: 'cc-bridge: No user named bob\n' });
});

it('prints a token once, lists it without the token, caps its role, and refuses it once revoked', async () => {
  const sandbox = await createSandbox();
  await sandbox.run(['users', 'add', 'olga', '--role', 'operator', '--password-stdin'], {}, 'operator pass\n');
  const created = await sandbox.run(['tokens', 'create', '--user', 'olga', '--json']);
  expect(created.code).toBe(0);
  const token = JSON.parse(created.stdout) as { id: string; user: string; role: string; token: string; createdAt: string };
  expect(token).toEqual({ id: expect.any(String), user: 'olga', role: 'operator', token: expect.stringMatching(/^ccb_/), createdAt: expect.any(String) });

  const plain = await sandbox.run(['tokens', 'create', '--user', 'olga', '--role', 'viewer']);
  expect(plain.stdout).toMatch(/^ccb_[A-Za-z]+\n$/);
  expect(plain.stderr).toMatch(/^Created viewer token \S+ for olga: it is shown this once/);

  expect(await sandbox.run(['tokens', 'create', '--user', 'olga', '--role', 'admin'])).toMatchObject({ code: 1, stderr: "cc-bridge: role admin is above olga's role operator: role at most operator\n" });
  const list = await sandbox.run(['tokens', 'list', '--json']);
  expect(list.stdout).not.toContain(token.token);
  expect(list.stdout).not.toContain(plain.stdout.trim());
  expect((JSON.parse(list.stdout) as { id: string }[]).map((listed) => listed.id)).toContain(token.id);

  expect(await principalOf(sandbox, token.token)).toEqual({ kind: 'token', name: 'olga', role: 'operator', actor: `token:olga/${token.id}` });
  expect(await sandbox.run(['tokens', 'revoke', token.id])).toMatchObject({ code: 0, stdout: `Revoked API token ${token.id}.\n` });
  expect(await principalOf(sandbox, token.token)).toBeNull();
  expect((await sandbox.run(['tokens', 'revoke', token.id])).code).toBe(1);
});
