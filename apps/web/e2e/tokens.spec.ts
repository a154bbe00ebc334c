import { loadConfig, openCcBridge, silentLogger } from '@cc-bridge/core';
import { sendRaw } from './support/entry-points';
import { e2eUsers, storageStates, useServerEnv } from './support/env';
import { dialog, expect, open, test } from './support/fixtures';

test.describe('a viewer on /settings/tokens', () => {
  test.use({ storageState: storageStates.viewer });

  test('creates a named token shown once, the API takes it for reads and refuses its writes, and refuses it once revoked; both are audited', async ({ page, context, baseURL, registry, uid }) => {
    const name = `script ${uid}`;
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await open(page, '/instances');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API tokens' }).click();
    await expect(page).toHaveURL(/\/settings\/tokens$/);
    await expect(page.getByRole('heading', { name: 'API tokens', level: 1 })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');

    // A viewer's token is a viewer's at most; a name is needed.
    const form = page.getByRole('form', { name: 'Create token' });
    await expect(form.getByLabel('Role').getByRole('option', { name: 'operator' })).toBeDisabled();
    await expect(form.getByLabel('Role').getByRole('option', { name: 'admin' })).toBeDisabled();
    await form.getByRole('button', { name: 'Create token' }).click();
    await expect(form.getByRole('textbox', { name: 'Token name' })).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByText('must not be empty')).toBeVisible();

    await form.getByRole('textbox', { name: 'Token name' }).fill(name);
    await form.getByLabel('Expires').selectOption({ label: 'In 30 days' });
    await form.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByRole('region', { name: 'New token' });
    await expect(shown).toContainText('it will not be shown again');
    const token = await shown.getByLabel('Token').inputValue();
    expect(token).toMatch(/^ccb_/);
    await shown.getByRole('button', { name: 'Copy' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    const row = page.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ hasText: name });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('viewer');
    await expect(row).toContainText('in 29 days');

    // The API as curl calls it: the token only, no cookie, no Origin.
    const origin = new URL(baseURL ?? '');
    const call = (method: string, body?: string) =>
      sendRaw(baseURL ?? '', { method, path: '/api/v1/instances', headers: { Host: origin.host, Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body });
    expect((await call('GET')).status).toBe(200);
    const write = await call('POST', JSON.stringify({ start: false, fields: { name: `tok-${uid}`, type: 'tmux' } }));
    expect(write.status).toBe(403);
    expect(JSON.parse(write.body)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await registry.getInstance(`tok-${uid}`)).toBeNull();

    // Once only: a fresh page shows the token's start, never the token.
    await open(page, '/settings/tokens');
    await expect(page.getByRole('region', { name: 'New token' })).toHaveCount(0);
    expect(await page.content()).not.toContain(token);

    await row.getByRole('button', { name: 'Revoke' }).click();
    await dialog(page).getByRole('button', { name: 'Revoke' }).click();
    await expect(row).toHaveCount(0);
    const refused = await call('GET');
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });

    const { items } = await registry.listAudit({ limit: 50 });
    const mine = items.filter((entry) => entry.target.startsWith(`token:${e2eUsers.viewer.name}/`) && (entry.action === 'token-create' || entry.action === 'token-revoke'));
    const created = mine.find((entry) => entry.action === 'token-create' && JSON.stringify(entry.changes).includes(name));
    expect(created).toMatchObject({ actor: `user:${e2eUsers.viewer.name}`, origin: '127.0.0.1' });
    expect(mine.find((entry) => entry.action === 'token-revoke' && entry.target === created?.target)).toMatchObject({ actor: `user:${e2eUsers.viewer.name}` });
  });
});

test.describe('an admin on /settings/tokens', () => {
  test('sees every user’s tokens with their owner and revokes another’s; a viewer sees only their own', async ({ page, browser, uid }) => {
    // The viewer's token, made in the viewer's own browser.
    const viewer = await browser.newContext({ storageState: storageStates.viewer });
    const viewerPage = await viewer.newPage();
    const name = `owned ${uid}`;
    await open(viewerPage, '/settings/tokens');
    await expect(viewerPage.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await viewerPage.getByRole('textbox', { name: 'Token name' }).fill(name);
    await viewerPage.getByRole('button', { name: 'Create token' }).click();
    await expect(viewerPage.getByRole('region', { name: 'New token' })).toBeVisible();

    await open(page, '/settings/tokens');
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    const adminName = `admin own ${uid}`;
    await page.getByRole('textbox', { name: 'Token name' }).fill(adminName);
    await page.getByRole('form', { name: 'Create token' }).getByLabel('Role').selectOption('admin');
    await page.getByRole('button', { name: 'Create token' }).click();
    await expect(page.getByRole('region', { name: 'New token' })).toContainText('(admin)');
    const table = page.getByRole('table', { name: 'API tokens' });
    const row = table.getByRole('row').filter({ hasText: name });
    await expect(row).toContainText(e2eUsers.viewer.name);

    // The viewer does not see the admin's token.
    await open(viewerPage, '/settings/tokens');
    await expect(viewerPage.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ hasText: name })).toHaveCount(1);
    await expect(viewerPage.getByText(adminName)).toHaveCount(0);

    await row.getByRole('button', { name: 'Revoke' }).click();
    await dialog(page).getByRole('button', { name: 'Revoke' }).click();
    await expect(row).toHaveCount(0);
    await open(viewerPage, '/settings/tokens');
    await expect(viewerPage.getByText(name)).toHaveCount(0);
    await viewer.close();
  });
});

test.describe('session renewal', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('a session used a day after its last renewal gets a week again, in the database and in the browser’s cookie', async ({ page }) => {
    await page.goto('/sign-in');
    await page.getByRole('textbox', { name: 'Username' }).fill(e2eUsers.viewer.name);
    await page.getByLabel('Password').fill(e2eUsers.viewer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/instances');
    const cookie = (await page.context().cookies()).find((entry) => entry.name.endsWith('session_token'));
    if (!cookie) throw new Error('no session cookie after signing in');
    const sessionToken = decodeURIComponent(cookie.value).split('.')[0] ?? '';

    // Nothing but the navigations below may renew it: the page's own event stream, reads and
    // prefetches (with the same cookie) would race them, so the browser sends none of those.
    await page.goto('about:blank');
    await page.route('**/*', (route) => (route.request().isNavigationRequest() ? route.continue() : route.abort()));
    // A day passes (without waiting one): the session's expiry moves a day closer, and so does the cookie's.
    const week = 7 * 24 * 60 * 60 * 1000;
    const aged = Date.now() + week - 25 * 60 * 60 * 1000;
    useServerEnv();
    const bridge = await openCcBridge({ config: loadConfig(), logger: silentLogger, actor: 'e2e', skipStartup: true });
    try {
      const adapter = (await (await bridge.auth()).auth.$context).adapter;
      const expiryNow = async () => new Date((await adapter.findOne<{ expiresAt: Date }>({ model: 'session', where: [{ field: 'token', value: sessionToken }] }))?.expiresAt ?? 0).getTime();
      await adapter.update({ model: 'session', where: [{ field: 'token', value: sessionToken }], update: { expiresAt: new Date(aged) } });
      await page.context().addCookies([{ ...cookie, expires: aged / 1000 }]);

      // The next request (a page here) renews it: a full week from now, and a cookie that says so.
      const response = await page.goto('/instances');
      expect(page.url()).toMatch(/\/instances$/);
      expect(await response?.headerValue('set-cookie')).toMatch(/session_token=.*Max-Age=604800/);
      expect(Math.abs((await expiryNow()) - (Date.now() + week))).toBeLessThan(60_000);
      const renewed = (await page.context().cookies()).find((entry) => entry.name === cookie.name);
      expect(Math.abs((renewed?.expires ?? 0) * 1000 - (Date.now() + week))).toBeLessThan(60_000);

      // Renewed once: the next request sends no new cookie.
      const again = await page.goto('/instances');
      expect(await again?.headerValue('set-cookie')).toBeNull();

      // A route handler renews too (an open page's event stream and reads keep a session alive).
      await adapter.update({ model: 'session', where: [{ field: 'token', value: sessionToken }], update: { expiresAt: new Date(aged) } });
      const read = await page.request.get('/api/fleet');
      expect(read.status()).toBe(200);
      expect(read.headers()['set-cookie']).toMatch(/session_token=.*Max-Age=604800/);
      expect(Math.abs((await expiryNow()) - (Date.now() + week))).toBeLessThan(60_000);
    } finally {
      await bridge.close();
    }
  });
});
