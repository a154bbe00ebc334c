import { describe, expect, it } from 'vitest';
import { caught } from '../testing/errors.ts';
import type { Instance } from '../instance.ts';
import { testInstance } from '../testing/instances.ts';
import { RemoteRegistry } from './remote-registry.ts';

// The client's own logic over canned answers (paging, dates, error bodies); the real server is
// exercised by apps/web/e2e/cli-server.spec.ts.

type Answer = { status: number; body: unknown } | Error;

function registryAnswering(answer: (url: URL, init: RequestInit) => Answer) {
  const requests: { method: string; url: URL; body: unknown }[] = [];
  const fakeFetch = ((input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    requests.push({ method: init.method ?? 'GET', url, body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined });
    expect(new Headers(init.headers).get('authorization')).toBe('Bearer ccb_test');
    const result = answer(url, init);
    if (result instanceof Error) return Promise.reject(result);
    return Promise.resolve(new Response(typeof result.body === 'string' ? result.body : JSON.stringify(result.body), { status: result.status }));
  }) as typeof fetch;
  return { registry: new RemoteRegistry({ base: 'http://127.0.0.1:3000', token: 'ccb_test', fetch: fakeFetch }), requests };
}

/** GET /api/v1/instances/NAME's answer for a record. */
function detailOf(instance: Instance) {
  return { instance, status: { instance, status: instance.status, checkedAt: new Date(), isFresh: true, error: null }, events: [], tokens: null };
}

const records = Array.from({ length: 230 }, (_, index) => testInstance({ name: `r-${String(index).padStart(3, '0')}`, type: 'tmux' }));

describe('RemoteRegistry', () => {
  it('reads every page of a list with the filters as the API spells them, dates as Dates', async () => {
    const { registry, requests } = registryAnswering((url) => {
      const page = Number(url.searchParams.get('page'));
      const items = records.slice((page - 1) * 100, page * 100);
      return { status: 200, body: { items, matched: records.length, total: 500, nextCursor: null } };
    });
    const result = await registry.listInstances({ status: ['running', 'stopped'], activity: ['waiting', 'idle'], search: 'r-', sort: 'createdAt', order: 'desc' });
    expect(result.items.map((item) => item.name)).toEqual(records.map((record) => record.name));
    expect(result).toMatchObject({ matched: 230, total: 500, nextCursor: null });
    expect(result.items[0]?.createdAt).toBeInstanceOf(Date);
    expect(requests.map(({ url }) => url.search)).toEqual(
      [1, 2, 3].map((page) => `?status=running%2Cstopped&activity=waiting%2Cidle&search=r-&sort=createdAt&order=desc&page=${page}`),
    );
  });

  it('refuses a bad query before asking the server', async () => {
    const { registry, requests } = registryAnswering(() => ({ status: 200, body: {} }));
    expect((await caught(registry.listInstances({ search: 'x'.repeat(201) }))).code).toBe('INVALID_INPUT');
    expect(requests).toEqual([]);
  });

  it('turns the server’s refusal into its CcBridgeError, field errors included', async () => {
    const { registry } = registryAnswering(() => ({
      status: 400,
      body: { error: { code: 'INVALID_INPUT', message: 'Invalid body', fieldErrors: { 'fields.name': ['is too long'] } } },
    }));
    const error = await caught(registry.createInstance({ name: 'x', type: 'tmux' }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: 'Invalid body', fieldErrors: { 'fields.name': ['is too long'] } });
  });

  it('says an unknown token is the token’s setting to fix, naming the server', async () => {
    const { registry } = registryAnswering(() => ({ status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'The API token is not valid' } } }));
    const error = await caught(registry.getInstanceOrThrow('x'));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toBe('http://127.0.0.1:3000: The API token is not valid; check CC_BRIDGE_TOKEN, [server] token or token_file, or --token-stdin');
  });

  it('reports an answer that is not the API’s, and a server it cannot reach, as INTERNAL naming the URL', async () => {
    const proxy = registryAnswering(() => ({ status: 502, body: '<html>Bad Gateway</html>' }));
    expect(await caught(proxy.registry.listEvents('x'))).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('GET http://127.0.0.1:3000/api/v1/instances/x/events answered 502') as unknown });
    const down = registryAnswering(() => new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3000'), { code: 'ECONNREFUSED' }) }));
    expect((await caught(down.registry.listEvents('x'))).message).toBe('cannot reach the team server at http://127.0.0.1:3000: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:3000)');
  });

  it('updates at the version it just read when none is given, and at the given one otherwise', async () => {
    const record = testInstance({ name: 'web', type: 'tmux', version: 7 });
    const { registry, requests } = registryAnswering((_url, init) =>
      init.method === 'PATCH' ? { status: 200, body: record } : { status: 200, body: detailOf(record) },
    );
    await registry.updateInstance('web', { cwd: '/srv' });
    await registry.updateInstance('web', { cwd: '/srv' }, { expectedVersion: 3 });
    expect(requests.filter(({ method }) => method === 'PATCH').map(({ body }) => body)).toEqual([{ cwd: '/srv', version: 7 }, { cwd: '/srv', version: 3 }]);
  });

  it('runs a bulk action a request per record: a refused record is its result, the others go on', async () => {
    const running = testInstance({ name: 'a', type: 'tmux', status: 'running' });
    const { registry } = registryAnswering((url, init) => {
      if (url.pathname.endsWith('/missing')) return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'No instance named "missing"' } } };
      if (init.method === 'POST') return { status: 200, body: { ...running, status: 'stopped' } };
      return { status: 200, body: detailOf(running) };
    });
    expect(await registry.runBulk({ names: ['a', 'missing', 'A'] }, { kind: 'stop' })).toEqual([
      { name: 'a', ok: true, status: 'stopped', statusBefore: 'running', error: null },
      { name: 'missing', ok: false, status: null, statusBefore: null, error: { code: 'NOT_FOUND', message: 'No instance named "missing"' } },
    ]);
  });
});
