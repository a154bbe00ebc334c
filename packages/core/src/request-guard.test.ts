import { describe, expect, it } from 'vitest';
import { checkRequest, isLoopbackAddress, parseHost, type GuardedRequest } from './request-guard.ts';

const page = (overrides: Partial<GuardedRequest> = {}): GuardedRequest => ({ method: 'GET', host: '127.0.0.1:3000', origin: null, ...overrides });
const action = (overrides: Partial<GuardedRequest> = {}): GuardedRequest =>
  page({ method: 'POST', origin: 'http://127.0.0.1:3000', isServerAction: true, secFetchSite: 'same-origin', ...overrides });

function refusal(request: GuardedRequest, allowedHosts: string[] = []) {
  const verdict = checkRequest(request, allowedHosts);
  if (verdict.allowed) throw new Error('expected a refusal');
  return verdict;
}

describe('parseHost', () => {
  it('reads names, IPv4 and bracketed IPv6 addresses, with or without a port, in any case', () => {
    expect(parseHost('LocalHost:3000')).toEqual({ hostname: 'localhost', port: 3000 });
    expect(parseHost('127.0.0.1')).toEqual({ hostname: '127.0.0.1', port: null });
    expect(parseHost('[::1]:8080')).toEqual({ hostname: '[::1]', port: 8080 });
    expect(parseHost('cc.team-1.example')).toEqual({ hostname: 'cc.team-1.example', port: null });
  });

  it('refuses what is not a bare host: schemes, users, paths, wildcards, trailing dots, bad ports', () => {
    for (const text of ['http://a.example', 'user@a.example', 'a.example/x', 'a.example@127.0.0.1', '*.example', 'a.example.', '-a.example', 'a..example', 'a.example:0', 'a.example:65536', 'a.example:', '::1', '', 'a example']) {
      expect(parseHost(text), text).toBeNull();
    }
  });
});

describe('checkRequest', () => {
  it('serves the loopback names on any port, to pages and to their own actions', () => {
    for (const host of ['127.0.0.1:3000', 'localhost:3000', '[::1]:3000', 'localhost:8080', 'localhost']) {
      expect(checkRequest(page({ host }), []), host).toEqual({ allowed: true });
      expect(checkRequest(action({ host, origin: `http://${host}` }), []), host).toEqual({ allowed: true });
    }
  });

  it('refuses a rebinding request: a foreign Host, even when the Origin matches it (421)', () => {
    const verdict = refusal(action({ host: 'evil.example:3000', origin: 'http://evil.example:3000' }));
    expect(verdict.status).toBe(421);
    expect(verdict.reason).toContain('evil.example');
    expect(refusal(page({ host: 'evil.example:3000' })).status).toBe(421);
  });

  it('refuses a missing or malformed Host (421)', () => {
    expect(refusal(page({ host: null })).status).toBe(421);
    for (const host of ['evil.example@127.0.0.1:3000', '127.0.0.1:3000/x', '127.0.0.1.:3000', '']) {
      expect(refusal(page({ host })).status, host).toBe(421);
    }
  });

  it('refuses an action, a change or a read sent with another site as Origin (403)', () => {
    expect(refusal(action({ origin: 'http://evil.example', secFetchSite: 'cross-site' })).status).toBe(403);
    expect(refusal(page({ method: 'DELETE', origin: 'https://evil.example' })).status).toBe(403);
    expect(refusal(page({ origin: 'http://evil.example' })).status).toBe(403);
    expect(refusal(action({ origin: 'null' })).status).toBe(403);
  });

  it('refuses an Origin on another port of a loopback name: another local server is another origin', () => {
    expect(refusal(action({ host: 'localhost:3000', origin: 'http://localhost:5173' })).status).toBe(403);
    expect(refusal(action({ host: '127.0.0.1:3000', origin: 'http://localhost:3000' })).status).toBe(403);
  });

  it('refuses a change without an Origin unless the browser says it is same-origin', () => {
    expect(refusal(page({ method: 'POST' })).reason).toContain('Origin');
    expect(refusal(action({ origin: null, secFetchSite: null })).status).toBe(403);
    expect(checkRequest(action({ origin: null, secFetchSite: 'same-origin' }), [])).toEqual({ allowed: true });
    // An action is an action whatever its method, and so is a WebSocket upgrade.
    expect(refusal(page({ isServerAction: true })).status).toBe(403);
    expect(refusal(page({ isWebSocket: true })).status).toBe(403);
    expect(checkRequest(page({ isWebSocket: true, origin: 'http://127.0.0.1:3000' }), [])).toEqual({ allowed: true });
  });

  it('lets a program with a bearer token (curl: no Origin, no Sec-Fetch-*) change things; a browser’s request stays refused', () => {
    const curl = page({ method: 'POST', hasBearerToken: true });
    expect(checkRequest(curl, [])).toEqual({ allowed: true });
    expect(checkRequest({ ...curl, method: 'DELETE' }, [])).toEqual({ allowed: true });
    // The token opens no other door: a foreign Host, another site's Origin, a browser's cross-site fetch.
    expect(refusal({ ...curl, host: 'evil.example:3000' }).status).toBe(421);
    expect(refusal({ ...curl, origin: 'http://evil.example' }).status).toBe(403);
    expect(refusal({ ...curl, secFetchSite: 'cross-site', secFetchMode: 'cors' }).status).toBe(403);
    // A browser that sends Sec-Fetch-Site but no Origin is not a program with a token.
    expect(refusal({ ...curl, secFetchSite: 'none' }).status).toBe(403);
    expect(refusal(page({ method: 'POST', hasBearerToken: false })).status).toBe(403);
  });

  it('lets a program without a token reach the REST API (it answers 401 itself); a browser’s request to it stays refused', () => {
    const curl = page({ method: 'POST', isApi: true });
    expect(checkRequest(curl, [])).toEqual({ allowed: true });
    expect(checkRequest({ ...curl, method: 'PATCH' }, [])).toEqual({ allowed: true });
    // A browser's cross-site POST carries its Origin or Sec-Fetch-Site (or both).
    expect(refusal({ ...curl, origin: 'http://evil.example' }).status).toBe(403);
    expect(refusal({ ...curl, origin: 'http://evil.example', secFetchSite: 'cross-site', secFetchMode: 'cors' }).status).toBe(403);
    expect(refusal({ ...curl, secFetchSite: 'cross-site', secFetchMode: 'no-cors' }).status).toBe(403);
    expect(refusal({ ...curl, host: 'evil.example:3000' }).status).toBe(421);
    // Only the API: the same request elsewhere, or as a server action or WebSocket, still needs an Origin.
    expect(refusal({ ...curl, isApi: false }).status).toBe(403);
    expect(refusal({ ...curl, isServerAction: true }).status).toBe(403);
    expect(refusal({ ...curl, method: 'GET', isWebSocket: true }).status).toBe(403);
  });

  it('lets another site link to a page, but not load it any other way', () => {
    const link = page({ secFetchSite: 'cross-site', secFetchMode: 'navigate', secFetchDest: 'document' });
    expect(checkRequest(link, [])).toEqual({ allowed: true });
    expect(refusal(page({ secFetchSite: 'cross-site', secFetchMode: 'no-cors', secFetchDest: 'image' })).status).toBe(403);
    expect(refusal(page({ secFetchSite: 'same-site', secFetchMode: 'no-cors', secFetchDest: 'script' })).status).toBe(403);
    // A form another site posts is a navigation too, but a change: its Origin gives it away.
    expect(refusal(page({ method: 'POST', origin: 'http://evil.example', secFetchSite: 'cross-site', secFetchMode: 'navigate', secFetchDest: 'document' })).status).toBe(403);
  });

  it('refuses to be framed, even by its own pages', () => {
    for (const secFetchDest of ['iframe', 'frame', 'embed', 'object']) {
      expect(refusal(page({ secFetchDest, secFetchSite: 'same-origin' })).reason).toContain('inside another page');
    }
  });

  it('serves configured hosts: without a port on any port, with a port on that port only', () => {
    expect(checkRequest(page({ host: 'cc.team.example' }), ['cc.team.example'])).toEqual({ allowed: true });
    expect(checkRequest(page({ host: 'cc.team.example:8443' }), ['cc.team.example'])).toEqual({ allowed: true });
    expect(checkRequest(page({ host: 'cc.team.example:8443' }), ['cc.team.example:8443'])).toEqual({ allowed: true });
    expect(refusal(page({ host: 'cc.team.example:9000' }), ['cc.team.example:8443']).status).toBe(421);
    // A browser leaves the scheme's port out of Host: `:443` in the list means a plain `cc.team.example`.
    expect(checkRequest(page({ host: 'cc.team.example' }), ['cc.team.example:443'])).toEqual({ allowed: true });
    expect(refusal(page({ host: 'other.example' }), ['cc.team.example']).status).toBe(421);
    expect(refusal(page({ host: 'sub.cc.team.example' }), ['cc.team.example']).status).toBe(421);
  });

  it('accepts a configured Origin behind a proxy that rewrites Host to loopback', () => {
    const proxied = action({ host: '127.0.0.1:3000', origin: 'https://cc.team.example' });
    expect(checkRequest(proxied, ['cc.team.example'])).toEqual({ allowed: true });
    expect(checkRequest(proxied, ['cc.team.example:443'])).toEqual({ allowed: true });
    expect(refusal(proxied, ['cc.team.example:8443']).status).toBe(403);
    expect(refusal(proxied).status).toBe(403);
  });

  it('matches a Host without a port to an Origin on the scheme’s own port only', () => {
    expect(checkRequest(action({ host: 'cc.team.example', origin: 'https://cc.team.example' }), ['cc.team.example'])).toEqual({ allowed: true });
    expect(checkRequest(action({ host: 'localhost', origin: 'http://localhost' }), [])).toEqual({ allowed: true });
    expect(refusal(action({ host: 'localhost', origin: 'http://localhost:5173' })).status).toBe(403);
  });
});

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.1.2.3', '127.1', 'localhost', 'LocalHost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', ' 127.0.0.1 '])('accepts %s', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });

  it.each(['0.0.0.0', '::', '[::]', '192.168.1.10', '10.0.0.1', '128.0.0.1', '::ffff:10.0.0.1', '::2', 'example.com', 'localhost.', 'localhost.example.com', '127.0.0.1.nip.io', '', 'http://127.0.0.1', '127.0.0.1:3000', '2130706433x'])(
    'refuses %s',
    (address) => {
      expect(isLoopbackAddress(address)).toBe(false);
    },
  );
});
