import { e2eUsers, storageStates } from './support/env';
import { expect, test } from './support/fixtures';

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('a page request goes to /sign-in; a wrong password is refused, the right one opens the page', async ({ page }) => {
    await page.goto('/instances?type=tmux');
    await expect(page).toHaveURL(/\/sign-in\?next=%2Finstances%3Ftype%3Dtmux$/);
    await page.getByRole('textbox', { name: 'Username' }).fill(e2eUsers.viewer.name);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // (Next.js's route announcer is an alert too.)
    await expect(page.getByRole('alert').filter({ hasText: 'Wrong username or password' })).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in/);

    await page.getByLabel('Password').fill(e2eUsers.viewer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/instances\?type=tmux$/);
    await expect(page.getByRole('heading', { name: 'Instances', level: 1 })).toBeVisible();
    await expect(page.getByText(`${e2eUsers.viewer.name} (viewer)`)).toBeVisible();
  });

  test('/setup is closed once a user exists', async ({ page }) => {
    await page.goto('/setup');
    await expect(page).toHaveURL(/\/sign-in$/);
  });

  test('the API answers 401 with a one-line reason', async ({ request }) => {
    const response = await request.get('/api/instances');
    expect(response.status()).toBe(401);
    expect(await response.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'Not signed in: sign in at /sign-in' } });
  });
});

test.describe('a viewer', () => {
  test.use({ storageState: storageStates.viewer });

  test('sees the list but no operator or admin controls, and the server refuses them anyway', async ({ page, registry, uid, request }) => {
    const name = `viewed-${uid}`;
    await registry.createInstance({ name, cwd: '/tmp' });
    await page.goto(`/instances/${name}`);
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
    for (const label of ['Start', 'Delete', 'Edit']) await expect(page.getByRole('button', { name: label, exact: true })).toHaveCount(0);
    await page.goto('/instances');
    for (const label of ['New instance', 'Discover now', 'Clean up stopped']) await expect(page.getByRole('button', { name: label, exact: true })).toHaveCount(0);
    // The server: reads are fine, a change is refused (see authorization.spec.ts for every action).
    expect((await request.get(`/api/instances/${name}`)).status()).toBe(200);
    expect(await registry.getInstance(name)).not.toBeNull();
  });
});
