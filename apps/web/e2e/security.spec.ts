import { createServer } from 'node:http';
import type { InstanceManager } from '@cc-bridge/core';
import { readEntryPoints, sendRaw, type RawResponse } from './support/entry-points';
import { expect, test } from './support/fixtures';
import { hasTmuxSession } from './support/tmux';

// The attacker's name: after DNS rebinding it resolves to 127.0.0.1, and the browser sends it as
// Host (and as Origin, for its own page's requests).
const evil = 'evil.example';
const refused = [421, 403];

/** The record, its history and the registry's size, and whether its session runs: all a stray action could change. */
async function snapshot(registry: InstanceManager, name: string) {
  const instance = await registry.getInstanceOrThrow(name);
  return {
    version: instance.version,
    cwd: instance.cwd,
    updatedAt: instance.updatedAt.toISOString(),
    events: (await registry.listEvents(name)).length,
    total: (await registry.listInstances()).total,
    sessionRuns: await hasTmuxSession(name),
  };
}

/**
 * A body every action would act on if it ran: delete (with the runtime) or update the victim,
 * create another instance, clean up or prune for real. A refused request must change none of it.
 */
function harmfulArguments(victim: string, uid: string): string {
  return JSON.stringify([
    {
      name: victim,
      names: [victim],
      removeRuntime: true,
      dryRun: false,
      patch: { cwd: '/changed-by-another-site' },
      expectedVersion: 1,
      start: false,
      fields: { name: `intruder-${uid}`, type: 'tmux' },
    },
  ]);
}

/** The guard refused it: its status, and its one-line plain-text reason rather than a page or an action's result. */
function expectRefusedByGuard(response: RawResponse, what: string, status: 421 | 403): void {
  expect(response.status, `${what}: ${response.body.slice(0, 200)}`).toBe(status);
  expect(response.headers['content-type'], what).toBe('text/plain; charset=utf-8');
  expect(response.body.trim().split('\n'), what).toHaveLength(1);
}

function expectSecurityHeaders(response: RawResponse, what: string): void {
  const csp = String(response.headers['content-security-policy']);
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
  expect(csp, what).not.toContain('unsafe-inline');
  expect(response.headers['x-frame-options'], what).toBe('DENY');
  expect(response.headers['x-content-type-options'], what).toBe('nosniff');
  expect(response.headers['referrer-policy'], what).toBe('same-origin');
  expect(response.headers['permissions-policy'], what).toContain('camera=()');
}

test.describe('only the dashboard’s own pages reach it', () => {
  let victim: string;
  let host: string;
  let origin: string;

  test.beforeEach(async ({ registry, uid, baseURL }) => {
    victim = `victim-${uid}`;
    await registry.createInstance({ name: victim, type: 'tmux', cwd: '/tmp' }, { start: true });
    origin = new URL(baseURL ?? '').origin;
    host = new URL(origin).host;
  });

  test('the rebinding request from the issue is refused, and the record and its session stay', async ({ registry, baseURL }) => {
    const deleteAction = readEntryPoints(victim).actions.find((action) => action.name === 'deleteInstanceAction');
    expect(deleteAction, 'deleteInstanceAction is in the build').toBeDefined();
    const evilHost = `${evil}:${new URL(origin).port}`;
    const response = await sendRaw(baseURL ?? '', {
      method: 'POST',
      path: '/instances',
      headers: {
        Host: evilHost,
        Origin: `http://${evilHost}`,
        'Next-Action': deleteAction?.id ?? '',
        'Content-Type': 'text/plain;charset=UTF-8',
      },
      body: JSON.stringify([{ name: victim, removeRuntime: true }]),
    });
    expectRefusedByGuard(response, 'the curl of the issue', 421);
    expect(response.body).toContain(evil);
    expect(await registry.getInstance(victim)).not.toBeNull();
    expect(await hasTmuxSession(victim)).toBe(true);
    // Reading the registry is refused too: the page would carry every record.
    expectRefusedByGuard(await sendRaw(baseURL ?? '', { method: 'GET', path: '/instances', headers: { Host: evilHost } }), 'GET /instances', 421);
  });

  test('every route, action and asset refuses a foreign Host, and nothing changes', async ({ registry, uid, baseURL }) => {
    const { routes, actions, assets } = readEntryPoints(victim);
    // The manifests were read, not found empty: a test over nothing would pass.
    expect(routes).toEqual(expect.arrayContaining(['/', '/instances', `/instances/${victim}`]));
    expect(actions.map((action) => action.name)).toEqual(expect.arrayContaining(['deleteInstanceAction', 'createInstanceAction', 'updateInstanceAction']));
    expect(assets).toHaveLength(2);
    const before = await snapshot(registry, victim);
    const evilHost = `${evil}:${new URL(origin).port}`;
    const rebound = { Host: evilHost, Origin: `http://${evilHost}` };

    // With a trailing slash too: Next.js would redirect those before any proxy ran.
    for (const path of [...routes, ...routes.filter((route) => route !== '/').map((route) => `${route}/`), ...assets]) {
      expectRefusedByGuard(await sendRaw(baseURL ?? '', { method: 'GET', path, headers: rebound }), `GET ${path}`, 421);
      expectRefusedByGuard(await sendRaw(baseURL ?? '', { method: 'GET', path, headers: { Host: evilHost } }), `GET ${path} without Origin`, 421);
      const post = await sendRaw(baseURL ?? '', { method: 'POST', path, headers: { ...rebound, 'Content-Type': 'text/plain;charset=UTF-8' }, body: '{}' });
      expectRefusedByGuard(post, `POST ${path}`, 421);
    }
    for (const action of actions) {
      const response = await sendRaw(baseURL ?? '', {
        method: 'POST',
        path: action.path,
        headers: { ...rebound, 'Next-Action': action.id, 'Content-Type': 'text/plain;charset=UTF-8' },
        body: harmfulArguments(victim, uid),
      });
      expectRefusedByGuard(response, `${action.name} at ${action.path}`, 421);
    }
    expect(await snapshot(registry, victim)).toEqual(before);
  });

  test('every route and action refuses another site as Origin, or a change with no Origin, and nothing changes', async ({ registry, uid, baseURL }) => {
    const { routes, actions } = readEntryPoints(victim);
    const before = await snapshot(registry, victim);
    const crossSite = { Host: host, Origin: `http://${evil}`, 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'cors' };
    // Another local server (a dev server running third-party scripts) is another origin too.
    const otherLocalPort = { Host: host, Origin: 'http://localhost:5173', 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'cors' };

    for (const action of actions) {
      for (const [label, headers] of [['another site', crossSite], ['another local port', otherLocalPort], ['no Origin', { Host: host }]] as const) {
        const response = await sendRaw(baseURL ?? '', {
          method: 'POST',
          path: action.path,
          headers: { ...headers, 'Next-Action': action.id, 'Content-Type': 'text/plain;charset=UTF-8' },
          body: harmfulArguments(victim, uid),
        });
        expectRefusedByGuard(response, `${action.name} from ${label}`, 403);
      }
    }
    for (const path of routes) {
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const response = await sendRaw(baseURL ?? '', { method, path, headers: { ...crossSite, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
        expectRefusedByGuard(response, `${method} ${path} from another site`, 403);
      }
      // A read another site starts (fetch, <script src>) is refused too; only a followed link passes.
      expectRefusedByGuard(await sendRaw(baseURL ?? '', { method: 'GET', path, headers: crossSite }), `GET ${path} from another site`, 403);
      const noCors = { Host: host, 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'script' };
      expectRefusedByGuard(await sendRaw(baseURL ?? '', { method: 'GET', path, headers: noCors }), `<script src=${path}> on another site`, 403);
    }
    expect(await snapshot(registry, victim)).toEqual(before);
  });

  test('no page loads in a frame, and every response says so in its headers', async ({ baseURL }) => {
    const { routes, assets } = readEntryPoints(victim);
    for (const path of routes) {
      for (const site of ['cross-site', 'same-origin']) {
        const framed = await sendRaw(baseURL ?? '', { method: 'GET', path, headers: { Host: host, 'Sec-Fetch-Dest': 'iframe', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Site': site } });
        expectRefusedByGuard(framed, `${path} framed (${site})`, 403);
        expectSecurityHeaders(framed, `${path} framed (${site})`);
      }
    }
    for (const path of [...routes, ...assets, '/no-such-page', '/instances/']) {
      expectSecurityHeaders(await sendRaw(baseURL ?? '', { method: 'GET', path, headers: { Host: host } }), `GET ${path}`);
    }
    const redirect = await sendRaw(baseURL ?? '', { method: 'GET', path: '/instances/?page=2', headers: { Host: host } });
    expect(redirect.status).toBe(308);
    expect(new URL(String(redirect.headers.location), origin).href).toBe(`${origin}/instances?page=2`);
  });

  test('the same requests from the dashboard’s own pages pass', async ({ registry, baseURL }) => {
    const { routes, actions, assets } = readEntryPoints(victim);
    const before = await snapshot(registry, victim);
    for (const path of [...routes, ...assets]) {
      for (const hostName of [host, `localhost:${new URL(origin).port}`, `[::1]:${new URL(origin).port}`]) {
        const response = await sendRaw(baseURL ?? '', { method: 'GET', path, headers: { Host: hostName } });
        expect(refused, `GET ${path} as ${hostName}: ${response.body.slice(0, 200)}`).not.toContain(response.status);
      }
      // A link another site shows is followed like a bookmark.
      const link = await sendRaw(baseURL ?? '', { method: 'GET', path, headers: { Host: host, 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' } });
      expect(refused, `a link to ${path}`).not.toContain(link.status);
    }
    for (const action of actions) {
      // A bare string: every action takes an object, so each runs its validation and stops there.
      const response = await sendRaw(baseURL ?? '', {
        method: 'POST',
        path: action.path,
        headers: { Host: host, Origin: origin, 'Sec-Fetch-Site': 'same-origin', 'Next-Action': action.id, 'Content-Type': 'text/plain;charset=UTF-8' },
        body: JSON.stringify(['not an input']),
      });
      expect(response.status, `${action.name}: ${response.body.slice(0, 200)}`).toBe(200);
      expect(response.body, action.name).toContain('INVALID_INPUT');
    }
    expect(await snapshot(registry, victim)).toEqual(before);
  });

  test('a host named in [web] allowed_hosts is served, and its own pages may act', async ({ registry, baseURL }) => {
    const before = await snapshot(registry, victim);
    const configured = `dashboard.e2e.test:${new URL(origin).port}`;
    const page = await sendRaw(baseURL ?? '', { method: 'GET', path: '/instances', headers: { Host: configured } });
    expect(page.status).toBe(200);
    const listAction = readEntryPoints(victim).actions.find((action) => action.name === 'listInstancesAction');
    const response = await sendRaw(baseURL ?? '', {
      method: 'POST',
      path: '/instances',
      headers: { Host: configured, Origin: `http://${configured}`, 'Next-Action': listAction?.id ?? '', 'Content-Type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify([{ search: victim }]),
    });
    expect(response.status, response.body.slice(0, 200)).toBe(200);
    expect(response.body).toContain(victim);
    // A name it was not told about stays refused, on the same port.
    expect((await sendRaw(baseURL ?? '', { method: 'GET', path: '/instances', headers: { Host: `other.e2e.test:${new URL(origin).port}` } })).status).toBe(421);
    expect(await snapshot(registry, victim)).toEqual(before);
  });

  test('in Chromium, another site that frames the dashboard shows nothing of it', async ({ browser, baseURL }) => {
    // The framing page comes from another local server: Chromium itself already keeps a public
    // site from framing 127.0.0.1 (Local Network Access), other browsers and local pages do not.
    const framer = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end(`<h1>Win a prize</h1><iframe name="dashboard" src="${baseURL}/instances"></iframe>`);
    });
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
    const address = framer.address();
    const framerPort = typeof address === 'object' && address !== null ? address.port : 0;
    // A fresh context: the refused frame makes the browser log errors, which the `page` fixture
    // would count against the dashboard.
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const framed = page.waitForResponse((response) => response.url() === `${baseURL}/instances`);
      await page.goto(`http://localhost:${framerPort}/`);
      expect((await framed).status()).toBe(403);
      await expect(page.getByRole('heading', { name: 'Win a prize' })).toBeVisible();
      const frame = page.frameLocator('iframe[name="dashboard"]');
      await expect(frame.locator('body')).not.toContainText('Instances');
      await expect(frame.locator('table, button')).toHaveCount(0);
    } finally {
      await context.close();
      await new Promise((resolve) => framer.close(resolve));
    }
  });
});

test('in Chromium, a page whose name is rebound to 127.0.0.1 reads nothing and runs no action', async ({ playwright, registry, uid, baseURL }) => {
  const victim = `rebound-${uid}`;
  await registry.createInstance({ name: victim, type: 'tmux' }, { start: true });
  const port = new URL(baseURL ?? '').port;
  const deleteAction = readEntryPoints(victim).actions.find((action) => action.name === 'deleteInstanceAction');
  // This browser resolves the attacker's name to this machine, as after a rebound DNS answer.
  const browser = await playwright.chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--disable-dev-shm-usage', '--disable-gpu', `--host-resolver-rules=MAP ${evil} 127.0.0.1`],
  });
  try {
    const page = await browser.newPage();
    const response = await page.goto(`http://${evil}:${port}/instances`);
    expect(response?.status()).toBe(421);
    await expect(page.locator('body')).not.toContainText(victim);
    // The attacker's script, same-origin with the rebound name, calls the action as the dashboard would.
    const status = await page.evaluate(
      async ({ id, name }) => {
        const reply = await fetch('/instances', { method: 'POST', headers: { 'Next-Action': id, 'Content-Type': 'text/plain;charset=UTF-8' }, body: JSON.stringify([{ name, removeRuntime: true }]) });
        return reply.status;
      },
      { id: deleteAction?.id ?? '', name: victim },
    );
    expect(status).toBe(421);
  } finally {
    await browser.close();
  }
  expect(await registry.getInstance(victim)).not.toBeNull();
  expect(await hasTmuxSession(victim)).toBe(true);
});
