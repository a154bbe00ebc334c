import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { InstanceManager } from '@cc-bridge/core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openStream, readEntryPoints, sendRaw, type RawResponse } from './support/entry-points';
import { storageStates } from './support/env';
import { cookieHeader } from './support/sessions';
import { expect, test } from './support/fixtures';
import { appDir, startServer } from './support/server';
import { addUser } from './support/users';
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

/** A GET that also works for the event stream, which never ends: then its head and first chunk. */
function get(baseURL: string | undefined, path: string, headers: Record<string, string>): Promise<RawResponse> {
  return path === '/api/events' ? openStream(baseURL ?? '', { path, headers }) : sendRaw(baseURL ?? '', { method: 'GET', path, headers });
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
    expect(routes).toEqual(expect.arrayContaining(['/', '/instances', `/instances/${victim}`, '/api/instances', `/api/instances/${victim}`, '/api/docker/health', '/api/events']));
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
      expectSecurityHeaders(await get(baseURL, path, { Host: host }), `GET ${path}`);
    }
    const redirect = await sendRaw(baseURL ?? '', { method: 'GET', path: '/instances/?page=2', headers: { Host: host } });
    expect(redirect.status).toBe(308);
    expect(new URL(String(redirect.headers.location), origin).href).toBe(`${origin}/instances?page=2`);
  });

  test('the same requests from the dashboard’s own pages pass', async ({ registry, baseURL }) => {
    const { routes, actions, assets } = readEntryPoints(victim);
    const before = await snapshot(registry, victim);
    // Signed in as the admin: the guard's verdict is what this test is about (authorization.spec.ts has the rest).
    const Cookie = cookieHeader(storageStates.main);
    for (const path of [...routes, ...assets]) {
      for (const hostName of [host, `localhost:${new URL(origin).port}`, `[::1]:${new URL(origin).port}`]) {
        const response = await get(baseURL, path, { Host: hostName, Cookie });
        expect(refused, `GET ${path} as ${hostName}: ${response.body.slice(0, 200)}`).not.toContain(response.status);
      }
      // A link another site shows is followed like a bookmark.
      const link = await get(baseURL, path, { Host: host, Cookie, 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' });
      expect(refused, `a link to ${path}`).not.toContain(link.status);
    }
    for (const action of actions) {
      // A bare string: every action takes an object, so each runs its validation and stops there.
      const response = await sendRaw(baseURL ?? '', {
        method: 'POST',
        path: action.path,
        headers: { Host: host, Cookie, Origin: origin, 'Sec-Fetch-Site': 'same-origin', 'Next-Action': action.id, 'Content-Type': 'text/plain;charset=UTF-8' },
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
    const Cookie = cookieHeader(storageStates.main);
    const page = await sendRaw(baseURL ?? '', { method: 'GET', path: '/instances', headers: { Host: configured, Cookie } });
    expect(page.status).toBe(200);
    // Its pages read the registry through the API…
    const read = await sendRaw(baseURL ?? '', {
      method: 'GET',
      path: `/api/instances?search=${victim}`,
      headers: { Host: configured, Cookie, Origin: `http://${configured}`, 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors' },
    });
    expect(read.status, read.body.slice(0, 200)).toBe(200);
    expect(read.body).toContain(victim);
    // …and run actions (this one stops at its input check, having passed the guard).
    const deleteAction = readEntryPoints(victim).actions.find((action) => action.name === 'deleteInstanceAction');
    const response = await sendRaw(baseURL ?? '', {
      method: 'POST',
      path: '/instances',
      headers: { Host: configured, Cookie, Origin: `http://${configured}`, 'Next-Action': deleteAction?.id ?? '', 'Content-Type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify(['not an input']),
    });
    expect(response.status, response.body.slice(0, 200)).toBe(200);
    expect(response.body).toContain('INVALID_INPUT');
    // A name it was not told about stays refused, on the same port.
    expect((await sendRaw(baseURL ?? '', { method: 'GET', path: '/instances', headers: { Host: `other.e2e.test:${new URL(origin).port}` } })).status).toBe(421);
    expect(await snapshot(registry, victim)).toEqual(before);
  });

  test('the API answers only the dashboard’s own pages: no CORS, no cache, and another origin cannot read it', async ({ baseURL, browser }) => {
    const apiRoutes = readEntryPoints(victim).routes.filter((route) => route.startsWith('/api/') && !route.startsWith('/api/v1/'));
    expect(apiRoutes).toEqual(['/api/audit/export', '/api/docker/health', '/api/events', '/api/fleet', '/api/inbox', '/api/instances', `/api/instances/${victim}`]);
    // The REST API (api-v1.spec.ts) wants a token even from the dashboard's own pages, and sends no CORS header either.
    const restRoutes = readEntryPoints(victim).routes.filter((route) => route.startsWith('/api/v1/'));
    expect(restRoutes).toEqual([
      '/api/v1/discovery',
      '/api/v1/instances',
      `/api/v1/instances/${victim}`,
      ...['answer', 'events', 'restart', 'send', 'start', 'stop'].map((action) => `/api/v1/instances/${victim}/${action}`),
      '/api/v1/openapi.json',
    ]);
    for (const path of restRoutes) {
      const method = path.endsWith('/events') || path === '/api/v1/instances' || path === `/api/v1/instances/${victim}` || path.endsWith('.json') ? 'GET' : 'POST';
      const own = await sendRaw(baseURL ?? '', { method, path, headers: { Host: host, Origin: origin, 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors' } });
      expect(own.status, `${method} ${path}: ${own.body.slice(0, 200)}`).toBe(401);
      expect(own.headers['content-type'], path).toBe('application/json; charset=utf-8');
      expect(own.headers['cache-control'], path).toBe('no-store');
      expect(Object.keys(own.headers).filter((name) => name.startsWith('access-control-')), path).toEqual([]);
    }
    for (const path of apiRoutes) {
      const ownHeaders = { Host: host, Cookie: cookieHeader(storageStates.main), 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors' };
      // The event stream never ends: its headers and first message are what there is to check.
      const isStream = path === '/api/events';
      const own = isStream ? await openStream(baseURL ?? '', { path, headers: ownHeaders }) : await sendRaw(baseURL ?? '', { method: 'GET', path, headers: ownHeaders });
      expect(own.status, `GET ${path}: ${own.body.slice(0, 200)}`).toBe(200);
      const contentType = isStream ? 'text/event-stream; charset=utf-8' : path === '/api/audit/export' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8';
      expect(own.headers['content-type'], path).toBe(contentType);
      if (isStream) expect(own.body, path).toMatch(/^retry: \d+\n\n/);
      expect(own.headers['cache-control'], path).toBe('no-store');
      expect(Object.keys(own.headers).filter((name) => name.startsWith('access-control-')), path).toEqual([]);
      // A CORS preflight from another origin gets no permission either.
      const preflight = await sendRaw(baseURL ?? '', {
        method: 'OPTIONS',
        path,
        headers: { Host: host, Origin: `http://${evil}`, 'Access-Control-Request-Method': 'GET', 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Site': 'cross-site' },
      });
      expectRefusedByGuard(preflight, `OPTIONS ${path} from another site`, 403);
      expect(Object.keys(preflight.headers).filter((name) => name.startsWith('access-control-')), path).toEqual([]);
    }

    // A script on another local origin (Chromium treats 127.0.0.1 from localhost as another site).
    const other = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<h1>Another origin</h1>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const address = other.address();
    const otherPort = typeof address === 'object' && address !== null ? address.port : 0;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`http://localhost:${otherPort}/`);
      const outcomes = await page.evaluate(async (target) => {
        const attempt = async (init: RequestInit) => {
          try {
            const reply = await fetch(target, init);
            return `read ${reply.type} ${reply.status} ${(await reply.text()).length}`;
          } catch (error) {
            return `refused: ${String(error)}`;
          }
        };
        // An EventSource from another origin is a CORS request too: it must fail, never open.
        const stream = await new Promise<string>((resolve) => {
          const source = new EventSource(target.replace(/\/api\/instances.*$/, '/api/events'));
          source.onopen = () => resolve('opened');
          source.onmessage = () => resolve('read a message');
          source.onerror = () => resolve('refused');
          setTimeout(() => resolve('no answer'), 10_000);
        });
        return [await attempt({}), await attempt({ credentials: 'include' }), await attempt({ mode: 'no-cors' }), stream];
      }, `${baseURL}/api/instances?search=${victim}`);
      expect(outcomes[0]).toMatch(/^refused: TypeError/);
      expect(outcomes[1]).toMatch(/^refused: TypeError/);
      // no-cors could at most give the script an opaque answer (no status, no body); Chromium
      // refuses it outright, the guard having answered 403.
      expect(outcomes[2]).toMatch(/^refused: TypeError|^read opaque 0 0$/);
      expect(outcomes[3]).toBe('refused');
    } finally {
      await context.close();
      await new Promise((resolve) => other.close(resolve));
    }
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

test.describe('until sign-in exists, the dashboard listens on loopback only', () => {
  const tsxBin = join(appDir, 'node_modules', '.bin', 'tsx');
  // A registry without users of its own: the server opens it to see whether sign-in is configured.
  const emptyRegistry = () => ({ ...process.env, CC_BRIDGE_DATA_DIR: mkdtempSync(join(tmpdir(), 'cc-bridge-e2e-nousers-')), CC_BRIDGE_DOCKER_ENABLED: '0', CC_BRIDGE_OWNER_LINGER: '0' });

  for (const hostname of ['0.0.0.0', '::', '192.0.2.10', 'example.com']) {
    test(`it refuses to listen on ${hostname} and says why`, async () => {
      const port = String(40_000 + Math.floor(Math.random() * 20_000));
      const run = spawnSync(tsxBin, ['server.ts', '--hostname', hostname, '--port', port], { cwd: appDir, env: emptyRegistry(), encoding: 'utf8', timeout: 90_000 });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`refusing to listen on ${hostname}`);
      expect(run.stderr).toContain('Sign-in is not configured (no user exists)');
      expect(run.stderr).toContain('cc-bridge users add NAME --role admin --password-stdin');
      expect(run.stderr).toContain(`ssh -L ${port}:127.0.0.1:${port}`);
      // Nothing listens there afterwards.
      await expect(fetch(`http://127.0.0.1:${port}/instances`)).rejects.toThrow();
    });
  }

  test('without users it listens on loopback; once a user exists it binds 0.0.0.0', async () => {
    test.setTimeout(180_000);
    const registry = emptyRegistry();
    // Its own tmux server too: the server opens the registry (startup discovery included) before it listens.
    const env = { ...registry, CC_BRIDGE_TMUX_SOCKET: join(registry.CC_BRIDGE_DATA_DIR, 'tmux.sock') };
    const port = 40_000 + Math.floor(Math.random() * 20_000);
    // No user: the default address, loopback only.
    const loopback = await startServer(port, env);
    try {
      expect(listeningAddresses(port)).toEqual(['127.0.0.1']);
    } finally {
      await loopback.stop();
    }
    // A user (as a team install's first step would add): the same registry may now be served on every address.
    await addUser(env, { name: 'bind-admin', password: 'bind admin password' }, 'admin');
    const everywhere = await startServer(port, env, '0.0.0.0');
    try {
      expect(listeningAddresses(port)).toEqual(['0.0.0.0']);
      expect((await fetch(`http://127.0.0.1:${port}/instances`, { redirect: 'manual' })).status).toBe(307);
    } finally {
      await everywhere.stop();
    }
  });
});

/** The addresses a TCP socket on `port` listens on, as the kernel reports them (`ss`, iproute2: /proc/net/tcp misses some on this VM). */
function listeningAddresses(port: number): string[] {
  const lines = execFileSync('ss', ['-ltnH', `sport = :${String(port)}`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  // Columns: State Recv-Q Send-Q Local-Address:Port Peer-Address:Port
  return lines.map((line) => (line.trim().split(/\s+/)[3] ?? '').replace(new RegExp(`:${String(port)}$`), ''));
}
