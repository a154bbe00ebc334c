import { execFile as execFileCallback } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Role } from '@cc-bridge/core/roles';
import { chromium } from '@playwright/test';
import { appDir } from './server';

const execFile = promisify(execFileCallback);
const cliBin = join(appDir, '..', 'cli', 'bin', 'cc-bridge.js');

/** A user the e2e tests add and sign in as. */
export interface E2eUser {
  name: string;
  password: string;
}

/** The users e2e servers get (global-setup.ts adds all three to the main server); one per role. */
export const e2eUsers = {
  admin: { name: 'e2e-admin', password: 'e2e admin password' },
  operator: { name: 'e2e-operator', password: 'e2e operator password' },
  viewer: { name: 'e2e-viewer', password: 'e2e viewer password' },
} as const satisfies Record<Role, E2eUser>;

/**
 * The built CLI (`cc-bridge ARGS`) against a server's registry: `env` on top of this process's
 * (the server's own environment, so it reaches the same database, through its owner). Resolves
 * to stdout; rejects with the CLI's stderr when it exits non-zero.
 */
async function cli(env: Record<string, string>, args: string[], stdin = ''): Promise<string> {
  const child = execFile(process.execPath, [cliBin, ...args], { env: { ...process.env, ...env, CC_BRIDGE_OWNER_LINGER: '0' } });
  child.child.stdin?.end(stdin);
  return (await child).stdout;
}

/** `cc-bridge users add NAME --role ROLE --password-stdin` on the server whose environment is `env`. */
export async function addUser(env: Record<string, string>, user: E2eUser, role: Role): Promise<void> {
  await cli(env, ['users', 'add', user.name, '--role', role, '--password-stdin'], `${user.password}\n`);
}

/** `cc-bridge tokens create --user NAME --role ROLE --json` on the server of `env`: the token itself. */
export async function createToken(env: Record<string, string>, user: string, role: Role): Promise<string> {
  const created = JSON.parse(await cli(env, ['tokens', 'create', '--user', user, '--role', role, '--json'])) as { token: string };
  return created.token;
}

/**
 * Signs in on `baseURL`/sign-in as a person would and saves the browser's state (the session
 * cookie) to `file`, a Playwright storageState. Cookies do not tell ports apart: a file per server.
 */
export async function signIn(baseURL: string, user: E2eUser, file: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--disable-dev-shm-usage', '--disable-gpu'] });
  try {
    // Signed out to begin with: in a test worker, Playwright would give the context the project's storageState.
    const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByRole('textbox', { name: 'Username' }).fill(user.name);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/instances', { timeout: 30_000 });
    await context.storageState({ path: file });
  } finally {
    await browser.close();
  }
}
