// Every server action, route handler and WebSocket path, found from the code (the build's
// manifests and server.ts), refuses a signed-out caller and an under-privileged one. A new one
// fails this test until it is classified below.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '@cc-bridge/core/auth/roles';
import { readEntryPoints, sendRaw } from './support/entry-points';
import { storageStates } from './support/env';
import { expect, test } from './support/fixtures';
import { appDir } from './support/server';
import { cookieHeader } from './support/sessions';
import { handshakeStatus } from './support/websocket';

/** What each server action needs; `anyone`: it works signed out (and checks what it needs itself). */
const actionAccess: Record<string, Role | 'anyone'> = {
  answerInstanceAction: 'operator',
  createInstanceAction: 'operator',
  deleteInstanceAction: 'operator',
  deleteInstancesAction: 'operator',
  discoverInstancesAction: 'operator',
  recreateInstanceAction: 'operator',
  refreshInstanceStatusAction: 'operator',
  refreshInstancesStatusAction: 'operator',
  refreshStatusesAction: 'operator',
  resumeInstanceAction: 'operator',
  runInstanceActionAction: 'operator',
  sendInstanceInputAction: 'operator',
  updateInstanceAction: 'operator',
  cleanupStoppedAction: 'admin',
  pruneDiscoveredAction: 'admin',
  addUserAction: 'admin',
  removeUserAction: 'admin',
  createTokenAction: 'admin',
  revokeTokenAction: 'admin',
  createOwnTokenAction: 'viewer',
  revokeOwnTokenAction: 'viewer',
  signOutAction: 'viewer',
  signInAction: 'anyone',
  setUpAction: 'anyone',
};

/** What each route handler needs, by method (dynamic segments as `victim`): /api/v1 as its operations declare. */
const routeAccess = (victim: string): { path: string; method: string; role: Role }[] => [
  ...['/api/audit/export', '/api/docker/health', '/api/events', '/api/fleet', '/api/inbox', '/api/instances', `/api/instances/${victim}`].map((path) => ({ path, method: 'GET', role: 'viewer' as const })),
  { path: '/api/v1/openapi.json', method: 'GET', role: 'viewer' },
  { path: '/api/v1/instances', method: 'GET', role: 'viewer' },
  { path: '/api/v1/instances', method: 'POST', role: 'operator' },
  { path: `/api/v1/instances/${victim}`, method: 'GET', role: 'viewer' },
  { path: `/api/v1/instances/${victim}`, method: 'PATCH', role: 'operator' },
  { path: `/api/v1/instances/${victim}`, method: 'DELETE', role: 'operator' },
  { path: `/api/v1/instances/${victim}/events`, method: 'GET', role: 'viewer' },
  ...['start', 'stop', 'restart', 'answer', 'send'].map((action) => ({ path: `/api/v1/instances/${victim}/${action}`, method: 'POST', role: 'operator' as const })),
  { path: '/api/v1/discovery', method: 'POST', role: 'operator' },
];

/** What each WebSocket endpoint of server.ts needs, by its upgrade handler's name. */
const socketAccess: Record<string, { path: (name: string) => string; role: Role }> = {
  Terminal: { path: (name) => `/api/instances/${name}/terminal?mode=ro`, role: 'operator' },
  Output: { path: (name) => `/api/instances/${name}/output`, role: 'viewer' },
};

/** A session one role below `role`, or null for the lowest. */
function weakerSession(role: Role): string | null {
  if (role === 'admin') return cookieHeader(storageStates.operator);
  if (role === 'operator') return cookieHeader(storageStates.viewer);
  return null;
}

const victim = 'authz-victim';

test('every server action refuses a signed-out caller (401) and a weaker role (403), and nothing changes', async ({ registry, baseURL }) => {
  await registry.createInstance({ name: victim, cwd: '/tmp' }).catch(() => undefined);
  const before = await registry.getInstanceOrThrow(victim);
  const origin = new URL(baseURL ?? '');
  const actions = [...new Map(readEntryPoints(victim).actions.map((action) => [action.name, action])).values()];
  expect(actions.length).toBeGreaterThan(10);
  expect(actions.map((action) => action.name).filter((name) => !(name in actionAccess)), 'actions not classified in actionAccess').toEqual([]);
  const body = JSON.stringify([{ name: victim, names: [victim], removeRuntime: true, dryRun: false, patch: { cwd: '/changed' }, expectedVersion: 1, kind: 'stop', text: 'x', choice: 'yes' }]);
  const call = (action: { id: string; path: string }, cookie: string | null) =>
    sendRaw(baseURL ?? '', {
      method: 'POST',
      path: action.path,
      headers: { Host: origin.host, Origin: origin.origin, 'Next-Action': action.id, 'Content-Type': 'text/plain;charset=UTF-8', ...(cookie ? { Cookie: cookie } : {}) },
      body,
    });
  for (const action of actions) {
    const access = actionAccess[action.name];
    if (access === 'anyone') continue;
    const signedOut = await call(action, null);
    expect(signedOut.body, `${action.name} signed out`).toContain('"UNAUTHENTICATED"');
    const weaker = access === undefined ? null : weakerSession(access);
    if (weaker !== null) expect((await call(action, weaker)).body, `${action.name} as a weaker role`).toContain('"FORBIDDEN"');
  }
  // The two open to anyone: setup is closed once a user exists; sign-in signs nobody in on a wrong password.
  const setUp = actions.find((action) => action.name === 'setUpAction');
  if (setUp) {
    const answer = await sendRaw(baseURL ?? '', {
      method: 'POST',
      path: setUp.path,
      headers: { Host: origin.host, Origin: origin.origin, 'Next-Action': setUp.id, 'Content-Type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify([{ username: 'intruder', password: 'intruder password' }]),
    });
    expect(answer.body).toContain('"CONFLICT"');
  }
  const after = await registry.getInstanceOrThrow(victim);
  expect({ version: after.version, cwd: after.cwd }).toEqual({ version: before.version, cwd: before.cwd });
});

test('every route handler refuses a signed-out caller and a bad token (401) and a weaker role (403); pages send them to /sign-in', async ({ registry, baseURL }) => {
  await registry.createInstance({ name: victim, cwd: '/tmp' }).catch(() => undefined);
  const before = await registry.getInstanceOrThrow(victim);
  const origin = new URL(baseURL ?? '');
  const routes = readEntryPoints(victim).routes;
  const access = routeAccess(victim);
  const apiRoutes = routes.filter((route) => route.startsWith('/api/'));
  expect(apiRoutes.filter((route) => !access.some((entry) => entry.path === route)), 'route handlers not classified in routeAccess').toEqual([]);
  const codeOf = (body: string) => (JSON.parse(body) as { error: { code: string } }).error.code;
  for (const { path, method, role } of access) {
    const headers = { Host: origin.host, Origin: origin.origin, 'Sec-Fetch-Site': 'same-origin' };
    const signedOut = await sendRaw(baseURL ?? '', { method, path, headers });
    expect(signedOut.status, `${method} ${path} signed out`).toBe(401);
    expect(codeOf(signedOut.body), `${method} ${path} signed out`).toBe('UNAUTHENTICATED');
    const badToken = await sendRaw(baseURL ?? '', { method, path, headers: { Host: origin.host, Authorization: 'Bearer ccb_not-a-token' } });
    expect(badToken.status, `${method} ${path} with a bad token`).toBe(401);
    // A program with no token at all (bare `curl -X POST`: no Origin, no Sec-Fetch-*) gets the route's own 401 JSON…
    const bare = await sendRaw(baseURL ?? '', { method, path, headers: { Host: origin.host } });
    expect(bare.status, `${method} ${path} bare`).toBe(401);
    expect(codeOf(bare.body), `${method} ${path} bare`).toBe('UNAUTHENTICATED');
    // …while a browser's request from another site is refused before any route runs, signed in or not.
    const crossSite = await sendRaw(baseURL ?? '', { method, path, headers: { Host: origin.host, Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site', Cookie: cookieHeader(storageStates.main) } });
    expect(crossSite.status, `${method} ${path} from another site`).toBe(403);
    expect(crossSite.body, `${method} ${path} from another site`).toContain('are not allowed');
    const weaker = weakerSession(role);
    if (weaker === null) continue;
    const refused = await sendRaw(baseURL ?? '', { method, path, headers: { ...headers, Cookie: weaker } });
    expect(refused.status, `${method} ${path} as a weaker role`).toBe(403);
    expect(codeOf(refused.body), `${method} ${path} as a weaker role`).toBe('FORBIDDEN');
  }
  const after = await registry.getInstanceOrThrow(victim);
  expect({ version: after.version, cwd: after.cwd }).toEqual({ version: before.version, cwd: before.cwd });
  // Pages only: a file such as /icon.svg is an asset (served signed out, like /_next/static).
  for (const path of routes.filter((route) => !route.startsWith('/api/') && !/\.[A-Za-z0-9]+$/.test(route) && !['/sign-in', '/_not-found'].includes(route))) {
    const page = await sendRaw(baseURL ?? '', { method: 'GET', path, headers: { Host: origin.host } });
    expect(page.status, `${path} signed out`).toBe(307);
    expect(String(page.headers.location), path).toMatch(/\/sign-in(\?next=|$)/);
  }
});

test('every WebSocket endpoint of server.ts refuses a signed-out caller (401) and a weaker role (403)', async ({ baseURL }) => {
  const source = readFileSync(join(appDir, 'server.ts'), 'utf8');
  const handlers = [...source.matchAll(/create(\w+)UpgradeHandler\)/g)].map((match) => match[1] ?? '');
  expect(handlers.sort()).toEqual(['Output', 'Terminal']);
  expect(handlers.filter((name) => !(name in socketAccess)), 'WebSocket endpoints not classified in socketAccess').toEqual([]);
  const origin = new URL(baseURL ?? '').origin;
  for (const name of handlers) {
    const socket = socketAccess[name];
    if (!socket) continue;
    expect(await handshakeStatus(baseURL ?? '', socket.path(victim), { Origin: origin, Cookie: '' }), `${name} signed out`).toBe(401);
    const weaker = weakerSession(socket.role);
    if (weaker !== null) expect(await handshakeStatus(baseURL ?? '', socket.path(victim), { Origin: origin, Cookie: weaker }), `${name} as a weaker role`).toBe(403);
  }
});
