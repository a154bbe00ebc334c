import { runLabelledContainer } from './support/docker';
import { killTmuxSession } from './support/tmux';
import { expect, instancesTable, openInstances, rowNames, rowOf, test } from './support/fixtures';

test.describe('the instance list', () => {
  test('filters by type and status, and the URL reproduces the view', async ({ page, uid, registry }) => {
    const prefix = `flt-${uid}`;
    // A running tmux session, a tmux record whose session ended, a running container.
    await registry.createInstance({ name: `${prefix}-live`, type: 'tmux' }, { start: true });
    await registry.createInstance({ name: `${prefix}-gone`, type: 'tmux' }, { start: true });
    await killTmuxSession(`${prefix}-gone`);
    const container = await runLabelledContainer(`e2e-${prefix}`);
    await registry.createInstance({ name: `${prefix}-box`, type: 'docker', containerId: container.id, containerName: container.name });
    await registry.refreshStatuses();

    await openInstances(page, `?search=${prefix}`);
    await expect.poll(() => rowNames(page)).toEqual([`${prefix}-box`, `${prefix}-gone`, `${prefix}-live`]);

    await page.getByLabel('Type', { exact: true }).selectOption('tmux');
    await expect(page).toHaveURL(/type=tmux/);
    await expect.poll(() => rowNames(page)).toEqual([`${prefix}-gone`, `${prefix}-live`]);

    await page.getByRole('group', { name: 'Status' }).getByLabel('running').check();
    await expect(page).toHaveURL(/status=running/);
    await expect.poll(() => rowNames(page)).toEqual([`${prefix}-live`]);
    await expect(page.getByText('1 of')).toBeVisible();

    // Several statuses at once.
    await page.getByRole('group', { name: 'Status' }).getByLabel('stopped').check();
    await expect(page).toHaveURL(/status=running%2Cstopped|status=running,stopped/);
    await expect.poll(() => rowNames(page)).toEqual([`${prefix}-gone`, `${prefix}-live`]);

    // A fresh page load from the link shows the same view, rendered by the server.
    const url = page.url();
    const second = await page.context().newPage();
    await second.goto(url);
    await expect.poll(() => rowNames(second)).toEqual([`${prefix}-gone`, `${prefix}-live`]);
    await expect(second.getByLabel('Type', { exact: true })).toHaveValue('tmux');
    await second.close();

    await page.getByRole('button', { name: 'Reset filters' }).click();
    await expect(page).not.toHaveURL(/type=|status=|search=/);
  });

  test('searches by name as you type', async ({ page, uid, registry }) => {
    const prefix = `srch-${uid}`;
    await registry.createInstance({ name: `${prefix}-alpha`, type: 'tmux' });
    await registry.createInstance({ name: `${prefix}-beta`, type: 'tmux' });

    await openInstances(page);
    await page.getByRole('searchbox', { name: 'Search' }).fill(`${prefix}-al`);
    await expect(page).toHaveURL(new RegExp(`search=${prefix}-al`));
    await expect.poll(() => rowNames(page)).toEqual([`${prefix}-alpha`]);
    await page.getByRole('searchbox', { name: 'Search' }).fill(prefix);
    await expect.poll(() => rowNames(page)).toEqual([`${prefix}-alpha`, `${prefix}-beta`]);
  });

  test('text typed into Search before the page is interactive still filters', async ({ page, uid, registry }) => {
    const prefix = `early-${uid}`;
    await registry.createInstance({ name: `${prefix}-alpha`, type: 'tmux' });
    await registry.createInstance({ name: `${prefix}-beta`, type: 'tmux' });

    // Hold the page's scripts back: the server's HTML shows, but React has not hydrated yet.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/_next/static/chunks/**', async (route) => {
      await released;
      await route.continue();
    });
    await page.goto('/instances', { waitUntil: 'commit' });
    await expect(instancesTable(page)).toBeVisible();
    await page.getByRole('searchbox', { name: 'Search' }).fill(`${prefix}-al`);
    await expect(page.locator('html')).not.toHaveAttribute('data-hydrated');

    release();
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await expect(page).toHaveURL(new RegExp(`search=${prefix}-al`));
    await expect.poll(() => rowNames(page)).toEqual([`${prefix}-alpha`]);
    await expect(page.getByRole('searchbox', { name: 'Search' })).toHaveValue(`${prefix}-al`);
  });

  test('sorts by name both ways', async ({ page, uid, registry }) => {
    const prefix = `sort-${uid}`;
    for (const suffix of ['b', 'c', 'a']) await registry.createInstance({ name: `${prefix}-${suffix}`, type: 'tmux' });

    await openInstances(page, `?search=${prefix}`);
    const ascending = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    await expect.poll(() => rowNames(page)).toEqual(ascending);
    const nameHeader = instancesTable(page).getByRole('columnheader').filter({ has: page.getByRole('button', { name: 'Name' }) });
    await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');

    await instancesTable(page).getByRole('button', { name: 'Name' }).click();
    await expect(page).toHaveURL(/order=desc/);
    await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
    await expect.poll(() => rowNames(page)).toEqual([...ascending].reverse());

    await instancesTable(page).getByRole('button', { name: 'Name' }).click();
    await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
    await expect.poll(() => rowNames(page)).toEqual(ascending);
  });

  test('a second browser sees a change made in the first without reloading', async ({ browser, uid }) => {
    const name = `seen-${uid}`;
    const first = await browser.newContext();
    const second = await browser.newContext();
    try {
      const pageA = await first.newPage();
      const pageB = await second.newPage();
      await openInstances(pageA, `?search=${name}`);
      await openInstances(pageB, `?search=${name}`);
      await expect(rowOf(pageB, name)).toHaveCount(0);

      await pageA.getByRole('button', { name: 'New instance' }).click();
      await pageA.getByRole('dialog').getByLabel('Name').fill(name);
      await pageA.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
      await expect(rowOf(pageA, name)).toBeVisible();

      // No reload in B: the background refetch brings it.
      await expect(rowOf(pageB, name)).toBeVisible({ timeout: 10_000 });
    } finally {
      await first.close();
      await second.close();
    }
  });
});
