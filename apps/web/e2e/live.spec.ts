import type { Page, Request } from '@playwright/test';
import { expect, open, openInstances, rowOf, test } from './support/fixtures';
import { startRelay } from './support/relay';
import { killTmuxSession } from './support/tmux';

function liveIndicator(page: Page) {
  return page.getByRole('status', { name: 'Live updates' });
}

const isListRead = (url: URL) => url.pathname === '/api/instances' && !url.searchParams.has('ids');
const isByIdRead = (url: URL) => url.pathname === '/api/instances' && url.searchParams.has('ids');

/**
 * Holds every list read (GET /api/instances with the list's parameters) from now on, for good,
 * and counts them: whatever then changes on the page came by push and by-id reads.
 */
async function holdListReadsForGood(page: Page): Promise<{ listReads: () => number; byIdReads: () => number }> {
  let listReads = 0;
  let byIdReads = 0;
  await page.route(
    (url) => isListRead(url),
    () => {
      listReads += 1;
      // Never answered: a test that needed it would time out.
    },
  );
  page.on('request', (request: Request) => {
    if (isByIdRead(new URL(request.url()))) byIdReads += 1;
  });
  return { listReads: () => listReads, byIdReads: () => byIdReads };
}

test('a status changed by another process shows in an open list in place, without a reload or a list read', async ({ page, uid, registry }) => {
  const name = `live-a-${uid}`;
  await registry.createInstance({ name, type: 'tmux', cwd: '/tmp' }, { start: true });
  await openInstances(page, `?search=${name}`);
  await expect(rowOf(page, name)).toContainText('running');
  await expect(liveIndicator(page)).toHaveText('live');
  // The stream's first message reloads what is shown once; let that read finish first.
  await page.waitForLoadState('networkidle');
  const reads = await holdListReadsForGood(page);
  const navigations: string[] = [];
  page.on('framenavigated', (frame) => navigations.push(frame.url()));

  // Another process (the test's own registry client) finds the session gone and writes `stopped`.
  await killTmuxSession(name);
  const [result] = await registry.runBulk({ names: [name] }, { kind: 'refreshStatus' }, { actor: 'e2e' });
  expect(result).toMatchObject({ name, status: 'stopped' });

  await expect(rowOf(page, name)).toContainText('stopped');
  expect(reads.byIdReads()).toBeGreaterThanOrEqual(1);
  expect(reads.listReads()).toBe(0);
  expect(navigations).toEqual([]);

  // No polling while live: longer than the polling interval, still no list read.
  await page.waitForTimeout(4_000);
  expect(reads.listReads()).toBe(0);
});

test('a record created by another process appears in an open list without a reload', async ({ page, uid, registry }) => {
  const prefix = `live-b-${uid}`;
  await registry.createInstance({ name: `${prefix}-one` });
  await openInstances(page, `?search=${prefix}`);
  await expect(liveIndicator(page)).toHaveText('live');
  await expect(rowOf(page, `${prefix}-one`)).toBeVisible();
  const navigations: string[] = [];
  page.on('framenavigated', (frame) => navigations.push(frame.url()));

  await registry.createInstance({ name: `${prefix}-two` });
  await expect(rowOf(page, `${prefix}-two`)).toBeVisible();
  await expect(page.getByText('2 of')).toBeVisible();

  await registry.deleteInstance(`${prefix}-one`);
  await expect(rowOf(page, `${prefix}-one`)).toHaveCount(0);
  expect(navigations).toEqual([]);
});

test('the detail page follows a change made by another process', async ({ page, uid, registry }) => {
  const name = `live-c-${uid}`;
  await registry.createInstance({ name, cwd: '/srv/before' });
  await open(page, `/instances/${name}`);
  await expect(liveIndicator(page)).toHaveText('live');
  const fields = page.getByRole('region', { name: 'Fields' });
  await expect(fields.getByText('/srv/before')).toBeVisible();

  await registry.updateInstance(name, { cwd: '/srv/after' });
  await expect(fields.getByText('/srv/after')).toBeVisible();
  // The change's event reaches the timeline too.
  await expect(page.getByRole('list', { name: 'Events' }).getByRole('listitem').filter({ hasText: '/srv/after' })).toHaveCount(1);
});

test('the indicator says reconnecting while the stream is down and live again after, and the list is right', async ({ page, uid, registry, baseURL }) => {
  const name = `live-d-${uid}`;
  await registry.createInstance({ name });
  // The page reaches the dashboard through a relay the test can cut, as a server going away would.
  const relay = await startRelay(Number(new URL(baseURL ?? '').port));
  try {
    await open(page, `http://127.0.0.1:${relay.port}/instances?search=${name}`);
    await expect(liveIndicator(page)).toHaveText('live');
    await expect(rowOf(page, name)).toBeVisible();

    await relay.cut();
    await expect(liveIndicator(page)).toHaveText('reconnecting');
    // A change while the page hears nothing…
    await registry.updateInstance(name, { name: `${name}-x` });
    await relay.restore();
    await expect(liveIndicator(page)).toHaveText('live', { timeout: 40_000 });
    // …is on the page once it is back: a reconnect reloads what is shown.
    await expect(rowOf(page, `${name}-x`)).toBeVisible();
    await expect(rowOf(page, name)).toHaveCount(0);
  } finally {
    await relay.close();
  }
});
