import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '@cc-bridge/core/roles';
import type { APIRequestContext, APIResponse } from '@playwright/test';
import { apiToken, bearer } from './support/api-token';
import { e2eUsers } from './support/env';
import { expect, test } from './support/fixtures';
import { appDir } from './support/server';
import { hasTmuxSession } from './support/tmux';

// The REST API (issue 11) as a program uses it: Playwright's `request` sends no Origin and no
// Sec-Fetch-* headers, like curl, with a bearer token from the one token helper.

interface ApiError {
  error: { code: string; message: string; fieldErrors?: Record<string, string[]> };
}
interface InstanceJson {
  name: string;
  status: string;
  version: number;
  cwd: string | null;
}

async function as(role: Role): Promise<Record<string, string>> {
  return bearer(await apiToken(role));
}

async function errorOf(response: APIResponse): Promise<ApiError['error']> {
  expect(response.headers()['content-type']).toBe('application/json; charset=utf-8');
  return ((await response.json()) as ApiError).error;
}

async function expectStatus(response: APIResponse, status: number): Promise<void> {
  expect(response.status(), `${response.url()}: ${(await response.text()).slice(0, 300)}`).toBe(status);
}

async function total(request: APIRequestContext): Promise<number> {
  const response = await request.get('/api/v1/instances', { headers: await as('viewer') });
  return ((await response.json()) as { total: number }).total;
}

test.describe('the REST API /api/v1', () => {
  // No session cookie: a program holds only its bearer token.
  test.use({ storageState: { cookies: [], origins: [] } });

  test('answers 401 without a token or with a wrong one, and 403 to a viewer’s change, changing nothing', async ({ request, registry, uid }) => {
    const none = await request.get('/api/v1/instances');
    await expectStatus(none, 401);
    expect(await errorOf(none)).toEqual({ code: 'UNAUTHENTICATED', message: 'Not signed in: sign in at /sign-in' });
    await expectStatus(await request.get('/api/v1/instances', { headers: bearer('not-a-token') }), 401);
    await expectStatus(await request.post('/api/v1/discovery', { headers: bearer('not-a-token') }), 401);
    // A change with neither a token nor an Origin (bare `curl -X POST`) is a program's: the route answers it, 401 JSON.
    const bare = await request.post('/api/v1/discovery');
    await expectStatus(bare, 401);
    expect(await errorOf(bare)).toEqual({ code: 'UNAUTHENTICATED', message: 'Not signed in: sign in at /sign-in' });
    // A browser's from another site never reaches the route: the request guard refuses it (plain text).
    const crossSite = await request.post('/api/v1/discovery', { headers: { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' } });
    await expectStatus(crossSite, 403);
    expect(crossSite.headers()['content-type']).toBe('text/plain; charset=utf-8');

    const before = await total(request);
    const name = `v1-viewer-${uid}`;
    const refused = await request.post('/api/v1/instances', { headers: await as('viewer'), data: { start: false, fields: { name, type: 'tmux' } } });
    await expectStatus(refused, 403);
    expect((await errorOf(refused)).code).toBe('FORBIDDEN');
    expect(await registry.getInstance(name)).toBeNull();
    expect(await total(request)).toBe(before);
    // The same request from an operator passes: the refusal was the role's.
    await expectStatus(await request.post('/api/v1/instances', { headers: await as('operator'), data: { start: false, fields: { name, type: 'tmux' } } }), 201);
  });

  test('lists with the dashboard’s filters for any role, and names a wrong parameter', async ({ request, registry, uid }) => {
    const prefix = `v1-list-${uid}`;
    await registry.createInstance({ name: `${prefix}-live`, type: 'tmux' }, { start: true });
    await registry.createInstance({ name: `${prefix}-idle`, type: 'tmux' });
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const response = await request.get(`/api/v1/instances?search=${prefix}&sort=name&order=desc`, { headers: await as(role) });
      await expectStatus(response, 200);
      expect(response.headers()['cache-control']).toBe('no-store');
      const body = (await response.json()) as { items: InstanceJson[]; matched: number };
      expect(body.items.map((item) => item.name), role).toEqual([`${prefix}-live`, `${prefix}-idle`]);
    }
    const running = await request.get(`/api/v1/instances?search=${prefix}&status=running,error&type=tmux`, { headers: await as('viewer') });
    expect(((await running.json()) as { items: InstanceJson[] }).items.map((item) => item.name)).toEqual([`${prefix}-live`]);

    const wrong = await request.get('/api/v1/instances?status=running,bogus', { headers: await as('viewer') });
    await expectStatus(wrong, 400);
    const error = await errorOf(wrong);
    expect(error.code).toBe('INVALID_INPUT');
    expect(Object.keys(error.fieldErrors ?? {})).toEqual(['status.1']);
  });

  test('create → get → patch with version (a stale one is 409) → start → stop → events → delete', async ({ request, registry, uid }) => {
    const name = `v1-life-${uid}`;
    const operator = await as('operator');

    const created = await request.post('/api/v1/instances', { headers: operator, data: { start: false, fields: { name, type: 'tmux', cwd: '/tmp' } } });
    await expectStatus(created, 201);
    const record = (await created.json()) as InstanceJson;
    expect(record).toMatchObject({ name, cwd: '/tmp', version: 1 });

    const detail = await request.get(`/api/v1/instances/${name}`, { headers: await as('viewer') });
    await expectStatus(detail, 200);
    expect(((await detail.json()) as { instance: InstanceJson }).instance.name).toBe(name);

    const patched = await request.patch(`/api/v1/instances/${name}`, { headers: operator, data: { version: 1, cwd: '/var/tmp' } });
    await expectStatus(patched, 200);
    expect((await patched.json()) as InstanceJson).toMatchObject({ cwd: '/var/tmp', version: 2 });
    const stale = await request.patch(`/api/v1/instances/${name}`, { headers: operator, data: { version: 1, cwd: '/' } });
    await expectStatus(stale, 409);
    expect((await errorOf(stale)).code).toBe('CONFLICT');
    expect(await registry.getInstanceOrThrow(name)).toMatchObject({ cwd: '/var/tmp', version: 2 });

    const started = await request.post(`/api/v1/instances/${name}/start`, { headers: operator });
    await expectStatus(started, 200);
    expect(((await started.json()) as InstanceJson).status).toBe('running');
    expect(await hasTmuxSession(name)).toBe(true);

    const sent = await request.post(`/api/v1/instances/${name}/send`, { headers: operator, data: { text: 'hello', enter: false } });
    await expectStatus(sent, 200);
    expect(await sent.json()).toMatchObject({ chars: 5, enter: false });

    const stopped = await request.post(`/api/v1/instances/${name}/stop`, { headers: operator });
    await expectStatus(stopped, 200);
    expect(((await stopped.json()) as InstanceJson).status).toBe('stopped');
    expect(await hasTmuxSession(name)).toBe(false);

    const events = await request.get(`/api/v1/instances/${name}/events`, { headers: await as('viewer') });
    await expectStatus(events, 200);
    const items = ((await events.json()) as { items: { kind: string; actor: string; to: unknown }[] }).items;
    expect(items[0]?.kind).toBe('created');
    // Every change names the token that made it: its user's name and its id.
    const actions = items.filter((event) => event.kind === 'action');
    expect(actions.map((event) => (event.to as { action: string }).action)).toEqual(['start', 'send', 'stop']);
    const actors = [...new Set(actions.map((event) => event.actor))];
    expect(actors).toHaveLength(1);
    expect(actors[0]).toMatch(new RegExp(`^token:${e2eUsers.operator.name}/\\S+$`));

    const deleted = await request.delete(`/api/v1/instances/${name}`, { headers: operator });
    await expectStatus(deleted, 200);
    expect(await registry.getInstance(name)).toBeNull();
    await expectStatus(await request.get(`/api/v1/instances/${name}`, { headers: await as('viewer') }), 404);
    expect((await errorOf(await request.post(`/api/v1/instances/${name}/start`, { headers: operator }))).code).toBe('NOT_FOUND');
  });

  test('bad input is a 400 with field errors, and nothing changes', async ({ request, registry, uid }) => {
    const operator = await as('operator');
    const name = `v1-bad-${uid}`;
    await registry.createInstance({ name, type: 'tmux', cwd: '/tmp' }, { start: true });
    const before = { record: await registry.getInstanceOrThrow(name), events: (await registry.listEvents(name)).length, total: await total(request) };

    const cases: [string, () => Promise<APIResponse>, string[]][] = [
      ['a bad name', () => request.post('/api/v1/instances', { headers: operator, data: { start: false, fields: { name: '9 bad', type: 'tmux' } } }), ['fields.name']],
      ['an unknown field', () => request.patch(`/api/v1/instances/${name}`, { headers: operator, data: { version: 1, colour: 'red' } }), ['colour']],
      ['no version', () => request.patch(`/api/v1/instances/${name}`, { headers: operator, data: { cwd: '/' } }), ['version']],
      ['a bad answer', () => request.post(`/api/v1/instances/${name}/answer`, { headers: operator, data: { choice: 'maybe' } }), ['choice']],
      ['a message with yes', () => request.post(`/api/v1/instances/${name}/answer`, { headers: operator, data: { choice: 'yes', message: 'x' } }), ['message']],
      ['a NUL', () => request.post(`/api/v1/instances/${name}/send`, { headers: operator, data: { text: 'a\u0000b' } }), ['text']],
      ['not JSON', () => request.post(`/api/v1/instances/${name}/send`, { headers: { ...operator, 'Content-Type': 'application/json' }, data: '{text' }), ['body']],
      ['a bad delete query', () => request.delete(`/api/v1/instances/${name}?removeRuntime=yes`, { headers: operator }), ['removeRuntime']],
    ];
    for (const [what, send, fields] of cases) {
      const response = await send();
      await expectStatus(response, 400);
      const error = await errorOf(response);
      expect(error.code, what).toBe('INVALID_INPUT');
      expect(Object.keys(error.fieldErrors ?? {}), what).toEqual(fields);
    }
    // Valid, but the agent shows no prompt: refused by core, nothing pressed.
    const notWaiting = await request.post(`/api/v1/instances/${name}/answer`, { headers: operator, data: { choice: 'no' } });
    await expectStatus(notWaiting, 409);
    expect((await errorOf(notWaiting)).code).toBe('NOT_WAITING');

    expect(await registry.getInstanceOrThrow(name)).toMatchObject({ version: before.record.version, cwd: '/tmp', updatedAt: before.record.updatedAt });
    expect(await total(request)).toBe(before.total);
    expect(await hasTmuxSession(name)).toBe(true);
    // Only the refused answer is in the history (core records refusals of actions on the agent).
    const added = (await registry.listEvents(name)).slice(before.events);
    expect(added.map((event) => event.kind).filter((kind) => kind !== 'action')).toEqual([]);
  });

  test('a browser on another site is still refused by the guard, with or without a token', async ({ request, registry, uid }) => {
    const name = `v1-guard-${uid}`;
    await registry.createInstance({ name, type: 'tmux' }, { start: true });
    const crossSite = { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'cors' };
    const response = await request.delete(`/api/v1/instances/${name}?removeRuntime=true`, { headers: { ...(await as('admin')), ...crossSite } });
    await expectStatus(response, 403);
    expect(response.headers()['content-type']).toBe('text/plain; charset=utf-8');
    expect(await registry.getInstance(name)).not.toBeNull();
    expect(await hasTmuxSession(name)).toBe(true);
  });

  test('POST /discovery runs discovery for an operator', async ({ request }) => {
    const response = await request.post('/api/v1/discovery', { headers: await as('operator') });
    await expectStatus(response, 200);
    expect(Object.keys((await response.json()) as object).length).toBeGreaterThan(0);
  });

  test('GET /openapi.json serves the committed document', async ({ request }) => {
    const response = await request.get('/api/v1/openapi.json', { headers: await as('viewer') });
    await expectStatus(response, 200);
    expect(await response.json()).toEqual(JSON.parse(readFileSync(join(appDir, 'openapi.json'), 'utf8')));
  });
});
