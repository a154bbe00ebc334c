import { killContainer, runLabelledContainer } from './support/docker';
import { expect, holdListReads, nextActionResponse, openInstances, rowOf, test, toast } from './support/fixtures';
import { killTmuxSession } from './support/tmux';

// The dashboard's reads are GET route handlers under /api, answered as JSON. The page URL's query
// parameters work there too, but a value core refuses is a 400 naming it, not a fallback.

test.describe('the read API', () => {
  test('GET /api/instances lists with the page URL’s parameters', async ({ request, registry, uid }) => {
    const prefix = `api-${uid}`;
    await registry.createInstance({ name: `${prefix}-live`, type: 'tmux' }, { start: true });
    await registry.createInstance({ name: `${prefix}-idle`, type: 'tmux' });

    const all = await request.get(`/api/instances?search=${prefix}&sort=name&order=desc`);
    expect(all.status()).toBe(200);
    expect(all.headers()['content-type']).toBe('application/json; charset=utf-8');
    expect(all.headers()['cache-control']).toBe('no-store');
    const body = (await all.json()) as { items: { name: string; createdAt: string }[]; matched: number; total: number };
    expect(body.items.map((item) => item.name)).toEqual([`${prefix}-live`, `${prefix}-idle`]);
    expect(body.matched).toBe(2);
    expect(Number.isNaN(Date.parse(body.items[0]?.createdAt ?? ''))).toBe(false);

    // Comma-separated statuses, as in the page URL.
    const running = await request.get(`/api/instances?search=${prefix}&status=running,error`);
    expect(((await running.json()) as { items: { name: string }[] }).items.map((item) => item.name)).toEqual([`${prefix}-live`]);
  });

  test('a query core refuses is a 400 with its zod message, and an unknown parameter is named', async ({ request }) => {
    const cases: [string, string, RegExp][] = [
      ['type=vm', 'type', /^Invalid list query: type Invalid option: expected one of "tmux"\|"docker"$/],
      ['status=running,bogus', 'status', /^Invalid list query: status\.1 Invalid option: expected one of /],
      ['sort=colour', 'sort', /^Invalid list query: sort Invalid option/],
      ['order=sideways', 'order', /^Invalid list query: order Invalid option/],
      ['page=0', 'page', /^Invalid list query: page Too small: expected number to be >=1$/],
      ['page=two', 'page', /^Invalid list query: page /],
      [`search=${'x'.repeat(201)}`, 'search', /^Invalid list query: search Too big/],
      ['colour=red', 'colour', /^Invalid list query: unknown parameter "colour"/],
      ['type=tmux&type=docker', 'type', /^Invalid list query: type is given 2 times$/],
    ];
    for (const [query, field, message] of cases) {
      const response = await request.get(`/api/instances?${query}`);
      expect(response.status(), query).toBe(400);
      expect(response.headers()['cache-control'], query).toBe('no-store');
      const { error } = (await response.json()) as { error: { code: string; message: string; fieldErrors: Record<string, string[]> } };
      expect(error.code, query).toBe('INVALID_INPUT');
      expect(error.message, query).toMatch(message);
      expect(Object.keys(error.fieldErrors), query).toEqual([expect.stringMatching(new RegExp(`^${field}`))]);
    }
  });

  test('GET /api/instances/NAME answers the record, its status and history; an unknown name is a 404', async ({ request, registry, uid }) => {
    const name = `api-detail-${uid}`;
    await registry.createInstance({ name, type: 'tmux' }, { start: true });
    const response = await request.get(`/api/instances/${name}`);
    expect(response.status()).toBe(200);
    expect(response.headers()['cache-control']).toBe('no-store');
    const detail = (await response.json()) as { instance: { name: string }; status: { status: string; checkedAt: string }; events: { kind: string }[] };
    expect(detail.instance.name).toBe(name);
    expect(detail.status.status).toBe('running');
    expect(detail.events.map((event) => event.kind)).toContain('created');

    for (const missing of [`no-such-${uid}`, encodeURIComponent('bad name; rm -rf /'), 'x'.repeat(3000)]) {
      const notFound = await request.get(`/api/instances/${missing}`);
      expect(notFound.status(), missing.slice(0, 40)).toBe(404);
      expect(((await notFound.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    }
  });

  test('GET /api/docker/health says whether the Engine answers', async ({ request }) => {
    const response = await request.get('/api/docker/health');
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ enabled: true, reachable: true, error: null, hosts: [{ name: 'local', reachable: true, error: null }] });
  });

  // The page does not poll while its push is connected: the server's live follower (the Engine's
  // event stream, a tmux probe every ~2 s) is what turns these into `stopped`. Issue 8's targets
  // are ≤ 1 s median for Docker and one probe for tmux; the bounds leave slack for a loaded 2-core
  // machine, and the rows must change without any Refresh, reload or poll.
  test('the list follows the runtimes by push: a killed container reads stopped within 3 s, a killed tmux session within 5 s', async ({ page, request, registry, uid }) => {
    const prefix = `fresh-${uid}`;
    await registry.createInstance({ name: `${prefix}-tmux`, type: 'tmux' }, { start: true });
    const container = await runLabelledContainer(`e2e-${prefix}`);
    await registry.createInstance({ name: `${prefix}-box`, type: 'docker', containerId: container.id, containerName: container.name });
    await registry.refreshStatuses();

    await openInstances(page, `?search=${prefix}`);
    await expect(page.getByRole('status', { name: 'Live updates' })).toHaveText('live');
    await expect(rowOf(page, `${prefix}-box`)).toContainText('running');
    await expect(rowOf(page, `${prefix}-tmux`)).toContainText('running');
    // The stream's first message reloads what is shown once; let that read finish first. Any
    // later list read (a poll) would hide whether push did it: the test fails on one.
    await page.waitForLoadState('networkidle');
    const listReads: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/api/instances' && !url.searchParams.has('ids')) listReads.push(url.href);
    });

    // Behind cc-bridge's back; nobody presses Refresh.
    let since = Date.now();
    await killContainer(container.id);
    await expect(rowOf(page, `${prefix}-box`)).toContainText('stopped', { timeout: 10_000 });
    const dockerMs = Date.now() - since;
    since = Date.now();
    await killTmuxSession(`${prefix}-tmux`);
    await expect(rowOf(page, `${prefix}-tmux`)).toContainText('stopped', { timeout: 10_000 });
    const tmuxMs = Date.now() - since;
    test.info().annotations.push({ type: 'push latency', description: `docker ${dockerMs} ms, tmux ${tmuxMs} ms` });
    expect(dockerMs).toBeLessThan(3_000);
    expect(tmuxMs).toBeLessThan(5_000);
    expect(listReads).toEqual([]);

    const listed = (await (await request.get(`/api/instances?search=${prefix}`)).json()) as { items: { name: string; status: string }[] };
    expect(listed.items.map((item) => [item.name, item.status])).toEqual([
      [`${prefix}-box`, 'stopped'],
      [`${prefix}-tmux`, 'stopped'],
    ]);
  });
});

test('a click is sent and answered while a list read is still on its way', async ({ page, registry, uid }) => {
  const name = `click-${uid}`;
  await registry.createInstance({ name, type: 'tmux' }, { start: true });
  // Without its push connection the page polls (every 3 s), and a poll is what is held here.
  await page.route('**/api/events', (route) => route.abort());
  await openInstances(page, `?search=${name}`);
  await expect(page.getByRole('status', { name: 'Live updates' })).toHaveText('reconnecting');

  const reads = await holdListReads(page);
  // The next poll is now in flight and stays so.
  await reads.firstHeld;

  const answered = nextActionResponse(page);
  await page.getByRole('button', { name: 'Refresh status' }).first().click();
  // Server actions run one at a time; had the read been one, this click would wait for it.
  expect((await answered).status()).toBe(200);
  expect(reads.urls.length).toBeGreaterThan(0);

  reads.release();
  await expect(toast(page, /Checked \d+ instances?: /)).toBeVisible();
});
