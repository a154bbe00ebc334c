import { getTestDockerClient, runTestContainer } from '@cc-bridge/core/testing';
import { containerState, killContainer, runLabelledContainer } from './support/docker';
import { e2eLabel } from './support/env';
import { dialog, expect, holdListReads, nextActionResponse, open, openInstances, rowOf, test, toast, withoutPush } from './support/fixtures';
import { hasTmuxSession, killTmuxSession } from './support/tmux';

test.describe('acting on instances', () => {
  test('the detail page shows every field, the live status and the history', async ({ page, uid, registry }) => {
    const name = `det-${uid}`;
    await registry.createInstance({ name, type: 'tmux', cwd: '/tmp' }, { start: true });
    await registry.updateInstance(name, { cwd: '/var/tmp' });

    await openInstances(page, `?search=${name}`);
    await rowOf(page, name).getByRole('link', { name }).click();
    await expect(page).toHaveURL(`/instances/${name}`);
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();

    const fields = page.getByRole('region', { name: 'Fields' });
    for (const label of ['Name', 'Type', 'Origin', 'ID', 'Version', 'Created', 'Last seen', 'tmux session', 'PID', 'Working directory', 'Container ID', 'Image', 'Network']) {
      await expect(fields.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) })).toBeVisible();
    }
    await expect(fields).toContainText('/var/tmp');
    await expect(page.getByRole('region', { name: 'Live status' })).toContainText('running');

    const history = page.getByRole('list', { name: 'Events' });
    await expect(history.getByRole('listitem')).toHaveCount(2);
    await expect(history).toContainText('Created');
    await expect(history).toContainText('Updated');
  });

  test('the detail page shows what the Docker Engine says of a container, and which Engine it is on', async ({ page, uid, registry }) => {
    const name = `crash-${uid}`;
    const container = await runTestContainer({ name: `e2e-crash-${uid}`, command: ['sh', '-c', 'exit 3'], labels: { [e2eLabel]: '1' } });
    await container.wait();
    await registry.createInstance({ name, type: 'docker', containerId: container.id, containerName: `e2e-crash-${uid}` });

    await open(page, `/instances/${name}`);
    await expect(page.getByRole('region', { name: 'Live status' })).toContainText('error');
    const fields = page.getByRole('region', { name: 'Fields' });
    const valueOf = (label: string) => fields.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]');
    await expect(valueOf('Engine state')).toHaveText('exited (3)');
    await expect(valueOf('Docker Engine')).toContainText('at unix:///var/run/docker.sock');
  });

  test('edits an instance and renames it', async ({ page, uid, registry }) => {
    const name = `edit-${uid}`;
    const renamed = `renamed-${uid}`;
    await registry.createInstance({ name, type: 'tmux', cwd: '/tmp' });

    await openInstances(page, `?search=${uid}`);
    await rowOf(page, name).getByRole('button', { name: 'Edit' }).click();
    const form = dialog(page);
    await expect(form.getByLabel('Working directory')).toHaveValue('/tmp');
    await form.getByLabel('Name').fill(renamed);
    await form.getByLabel('Working directory').fill('/srv');
    await form.getByRole('button', { name: 'Save' }).click();

    await expect(toast(page, `Renamed ${name} to ${renamed}`)).toBeVisible();
    await expect(rowOf(page, renamed)).toBeVisible();
    await expect(rowOf(page, name)).toHaveCount(0);
    const saved = await registry.getInstance(renamed);
    expect(saved?.cwd).toBe('/srv');
    expect(await registry.getInstance(name)).toBeNull();
  });

  test('a stale edit says someone changed the instance and reloads it', async ({ page, uid, registry }) => {
    const name = `stale-${uid}`;
    await registry.createInstance({ name, type: 'tmux', cwd: '/tmp' });

    await open(page, `/instances/${name}`);
    await page.getByRole('button', { name: 'Edit' }).click();
    const form = dialog(page);
    await form.getByLabel('Working directory').fill('/mine');
    // Someone else saves first.
    await registry.updateInstance(name, { cwd: '/theirs' });
    await form.getByRole('button', { name: 'Save' }).click();

    await expect(form.getByRole('alert')).toContainText('Someone changed this instance since you opened it');
    expect((await registry.getInstance(name))?.cwd).toBe('/theirs');
    await form.getByRole('button', { name: 'Reload' }).click();
    await expect(form.getByLabel('Working directory')).toHaveValue('/theirs');
    await form.getByLabel('Working directory').fill('/mine');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toHaveCount(0);
    expect((await registry.getInstance(name))?.cwd).toBe('/mine');
  });

  test('deleting without removing the runtime leaves the tmux session running', async ({ page, uid, registry }) => {
    const name = `keep-${uid}`;
    await registry.createInstance({ name, type: 'tmux' }, { start: true });

    await openInstances(page, `?search=${name}`);
    await rowOf(page, name).getByRole('button', { name: 'Delete' }).click();
    const confirm = dialog(page);
    await expect(confirm.getByLabel('Also kill the tmux session')).not.toBeChecked();
    await confirm.getByRole('button', { name: 'Delete' }).click();

    await expect(toast(page, `Deleted ${name}`)).toBeVisible();
    await expect(toast(page, 'the tmux session was left as it was')).toBeVisible();
    await expect(rowOf(page, name)).toHaveCount(0);
    expect(await registry.getInstance(name)).toBeNull();
    expect(await hasTmuxSession(name)).toBe(true);
  });

  test('deleting with "also stop and remove the container" removes the container', async ({ page, uid, registry }) => {
    const name = `drop-${uid}`;
    const container = await runLabelledContainer(`e2e-drop-${uid}`);
    await registry.createInstance({ name, type: 'docker', containerId: container.id, containerName: container.name });

    await openInstances(page, `?search=${name}`);
    await rowOf(page, name).getByRole('button', { name: 'Delete' }).click();
    const confirm = dialog(page);
    await confirm.getByLabel('Also stop and remove the container').check();
    await confirm.getByRole('button', { name: 'Delete' }).click();

    await expect(toast(page, `Deleted ${name}`)).toBeVisible();
    await expect(toast(page, 'its container was stopped and removed')).toBeVisible();
    await expect(rowOf(page, name)).toHaveCount(0);
    await expect.poll(() => containerState(container.id)).toBeNull();
  });

  test('deleting with "also kill the tmux session" when the session already ended says so', async ({ page, uid, registry }) => {
    const name = `ended-${uid}`;
    await registry.createInstance({ name, type: 'tmux' }, { start: true });
    await killTmuxSession(name);

    await openInstances(page, `?search=${name}`);
    await rowOf(page, name).getByRole('button', { name: 'Delete' }).click();
    const confirm = dialog(page);
    await confirm.getByLabel('Also kill the tmux session').check();
    await confirm.getByRole('button', { name: 'Delete' }).click();

    await expect(toast(page, 'its tmux session was already gone')).toBeVisible();
    await expect(rowOf(page, name)).toHaveCount(0);
    expect(await registry.getInstance(name)).toBeNull();
  });

  test('a container stopped outside the app shows stopped after Refresh status', async ({ page, uid, registry }) => {
    const name = `halt-${uid}`;
    const container = await runLabelledContainer(`e2e-halt-${uid}`);
    await registry.createInstance({ name, type: 'docker', containerId: container.id, containerName: container.name });
    await registry.getInstanceStatus(name, { refresh: true });

    await openInstances(page, `?search=${name}`);
    const row = rowOf(page, name);
    await expect(row).toContainText('running');
    await killContainer(container.id);
    await row.getByRole('button', { name: 'Refresh status' }).click();
    await expect(toast(page, `${name} is stopped`)).toBeVisible();
    await expect(row).toContainText('stopped');
  });

  test('page-wide Refresh status reports what changed', async ({ page, uid, registry }) => {
    const name = `all-${uid}`;
    const container = await runLabelledContainer(`e2e-all-${uid}`);
    await registry.createInstance({ name, type: 'docker', containerId: container.id, containerName: container.name });
    await registry.getInstanceStatus(name, { refresh: true });

    // With the push connected the live follower would see the kill by itself; without a page
    // listening it does not run, and only the button (or a held poll) can find it.
    await withoutPush(page);
    await openInstances(page, `?search=${name}`);
    await expect(page.getByRole('status', { name: 'Live updates' })).toHaveText('reconnecting');
    // The list refreshes statuses itself on each read: none may reach the server before the button.
    const reads = await holdListReads(page);
    await killContainer(container.id);
    const answered = nextActionResponse(page);
    await page.getByRole('button', { name: 'Refresh status' }).first().click();
    await answered;
    reads.release();
    await expect(toast(page, /Checked \d+ instances?: /)).toBeVisible();
    await expect(toast(page, new RegExp(`${name}: running → stopped`))).toBeVisible();
    await expect(rowOf(page, name)).toContainText('stopped');
  });

  test('Discover now adds a labelled container and says so', async ({ page, uid }) => {
    const name = `found-${uid}`;
    await runLabelledContainer(`e2e-found-${uid}`, name);

    // A listening page would start the live follower, whose first refresh discovers it by itself.
    await withoutPush(page);
    await openInstances(page, `?search=${name}`);
    await expect(page.getByRole('status', { name: 'Live updates' })).toHaveText('reconnecting');
    await expect(rowOf(page, name)).toHaveCount(0);
    await page.getByRole('button', { name: 'Discover now' }).click();
    await expect(toast(page, /Discovery found \d+ containers?: added 1/)).toBeVisible();
    const row = rowOf(page, name);
    await expect(row).toContainText('discovered');
    await expect(row).toContainText('running');
  });

  test('with the push connected, a labelled container started outside appears by itself, and Discover now then adds nothing', async ({ page, uid }) => {
    const name = `seen-${uid}`;
    await openInstances(page, `?search=${name}`);
    await expect(page.getByRole('status', { name: 'Live updates' })).toHaveText('live');
    await expect(rowOf(page, name)).toHaveCount(0);

    await runLabelledContainer(`e2e-seen-${uid}`, name);
    const row = rowOf(page, name);
    await expect(row).toContainText('running', { timeout: 5_000 });
    await expect(row).toContainText('discovered');
    // The follower got there first: the button reports that honestly, and adds no second row.
    await page.getByRole('button', { name: 'Discover now' }).click();
    await expect(toast(page, /Discovery found \d+ containers?: added 0/)).toBeVisible();
    await expect(rowOf(page, name)).toHaveCount(1);
  });

  test('Clean up stopped shows what it will remove, then removes it', async ({ page, uid, registry }) => {
    const name = `old-${uid}`;
    await registry.createInstance({ name, type: 'tmux' }, { start: true });
    await killTmuxSession(name);
    await registry.getInstanceStatus(name, { refresh: true });
    expect((await registry.getInstance(name))?.status).toBe('stopped');

    await openInstances(page, `?search=${name}`);
    await page.getByRole('button', { name: 'Clean up stopped' }).click();
    const confirm = dialog(page);
    await expect(confirm.getByRole('list', { name: 'Will be removed' })).toContainText(name);
    // The dry run removed nothing.
    expect(await registry.getInstance(name)).not.toBeNull();
    await confirm.getByRole('button', { name: /^Remove \d+ instances?$/ }).click();
    await expect(toast(page, /Removed \d+ stopped instances?/)).toBeVisible();
    await expect(rowOf(page, name)).toHaveCount(0);
    expect(await registry.getInstance(name)).toBeNull();
  });

  test('Prune discovered lists records whose container is gone, then removes them', async ({ page, uid, registry }) => {
    const name = `lost-${uid}`;
    const container = await runLabelledContainer(`e2e-lost-${uid}`, name);
    await registry.refreshDiscovery();
    expect((await registry.getInstance(name))?.origin).toBe('discovered');
    await getTestDockerClient().getContainer(container.id).remove({ force: true });

    await openInstances(page, `?search=${name}`);
    await page.getByRole('button', { name: 'Prune discovered' }).click();
    const confirm = dialog(page);
    await expect(confirm.getByRole('list', { name: 'Will be removed' })).toContainText(name);
    expect(await registry.getInstance(name)).not.toBeNull();
    await confirm.getByRole('button', { name: /^Remove \d+ instances?$/ }).click();
    await expect(toast(page, /Removed \d+ discovered instances?/)).toBeVisible();
    expect(await registry.getInstance(name)).toBeNull();
  });
});
