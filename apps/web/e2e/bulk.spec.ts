import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { loadConfig, openCcBridge, silentLogger, type InstanceManager } from '@cc-bridge/core';
import { noDockerBaseURL, noDockerServerEnv, storageStates } from './support/env';
import { dialog, expect, holdListReads, nextActionResponse, openInstances, rowOf, test, toast, withoutPush } from './support/fixtures';
import { hasTmuxSession, killTmuxSession, startTmuxSession } from './support/tmux';

const selectionBar = (page: Page) => page.getByRole('region', { name: 'Selected instances' });

test.describe('bulk actions on selected rows', () => {
  test('the selection bar appears only while rows are selected, and Clear selection unticks them', async ({ page, uid, registry }) => {
    const names = [`sel-a-${uid}`, `sel-b-${uid}`];
    for (const name of names) await registry.createInstance({ name, type: 'tmux' });

    await openInstances(page, `?search=${uid}`);
    await expect(selectionBar(page)).toHaveCount(0);
    for (const name of names) await rowOf(page, name).getByRole('checkbox', { name: `Select ${name}` }).check();
    await expect(selectionBar(page)).toContainText('2 selected');

    await selectionBar(page).getByRole('button', { name: 'Clear selection' }).click();
    await expect(selectionBar(page)).toHaveCount(0);
    for (const name of names) await expect(rowOf(page, name).getByRole('checkbox', { name: `Select ${name}` })).not.toBeChecked();
  });

  test('Delete selected deletes the ticked instances and leaves the others', async ({ page, uid, registry }) => {
    const [first, second, kept] = [`bulk-a-${uid}`, `bulk-b-${uid}`, `bulk-c-${uid}`];
    for (const name of [first, second, kept]) await registry.createInstance({ name, type: 'tmux' }, { start: true });

    await openInstances(page, `?search=${uid}`);
    await rowOf(page, first).getByRole('checkbox', { name: `Select ${first}` }).check();
    await rowOf(page, second).getByRole('checkbox', { name: `Select ${second}` }).check();
    await expect(selectionBar(page)).toContainText('2 selected');
    await selectionBar(page).getByRole('button', { name: 'Delete selected' }).click();

    const confirm = dialog(page);
    const listed = confirm.getByRole('list', { name: 'Will be deleted' });
    await expect(listed.getByRole('listitem')).toHaveText([first, second]);
    await expect(confirm.getByLabel('Also stop and remove containers / kill tmux sessions')).not.toBeChecked();
    await confirm.getByRole('button', { name: 'Delete 2 instances' }).click();

    await expect(toast(page, 'Deleted 2 instances')).toBeVisible();
    await expect(rowOf(page, first)).toHaveCount(0);
    await expect(rowOf(page, second)).toHaveCount(0);
    await expect(rowOf(page, kept)).toBeVisible();
    // The deleted names left the selection with their rows.
    await expect(selectionBar(page)).toHaveCount(0);
    expect(await registry.getInstance(first)).toBeNull();
    expect(await registry.getInstance(second)).toBeNull();
    expect(await registry.getInstance(kept)).not.toBeNull();
    // Unticked, the box leaves the sessions running.
    expect(await hasTmuxSession(first)).toBe(true);
  });

  test('Refresh selected shows a session killed outside the app as stopped', async ({ page, uid, registry }) => {
    const name = `gone-${uid}`;
    await startTmuxSession(name);
    await registry.createInstance({ name, type: 'tmux' });
    await registry.getInstanceStatus(name, { refresh: true });
    expect((await registry.getInstance(name))?.status).toBe('running');

    // With the push connected, the server's live follower would find the session gone by itself
    // within ~2 s; without it, only the button (or a held poll) can.
    await withoutPush(page);
    await openInstances(page, `?search=${name}`);
    await expect(page.getByRole('status', { name: 'Live updates' })).toHaveText('reconnecting');
    const row = rowOf(page, name);
    await expect(row).toContainText('running');
    // The list refreshes statuses itself on each read: none may reach the server before the button.
    const reads = await holdListReads(page);
    await killTmuxSession(name);
    await row.getByRole('checkbox', { name: `Select ${name}` }).check();
    const answered = nextActionResponse(page);
    await selectionBar(page).getByRole('button', { name: 'Refresh selected' }).click();
    await answered;
    reads.release();

    await expect(toast(page, 'Checked 1 instance: 1 status changed')).toBeVisible();
    await expect(toast(page, `${name}: running → stopped`)).toBeVisible();
    await expect(row).toContainText('stopped');
  });
});

test.describe('bulk delete when one runtime cannot be removed', () => {
  test.use({ baseURL: noDockerBaseURL, storageState: storageStates.noDocker });

  /** The registry of the second server, whose Docker Engine cannot be reached. */
  async function withNoDockerRegistry(use: (registry: InstanceManager) => Promise<void>): Promise<void> {
    const config = loadConfig({}, { ...process.env, ...noDockerServerEnv });
    const bridge = await openCcBridge({ config, logger: silentLogger, actor: 'e2e', skipStartup: true });
    try {
      await use(bridge.manager);
    } finally {
      await bridge.close();
    }
  }

  test('deletes the others and names the one that failed, which stays selected', async ({ page, uid }) => {
    const session = `ok-${uid}`;
    const box = `box-${uid}`;
    await withNoDockerRegistry(async (registry) => {
      await registry.createInstance({ name: session, type: 'tmux' }, { start: true });
      await registry.createInstance({ name: box, type: 'docker', containerId: randomBytes(32).toString('hex'), containerName: box });
    });
    expect(await hasTmuxSession(session, noDockerServerEnv.CC_BRIDGE_TMUX_SOCKET)).toBe(true);

    await openInstances(page, `?search=${uid}`);
    // Ticked one by one: "Select all" would also take names another test's uid happens to contain.
    for (const name of [session, box]) await rowOf(page, name).getByRole('checkbox', { name: `Select ${name}` }).check();
    await expect(selectionBar(page)).toContainText('2 selected');
    await selectionBar(page).getByRole('button', { name: 'Delete selected' }).click();
    const confirm = dialog(page);
    await confirm.getByLabel('Also stop and remove containers / kill tmux sessions').check();
    await confirm.getByRole('button', { name: 'Delete 2 instances' }).click();

    await expect(toast(page, 'Deleted 1 instance; 1 failed')).toBeVisible();
    await expect(toast(page, `${box}: The Docker Engine is not reachable`)).toBeVisible();
    await expect(rowOf(page, session)).toHaveCount(0);
    await expect(rowOf(page, box)).toBeVisible();
    await expect(rowOf(page, box).getByRole('checkbox', { name: `Select ${box}` })).toBeChecked();
    await expect(selectionBar(page)).toContainText('1 selected');
    expect(await hasTmuxSession(session, noDockerServerEnv.CC_BRIDGE_TMUX_SOCKET)).toBe(false);
  });
});
