import { execFile as execFileCallback } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from '@playwright/test';
import { ensureAgentImage, removeE2eContainers } from './support/docker';
import { e2eUsers, noDockerBaseURL, noDockerServerEnv, relayedBaseURL, relayedServerEnv, serverEnv, serverHome, storageStates } from './support/env';
import { appDir } from './support/server';

const execFile = promisify(execFileCallback);
const cliBin = join(appDir, '..', 'cli', 'bin', 'cc-bridge.js');
const mainBaseURL = `http://127.0.0.1:${process.env.CC_BRIDGE_E2E_PORT ?? 3917}`;

/** `cc-bridge users add` against a server's registry (through its database owner), password on stdin. */
async function addUser(env: Record<string, string>, user: { name: string; password: string }, role: string): Promise<void> {
  const child = execFile(process.execPath, [cliBin, 'users', 'add', user.name, '--role', role, '--password-stdin'], {
    env: { ...process.env, ...env, CC_BRIDGE_OWNER_LINGER: '0' },
  });
  child.child.stdin?.end(`${user.password}\n`);
  await child;
}

/** Signs in on /sign-in as a person would and saves the browser's state (the session cookie). */
async function signIn(baseURL: string, user: { name: string; password: string }, file: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--disable-dev-shm-usage', '--disable-gpu'] });
  try {
    const context = await browser.newContext({ baseURL });
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

export default async function globalSetup(): Promise<void> {
  // A run killed half-way (turbo, Ctrl-C) leaves containers behind; they would be discovered.
  await removeE2eContainers();
  await ensureAgentImage();
  // Sign-in is configured on every server (the web servers are already up): an admin each, and
  // an operator and a viewer on the main one, for auth.spec.ts and authorization.spec.ts.
  await addUser({ ...serverEnv, HOME: serverHome }, e2eUsers.admin, 'admin');
  await addUser({ ...serverEnv, HOME: serverHome }, e2eUsers.operator, 'operator');
  await addUser({ ...serverEnv, HOME: serverHome }, e2eUsers.viewer, 'viewer');
  await addUser(noDockerServerEnv, e2eUsers.admin, 'admin');
  await addUser(relayedServerEnv, e2eUsers.admin, 'admin');
  await signIn(mainBaseURL, e2eUsers.admin, storageStates.main);
  await signIn(mainBaseURL, e2eUsers.operator, storageStates.operator);
  await signIn(mainBaseURL, e2eUsers.viewer, storageStates.viewer);
  await signIn(noDockerBaseURL, e2eUsers.admin, storageStates.noDocker);
  await signIn(relayedBaseURL, e2eUsers.admin, storageStates.relayed);
}
