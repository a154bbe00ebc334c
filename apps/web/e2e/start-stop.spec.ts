import { getTestDockerClient } from '@cc-bridge/core/testing';
import { containerState } from './support/docker';
import { agentImage, e2eUsers } from './support/env';
import { expect, fakeContainerId, open, openInstances, rowOf, test, toast } from './support/fixtures';
import { hasTmuxSession } from './support/tmux';

// `Start` is inside `Restart`: exact names throughout.
const exact = true;

test('Stop and Start on a row act on the runtime and the row follows', async ({ page, uid, registry }) => {
  const name = `ss-row-${uid}`;
  await registry.createInstance({ name, type: 'tmux', cwd: '/tmp' }, { start: true });
  await openInstances(page, `?search=${name}`);
  const row = rowOf(page, name);
  await expect(row).toContainText('running');

  await row.getByRole('button', { name: 'Stop', exact }).click();
  await expect(toast(page, `${name} stopped: stopped`)).toBeVisible();
  await expect(row).toContainText('stopped');
  expect(await hasTmuxSession(name)).toBe(false);

  await row.getByRole('button', { name: 'Start', exact }).click();
  await expect(toast(page, `${name} started: running`)).toBeVisible();
  await expect(row).toContainText('running');
  expect(await hasTmuxSession(name)).toBe(true);

  await row.getByRole('button', { name: 'Restart', exact }).click();
  await expect(toast(page, `${name} restarted: running`)).toBeVisible();
  expect(await hasTmuxSession(name)).toBe(true);
});

test('Stop and Start on the detail page', async ({ page, uid, registry }) => {
  const name = `ss-det-${uid}`;
  await registry.createInstance({ name, type: 'tmux', cwd: '/tmp' }, { start: true });
  await open(page, `/instances/${name}`);
  const liveStatus = page.getByRole('region', { name: 'Live status' });
  await expect(liveStatus).toContainText('running');

  await page.getByRole('button', { name: 'Stop', exact }).click();
  await expect(liveStatus).toContainText('stopped');
  expect(await hasTmuxSession(name)).toBe(false);
  await page.getByRole('button', { name: 'Start', exact }).click();
  await expect(liveStatus).toContainText('running');
  // The actions act as the signed-in user.
  await expect(page.getByRole('list', { name: 'Events' })).toContainText(`by user:${e2eUsers.admin.name}`);
});

test('starting everything a filter matches confirms the list, then reports each result, one failure with its reason', async ({ page, uid, registry }) => {
  const prefix = `ss-all-${uid}`;
  await registry.createInstance({ name: `${prefix}-a`, type: 'tmux', cwd: '/tmp' });
  await registry.createInstance({ name: `${prefix}-b`, type: 'tmux', cwd: '/tmp' });
  // A record whose container does not exist on the Engine: it cannot be started.
  await registry.createInstance({ name: `${prefix}-gone`, type: 'docker', containerId: fakeContainerId(uid), containerName: `${prefix}-gone` });
  await openInstances(page, `?search=${prefix}`);
  await expect(rowOf(page, `${prefix}-gone`)).toBeVisible();

  await page.getByRole('region', { name: 'Everything this filter matches' }).getByRole('button', { name: 'Start 3 instances', exact }).click();
  const confirm = page.getByRole('dialog', { name: 'Start 3 instances?' });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole('list', { name: 'Will be acted on' }).getByRole('listitem')).toHaveText([`${prefix}-a`, `${prefix}-b`, `${prefix}-gone`]);
  await confirm.getByRole('button', { name: 'Start 3 instances', exact }).click();

  const done = page.getByRole('dialog', { name: 'Started 2 of 3 instances; 1 failed' });
  await expect(done).toBeVisible({ timeout: 30_000 });
  const results = done.getByRole('list', { name: 'Results' });
  await expect(results.getByRole('listitem').filter({ hasText: `${prefix}-a` })).toContainText('running');
  await expect(results.getByRole('listitem').filter({ hasText: `${prefix}-b` })).toContainText('running');
  await expect(results.getByRole('listitem').filter({ hasText: `${prefix}-gone` })).toContainText(/failed.*container/i);
  await done.getByRole('button', { name: 'Close' }).click();
  await expect(done).toHaveCount(0);

  await expect(rowOf(page, `${prefix}-a`)).toContainText('running');
  expect(await hasTmuxSession(`${prefix}-a`)).toBe(true);
  expect(await hasTmuxSession(`${prefix}-b`)).toBe(true);
});

test('stopping the ticked rows confirms them and reports each', async ({ page, uid, registry }) => {
  const prefix = `ss-sel-${uid}`;
  for (const suffix of ['a', 'b', 'c']) await registry.createInstance({ name: `${prefix}-${suffix}`, type: 'tmux', cwd: '/tmp' }, { start: true });
  await openInstances(page, `?search=${prefix}`);
  await page.getByRole('checkbox', { name: `Select ${prefix}-a`, exact }).check();
  await page.getByRole('checkbox', { name: `Select ${prefix}-c`, exact }).check();
  await page.getByRole('region', { name: 'Selected instances' }).getByRole('button', { name: 'Stop selected', exact }).click();

  const confirm = page.getByRole('dialog', { name: 'Stop 2 instances?' });
  await expect(confirm.getByRole('listitem')).toHaveText([`${prefix}-a`, `${prefix}-c`]);
  await confirm.getByRole('button', { name: 'Stop 2 instances', exact }).click();
  await expect(page.getByRole('dialog', { name: 'Stopped 2 instances' })).toBeVisible({ timeout: 30_000 });
  expect(await hasTmuxSession(`${prefix}-a`)).toBe(false);
  expect(await hasTmuxSession(`${prefix}-b`)).toBe(true);
  expect(await hasTmuxSession(`${prefix}-c`)).toBe(false);
});

test('a record whose container was removed outside says so on Start and offers Re-create, which runs a new container from its image', async ({ page, uid, registry }) => {
  const name = `ss-gone-${uid}`;
  const created = await registry.createInstance({ name, type: 'docker', imageName: agentImage, dockerNetwork: 'none' }, { start: true });
  const oldId = created.containerId;
  expect(oldId).toBeTruthy();
  await getTestDockerClient().getContainer(oldId ?? '').remove({ force: true });

  await open(page, `/instances/${name}`);
  await expect(page.getByRole('status', { name: 'Live updates' })).toHaveText('live');
  // A removed container reads `stopped` (kept), never `running`.
  await expect(page.getByRole('heading', { name, level: 1 }).locator('..')).toContainText('stopped');
  await expect(page.getByRole('button', { name: 'Re-create' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Start', exact }).click();
  await expect(toast(page, `Could not start ${name}`)).toBeVisible();
  const gone = page.getByRole('alert').filter({ hasText: `The container of ${name} is gone` });
  await expect(gone).toContainText('re-create it from its image');
  await expect(gone).toContainText(agentImage);

  await gone.getByRole('button', { name: 'Re-create' }).click();
  await expect(toast(page, `${name} re-created: running`)).toBeVisible();
  await expect(gone).toHaveCount(0);
  await expect(page.getByRole('heading', { name, level: 1 }).locator('..')).toContainText('running');
  await expect(page.getByRole('list', { name: 'Events' })).toContainText('re-created as');

  const recreated = await registry.getInstance(name);
  expect(recreated).toMatchObject({ name, status: 'running', imageName: agentImage });
  expect(recreated?.containerId).toBeTruthy();
  expect(recreated?.containerId).not.toBe(oldId);
  expect(await containerState(recreated?.containerId ?? '')).toBe('running');
  expect(await containerState(oldId ?? '')).toBeNull();
});
