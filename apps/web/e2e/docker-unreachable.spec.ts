import { noDockerBaseURL, noDockerServerEnv, storageStates } from './support/env';
import { dialog, expect, fakeContainerId, openInstances, rowOf, test, toast } from './support/fixtures';
import { hasTmuxSession } from './support/tmux';

test.use({ baseURL: noDockerBaseURL, storageState: storageStates.noDocker });

test('without a reachable Docker Engine the page works for tmux, shows one banner, and Docker rows read unknown', async ({ page, uid }) => {
  await openInstances(page);
  await expect(page.getByRole('alert').filter({ hasText: 'The Docker Engine is not reachable' })).toHaveCount(1);

  const tmuxName = `solo-${uid}`;
  await page.getByRole('button', { name: 'New instance' }).click();
  let form = dialog(page);
  await form.getByLabel('Name').fill(tmuxName);
  await form.getByLabel('Start it now').check();
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(toast(page, `Created ${tmuxName}`)).toBeVisible();
  await expect(rowOf(page, tmuxName)).toContainText('running');
  // The second server has a tmux server of its own.
  expect(await hasTmuxSession(tmuxName, noDockerServerEnv.CC_BRIDGE_TMUX_SOCKET)).toBe(true);

  const dockerName = `box-${uid}`;
  await page.getByRole('button', { name: 'New instance' }).click();
  form = dialog(page);
  await form.getByLabel('Name').fill(dockerName);
  await form.getByLabel('Type').selectOption('docker');
  await form.getByLabel('Container ID').fill(fakeContainerId(uid));
  await form.getByLabel('Container name').fill(`box-${uid}`);
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(toast(page, `Created ${dockerName}`)).toBeVisible();

  await page.getByRole('button', { name: 'Refresh status', exact: true }).first().click();
  await expect(rowOf(page, dockerName)).toContainText('unknown');
  await expect(rowOf(page, dockerName)).not.toContainText('stopped');
  await expect(rowOf(page, tmuxName)).toContainText('running');
});
