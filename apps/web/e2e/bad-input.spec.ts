import { expect, instancesTable, test } from './support/fixtures';

test.describe('links that do not make sense', () => {
  test('an unknown instance, or a name no instance can have, is a 404 page that says so', async ({ page }) => {
    for (const name of ['no-such-instance', encodeURIComponent('bad name; rm -rf /'), 'x'.repeat(300)]) {
      const response = await page.goto(`/instances/${name}`);
      expect(response?.status(), name).toBe(404);
      await expect(page.getByRole('heading', { name: 'No such instance' })).toBeVisible();
      await expect(page.getByRole('link', { name: 'Back to all instances' })).toBeVisible();
    }
  });

  test('unknown filter and sort values fall back to the defaults instead of failing', async ({ page, registry, uid }) => {
    await registry.createInstance({ name: `odd-link-${uid}` });
    const response = await page.goto(`/instances?type=vm&status=bogus&sort=colour&order=sideways&page=-3&search=odd-link-${uid}`);
    expect(response?.status()).toBe(200);
    await expect(instancesTable(page).getByRole('checkbox', { name: `Select odd-link-${uid}`, exact: true })).toBeVisible();
    await expect(page.getByLabel('Type', { exact: true })).toHaveValue('');
  });
});
