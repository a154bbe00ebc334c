import { containerState, runLabelledContainer } from './support/docker';
import { agentImage } from './support/env';
import { dialog, expect, fakeContainerId, openInstances, rowOf, test, toast } from './support/fixtures';
import { hasTmuxSession } from './support/tmux';

test.describe('creating instances from the form', () => {
  test('a tmux instance started now gets its session on the tmux server and shows running', async ({ page, uid }) => {
    const name = `tmux-${uid}`;
    await openInstances(page);
    await page.getByRole('button', { name: 'New instance' }).click();
    const form = dialog(page);
    await form.getByLabel('Name').fill(name);
    await expect(form.getByLabel('Type')).toHaveValue('tmux');
    // The form shows tmux fields only.
    await expect(form.getByLabel('Container ID')).toHaveCount(0);
    await form.getByLabel('Working directory').fill('/tmp');
    await form.getByLabel('Start it now').check();
    await form.getByRole('button', { name: 'Create' }).click();

    await expect(toast(page, `Created ${name}`)).toBeVisible();
    await expect(form).toHaveCount(0);
    await expect(rowOf(page, name)).toContainText('running');
    expect(await hasTmuxSession(name)).toBe(true);
  });

  test('a Docker instance started now runs a container from the image, and the live follower does not take it over', async ({ page, uid, registry }) => {
    const name = `dock-${uid}`;
    await openInstances(page);
    // The follower runs while the page listens: it sees the new container start before its record
    // is written, which once made discovery and the create undo each other.
    await expect(page.getByRole('status', { name: 'Live updates' })).toHaveText('live');
    await page.getByRole('button', { name: 'New instance' }).click();
    const form = dialog(page);
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Type').selectOption('docker');
    await expect(form.getByLabel('tmux session')).toHaveCount(0);
    await form.getByLabel('Image').fill(agentImage);
    await form.getByLabel('Network').fill('none');
    await form.getByLabel('Start it now').check();
    await form.getByRole('button', { name: 'Create' }).click();

    await expect(toast(page, `Created ${name}`)).toBeVisible();
    const row = rowOf(page, name);
    await expect(row).toContainText('running');
    await expect(row).toContainText(agentImage);
    expect(await containerState(name)).toBe('running');
    // Past the follower's debounce and refresh: still one record, the create's (origin manual), running.
    await page.waitForTimeout(2_000);
    await expect(rowOf(page, name)).toHaveCount(1);
    await expect(row).toContainText('running');
    await expect(row).not.toContainText('discovered');
    expect(await registry.getInstance(name)).toMatchObject({ origin: 'manual', status: 'running' });
    expect(await containerState(name)).toBe('running');
  });

  test('an existing container is registered by its ID and name', async ({ page, uid }) => {
    const name = `reg-${uid}`;
    const container = await runLabelledContainer(`e2e-reg-${uid}`);
    await openInstances(page);
    await page.getByRole('button', { name: 'New instance' }).click();
    const form = dialog(page);
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Type').selectOption('docker');
    await form.getByLabel('Container ID').fill(container.id);
    await form.getByLabel('Container name').fill(container.name);
    await form.getByRole('button', { name: 'Create' }).click();

    await expect(toast(page, `Created ${name}`)).toBeVisible();
    await expect(rowOf(page, name)).toContainText(container.id.slice(0, 12));
  });

  test('a bad name and a Docker field on a tmux instance are refused inline, and nothing is saved', async ({ page, uid, registry }) => {
    const name = `bad-${uid}`;
    await openInstances(page);
    await page.getByRole('button', { name: 'New instance' }).click();
    const form = dialog(page);

    await form.getByLabel('Name').fill(`9 ${name}`);
    await form.getByRole('button', { name: 'Create' }).click();
    await expect(form.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByText('must start with a letter')).toBeVisible();

    // A container ID typed for Docker stays when the type goes back to tmux, and is named as wrong.
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Type').selectOption('docker');
    await form.getByLabel('Container ID').fill('0123456789ab');
    await form.getByLabel('Type').selectOption('tmux');
    await form.getByRole('button', { name: 'Create' }).click();
    await expect(form.getByLabel('Container ID')).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByText('is a Docker field; a tmux instance cannot have it')).toBeVisible();
    await expect(form.getByLabel('Name')).not.toHaveAttribute('aria-invalid', 'true');

    await form.getByRole('button', { name: 'Cancel' }).click();
    expect(await registry.getInstance(name)).toBeNull();
    expect(await registry.getInstance(`9 ${name}`)).toBeNull();
  });

  test('a name already taken is refused by the server next to the Name field', async ({ page, uid, registry }) => {
    const name = `taken-${uid}`;
    await registry.createInstance({ name, type: 'tmux' });
    await openInstances(page);
    await page.getByRole('button', { name: 'New instance' }).click();
    const form = dialog(page);
    await form.getByLabel('Name').fill(name);
    await form.getByRole('button', { name: 'Create' }).click();
    await expect(form.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
    await expect(form).toContainText(name);
    const { matched } = await registry.listInstances({ search: name });
    expect(matched).toBe(1);
  });

  test('a container already registered is refused next to Container ID, naming who has it', async ({ page, uid, registry }) => {
    const containerId = fakeContainerId(uid);
    await registry.createInstance({ name: `holder-${uid}`, type: 'docker', containerId, containerName: `holder-${uid}` });
    await openInstances(page);
    await page.getByRole('button', { name: 'New instance' }).click();
    const form = dialog(page);
    await form.getByLabel('Name').fill(`second-${uid}`);
    await form.getByLabel('Type').selectOption('docker');
    await form.getByLabel('Container ID').fill(containerId);
    await form.getByLabel('Container name').fill(`second-${uid}`);
    await form.getByRole('button', { name: 'Create' }).click();

    await expect(form.getByLabel('Container ID')).toHaveAttribute('aria-invalid', 'true');
    await expect(form).toContainText(`Container ${containerId.slice(0, 12)} is already registered as "holder-${uid}"`);
    // Not mistaken for an edit race: no "someone changed this" and no reload offer.
    await expect(form).not.toContainText('Someone changed');
    expect(await registry.getInstance(`second-${uid}`)).toBeNull();
  });

  test('a tmux session already registered is refused next to tmux session, naming who has it', async ({ page, uid, registry }) => {
    await registry.createInstance({ name: `main-${uid}`, type: 'tmux', tmuxSession: `work-${uid}` });
    await openInstances(page);
    await page.getByRole('button', { name: 'New instance' }).click();
    const form = dialog(page);
    await form.getByLabel('Name').fill(`dup-${uid}`);
    await form.getByLabel('tmux session').fill(`work-${uid}`);
    await form.getByRole('button', { name: 'Create' }).click();

    await expect(form.getByLabel('tmux session')).toHaveAttribute('aria-invalid', 'true');
    await expect(form).toContainText(`The tmux session work-${uid} is already registered as "main-${uid}"`);
    expect(await registry.getInstance(`dup-${uid}`)).toBeNull();
  });
});
