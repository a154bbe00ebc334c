import { storageStates } from './support/env';
import { dialog, expect, open, test, toast } from './support/fixtures';

test.describe('an admin on /settings/users', () => {
  test('adds an operator, creates a token for them shown once, the API takes it, and refuses it once revoked', async ({ page, playwright, baseURL, uid }) => {
    const name = `op-${uid}`.toLowerCase();
    await open(page, '/instances');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await expect(page).toHaveURL(/\/settings\/users$/);
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');

    // Core's checks show beside their fields: a short password, then a taken name.
    const addUser = page.getByRole('form', { name: 'Add user' });
    await addUser.getByLabel('Username').fill(name);
    await addUser.getByLabel('Role').selectOption('operator');
    await addUser.getByLabel('Password').fill('short');
    await addUser.getByRole('button', { name: 'Add user' }).click();
    await expect(addUser.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
    await addUser.getByLabel('Password').fill('operator password');
    await addUser.getByRole('button', { name: 'Add user' }).click();
    await expect(toast(page, `Added ${name}`)).toBeVisible();
    const users = page.getByRole('table', { name: 'Users' });
    await expect(users.getByRole('row').filter({ hasText: name })).toContainText('operator');
    await addUser.getByLabel('Username').fill(name);
    await addUser.getByLabel('Password').fill('operator password');
    await addUser.getByRole('button', { name: 'Add user' }).click();
    await expect(addUser.getByText(`A user named ${name} already exists`)).toBeVisible();

    // A token for them: the role select offers no more than theirs.
    const createToken = page.getByRole('form', { name: 'Create token' });
    await createToken.getByLabel('User').selectOption(name);
    await expect(createToken.getByLabel('Token role').getByRole('option', { name: 'admin' })).toBeDisabled();
    await createToken.getByLabel('Token role').selectOption('operator');
    await createToken.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByRole('region', { name: 'New token' });
    await expect(shown).toContainText('it will not be shown again');
    const token = await shown.getByLabel('Token').inputValue();
    expect(token.length).toBeGreaterThan(20);
    const tokenRow = page.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ hasText: name });
    await expect(tokenRow).toHaveCount(1);
    await expect(users.getByRole('row').filter({ hasText: name }).getByRole('cell').nth(3)).toHaveText('1');

    // The API, as curl would call it: no cookie, the bearer token only.
    const api = await playwright.request.newContext({ baseURL: baseURL ?? '', storageState: { cookies: [], origins: [] } });
    const list = () => api.get('/api/v1/instances', { headers: { Authorization: `Bearer ${token}` } });
    expect((await list()).status()).toBe(200);

    // Once only: a fresh page shows the token's start, never the token.
    await open(page, '/settings/users');
    await expect(page.getByRole('region', { name: 'New token' })).toHaveCount(0);
    expect(await page.content()).not.toContain(token);

    await tokenRow.getByRole('button', { name: /^Revoke/ }).click();
    await dialog(page).getByRole('button', { name: 'Revoke' }).click();
    await expect(tokenRow).toHaveCount(0);
    expect((await list()).status()).toBe(401);

    // Remove the operator; the admin's own row has no Remove.
    await expect(users.getByRole('row').filter({ hasText: 'e2e-admin' }).getByRole('button', { name: /^Remove/ })).toHaveCount(0);
    await users.getByRole('button', { name: `Remove ${name}` }).click();
    await dialog(page).getByRole('button', { name: 'Remove' }).click();
    await expect(users.getByRole('row').filter({ hasText: name })).toHaveCount(0);
    await api.dispose();

    // Each change is audited as the admin, from the browser's address.
    await open(page, `/audit?action=user-add`);
    const added = page.getByRole('table', { name: 'Audit log' }).getByRole('row').filter({ hasText: `user:${name}` });
    await expect(added).toHaveCount(1);
    await expect(added).toContainText('user:e2e-admin');
    await expect(added).toContainText('127.0.0.1');
  });
});

test.describe('a viewer', () => {
  test.use({ storageState: storageStates.viewer });

  test('sees no Users link and is refused /settings/users', async ({ page }) => {
    await open(page, '/instances');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' })).toHaveCount(0);
    await page.goto('/settings/users');
    await expect(page).toHaveURL(/\/instances$/);
    await expect(page.getByRole('table', { name: 'Users' })).toHaveCount(0);
  });
});
