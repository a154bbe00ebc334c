import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actingAs } from '../../src/audit/caller.ts';
import type { AuthService } from '../../src/auth/service.ts';
import { caught, createTestTmux, disposeAll, openTestBridge, testBackends, type TestBridge, type TestTmux } from '../../src/testing/index.ts';

function bearer(token: string): Headers {
  return new Headers({ authorization: `Bearer ${token}` });
}

describe.each(testBackends())('users, tokens and sign-in on the %s database', (backend) => {
  let tmux: TestTmux;
  let bridge: TestBridge;
  let auth: AuthService;

  beforeAll(async () => {
    tmux = await createTestTmux();
    bridge = await openTestBridge({ backend, tmuxSocket: tmux.socket, docker: false });
    auth = await bridge.auth();
  });
  afterAll(() => disposeAll(bridge, tmux));

  it('generates the secret into the data folder, readable by its owner only', async () => {
    const mode = (await stat(join(bridge.config.database.dataDir, 'auth-secret'))).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it('adds users with a hashed password, refuses a short password, a bad role and a taken name', async () => {
    expect(await auth.countUsers()).toBe(0);
    await auth.addUser({ name: 'Alice', role: 'admin', password: 'correct horse' });
    await auth.addUser({ name: 'vic', role: 'viewer', password: 'viewer password' });
    expect((await caught(auth.addUser({ name: 'bob', role: 'viewer', password: 'short' }))).message).toBe('password must be at least 8 characters');
    expect((await caught(auth.addUser({ name: 'bob', role: 'root' as never, password: 'long enough' }))).code).toBe('INVALID_INPUT');
    expect((await caught(auth.addUser({ name: 'ALICE', role: 'viewer', password: 'long enough' }))).code).toBe('NAME_TAKEN');
    expect((await auth.listUsers()).map(({ name, role }) => ({ name, role }))).toEqual([
      { name: 'alice', role: 'admin' },
      { name: 'vic', role: 'viewer' },
    ]);
    const context = await auth.auth.$context;
    const accounts = await context.adapter.findMany<{ password: string | null }>({ model: 'account' });
    expect(accounts).toHaveLength(2);
    for (const account of accounts) {
      expect(account.password).not.toContain('correct horse');
      expect(account.password).not.toContain('viewer password');
      expect(account.password).toMatch(/^[0-9a-f]+:[0-9a-f]+$/);
    }
  });

  it('refuses a second first admin', async () => {
    expect((await caught(auth.addFirstAdmin({ name: 'mallory', password: 'long enough' }))).code).toBe('CONFLICT');
  });

  it('signs in with the right password only, and the session cookie authenticates', async () => {
    const wrong = await auth.signIn({ username: 'alice', password: 'wrong horse' }, new Headers());
    expect(wrong).toEqual({ ok: false, reason: 'Wrong username or password' });
    const right = await auth.signIn({ username: 'Alice', password: 'correct horse' }, new Headers());
    if (!right.ok) throw new Error(right.reason);
    const cookie = right.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
    expect(right.headers.getSetCookie().join('\n')).toMatch(/HttpOnly/i);
    expect(right.headers.getSetCookie().join('\n')).toMatch(/SameSite=Lax/i);
    expect(await auth.authenticate(new Headers({ cookie }))).toEqual({ kind: 'user', name: 'alice', role: 'admin', actor: 'user:alice' });
    expect(await auth.authenticate(new Headers({ cookie: 'better-auth.session_token=forged.value' }))).toBeNull();
    expect(await auth.authenticate(new Headers())).toBeNull();
  });

  it('slows failed sign-ins and then locks the username for a while', async () => {
    const started = Date.now();
    const answers: string[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const answer = await auth.signIn({ username: 'vic', password: 'not it at all' }, new Headers());
      answers.push(answer.ok ? 'ok' : answer.reason);
    }
    // 300 + 600 + 900 + 1200 ms of waiting before the fifth failure locks.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    expect(answers.slice(0, 4)).toEqual(Array(4).fill('Wrong username or password'));
    expect(answers[4]).toMatch(/^Too many failed sign-ins for vic: try again in 300 s$/);
    const locked = await auth.signIn({ username: 'vic', password: 'viewer password' }, new Headers());
    expect(locked.ok).toBe(false);
  });

  it('shows a token once, stores only its hash, caps its role at its user and refuses it once revoked', async () => {
    const token = await auth.createToken({ user: 'alice', role: 'operator' });
    expect(token).toMatchObject({ user: 'alice', role: 'operator' });
    expect(token.token).toMatch(/^ccb_[A-Za-z]{64}$/);
    const rows = await (await auth.auth.$context).adapter.findMany<{ key: string }>({ model: 'apikey' });
    expect(rows.map((row) => row.key)).not.toContain(token.token);
    expect(JSON.stringify(await auth.listTokens())).not.toContain(token.token);
    expect(await auth.listTokens()).toEqual([expect.objectContaining({ id: token.id, user: 'alice', role: 'operator', start: token.token.slice(0, 6) })]);

    expect(await auth.authenticate(bearer(token.token))).toEqual({ kind: 'token', name: 'alice', role: 'operator', actor: `token:alice/${token.id}` });
    expect(await auth.authenticate(bearer(`${token.token.slice(0, -1)}x`))).toBeNull();

    expect((await caught(auth.createToken({ user: 'vic', role: 'admin' }))).message).toBe("role admin is above vic's role viewer");
    expect((await caught(auth.createToken({ user: 'nobody' }))).code).toBe('NOT_FOUND');
    const viewerToken = await auth.createToken({ user: 'vic' });
    expect(viewerToken.role).toBe('viewer');

    await auth.revokeToken(token.id);
    expect(await auth.authenticate(bearer(token.token))).toBeNull();
    expect((await caught(auth.revokeToken(token.id))).code).toBe('NOT_FOUND');
  });

  it('names a token, lets it expire, and lists and revokes the tokens of one owner only', async () => {
    const named = await auth.createToken({ user: 'vic', name: ' laptop script ', expiresInDays: 30 });
    expect(named).toMatchObject({ name: 'laptop script', user: 'vic', role: 'viewer' });
    const days = ((named.expiresAt?.getTime() ?? 0) - named.createdAt.getTime()) / (24 * 60 * 60 * 1000);
    expect(days).toBeCloseTo(30, 2);
    const unnamed = await auth.createToken({ user: 'alice', role: 'viewer' });
    expect(unnamed).toMatchObject({ name: 'alice', expiresAt: null });
    expect((await auth.listTokens({ user: 'vic' })).map(({ id, name, expiresAt }) => ({ id, name, expiresAt }))).toContainEqual({ id: named.id, name: 'laptop script', expiresAt: named.expiresAt });
    expect((await auth.listTokens({ user: 'vic' })).every((token) => token.user === 'vic')).toBe(true);
    expect((await auth.listTokens()).map((token) => token.id)).toEqual(expect.arrayContaining([named.id, unnamed.id]));

    const tokensBefore = (await auth.listTokens()).length;
    expect((await caught(auth.createToken({ user: 'vic', name: '' }))).fieldErrors).toEqual({ name: ['must not be empty'] });
    expect((await caught(auth.createToken({ user: 'vic', name: 'x'.repeat(33) }))).code).toBe('INVALID_INPUT');
    expect((await caught(auth.createToken({ user: 'vic', expiresInDays: 0 }))).fieldErrors).toEqual({ expiresInDays: ['must be at least 1 day'] });
    expect((await caught(auth.createToken({ user: 'vic', expiresInDays: 366 }))).code).toBe('INVALID_INPUT');
    expect((await caught(auth.createToken({ user: 'vic', expiresInDays: 1.5 }))).code).toBe('INVALID_INPUT');
    expect(await auth.listTokens()).toHaveLength(tokensBefore);

    // vic may not revoke alice's token (it is as if it did not exist), only his own.
    expect((await caught(auth.revokeToken(unnamed.id, { owner: 'vic' }))).code).toBe('NOT_FOUND');
    expect(await auth.authenticate(bearer(unnamed.token))).not.toBeNull();
    await auth.revokeToken(named.id, { owner: 'vic' });
    expect(await auth.authenticate(bearer(named.token))).toBeNull();
    await auth.revokeToken(unnamed.id);
  });

  it('refuses an expired token', async () => {
    const token = await auth.createToken({ user: 'vic', expiresInDays: 1 });
    expect(await auth.authenticate(bearer(token.token))).not.toBeNull();
    // A day later, without waiting a day: its expiry is moved to the past.
    await (await auth.auth.$context).adapter.update({ model: 'apikey', where: [{ field: 'id', value: token.id }], update: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await auth.authenticate(bearer(token.token))).toBeNull();
  });

  it('caps a token at its user’s current role on every use', async () => {
    await auth.addUser({ name: 'olga', role: 'operator', password: 'operator pass' });
    const token = await auth.createToken({ user: 'olga' });
    expect((await auth.authenticate(bearer(token.token)))?.role).toBe('operator');
    const context = await auth.auth.$context;
    const [user] = await context.adapter.findMany<{ id: string }>({ model: 'user', where: [{ field: 'username', value: 'olga' }] });
    await context.internalAdapter.updateUser(user?.id ?? '', { role: 'viewer' });
    expect((await auth.authenticate(bearer(token.token)))?.role).toBe('viewer');
  });

  it('removes a user with their sessions and tokens', async () => {
    const token = await auth.createToken({ user: 'olga' });
    const signedIn = await auth.signIn({ username: 'olga', password: 'operator pass' }, new Headers());
    if (!signedIn.ok) throw new Error(signedIn.reason);
    const cookie = signedIn.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
    await auth.removeUser('olga');
    expect(await auth.authenticate(bearer(token.token))).toBeNull();
    expect(await auth.authenticate(new Headers({ cookie }))).toBeNull();
    expect((await auth.listTokens()).map((listed) => listed.user)).not.toContain('olga');
    expect((await caught(auth.removeUser('olga'))).code).toBe('NOT_FOUND');
  });

  it('records who added and removed a user and created and revoked a token in the audit log', async () => {
    const asRoot = actingAs(auth, { actor: 'user:root', origin: '192.0.2.7' });
    await asRoot.addUser({ name: 'audited', role: 'operator', password: 'audited pass' });
    const token = await asRoot.createToken({ user: 'audited', role: 'viewer' });
    await asRoot.revokeToken(token.id);
    // Outside any call's caller: the bridge's own actor (the CLI's cli:<os user>).
    await auth.removeUser('audited');
    const { items } = await bridge.manager.listAudit({ limit: 10 });
    const mine = items.filter((entry) => entry.target === 'user:audited' || entry.target === `token:audited/${token.id}`).reverse();
    expect(mine.map(({ action, actor, origin, changes }) => ({ action, actor, origin, changes }))).toEqual([
      { action: 'user-add', actor: 'user:root', origin: '192.0.2.7', changes: { role: { before: null, after: 'operator' } } },
      { action: 'token-create', actor: 'user:root', origin: '192.0.2.7', changes: { role: { before: null, after: 'viewer' }, name: { before: null, after: 'audited' } } },
      { action: 'token-revoke', actor: 'user:root', origin: '192.0.2.7', changes: null },
      { action: 'user-remove', actor: 'test', origin: null, changes: { role: { before: 'operator', after: null } } },
    ]);
    // A refused change records nothing.
    await caught(asRoot.revokeToken(token.id));
    expect((await bridge.manager.listAudit({ limit: 10 })).items.filter((entry) => entry.action === 'token-revoke' && entry.target === `token:audited/${token.id}`)).toHaveLength(1);
  });
});

/** The `name=value` pairs of Set-Cookie lines, as a Cookie header. */
function cookieOf(setCookie: string[]): string {
  return setCookie.map((line) => line.split(';')[0]).join('; ');
}

describe.each(testBackends())('session renewal on the %s database', (backend) => {
  // better-auth's own settings, small: a session lives 4 s after its last renewal; a request renews it once 1 s old.
  const lifetime = { maxAgeMs: 4000, renewAfterMs: 1000 };
  let tmux: TestTmux;
  let bridge: TestBridge;
  let auth: AuthService;

  beforeAll(async () => {
    tmux = await createTestTmux();
    bridge = await openTestBridge({ backend, tmuxSocket: tmux.socket, docker: false, sessionLifetime: lifetime });
    auth = await bridge.auth();
    await auth.addUser({ name: 'active', role: 'viewer', password: 'active password' });
    await auth.addUser({ name: 'idle', role: 'viewer', password: 'idle password' });
  });
  afterAll(() => disposeAll(bridge, tmux));

  async function signedIn(name: string): Promise<{ cookie: string; setCookie: string[]; at: number }> {
    const result = await auth.signIn({ username: name, password: `${name} password` }, new Headers());
    if (!result.ok) throw new Error(result.reason);
    return { cookie: cookieOf(result.headers.getSetCookie()), setCookie: result.headers.getSetCookie(), at: Date.now() };
  }

  async function expiresAt(): Promise<number> {
    const sessions = await (await auth.auth.$context).adapter.findMany<{ expiresAt: Date; userId: string }>({ model: 'session' });
    const users = await (await auth.auth.$context).adapter.findMany<{ id: string; username: string }>({ model: 'user' });
    const active = users.find((user) => user.username === 'active');
    return Math.max(...sessions.filter((session) => session.userId === active?.id).map((session) => new Date(session.expiresAt).getTime()));
  }

  it('extends a session in use past its first lifetime (new expiry and cookie Max-Age), and ends one left alone', async () => {
    const active = await signedIn('active');
    const idle = await signedIn('idle');
    expect(active.setCookie.join('\n')).toMatch(/Max-Age=4\b/);
    const firstExpiry = await expiresAt();

    // Too young to renew: no new cookie, the expiry stays.
    const early = await auth.renewSession(new Headers({ cookie: active.cookie }));
    expect(early.principal?.name).toBe('active');
    expect(early.setCookie).toEqual([]);
    // Reading alone (authenticate) never extends, even when due.
    await sleep(1200);
    expect((await auth.authenticate(new Headers({ cookie: active.cookie })))?.name).toBe('active');
    expect(await expiresAt()).toBe(firstExpiry);

    // Used once it is due: renewed in the database and in a fresh cookie of a full lifetime.
    let cookie = active.cookie;
    const renewals: number[] = [];
    while (Date.now() - active.at < lifetime.maxAgeMs + 1500) {
      const renewed = await auth.renewSession(new Headers({ cookie }));
      expect(renewed.principal?.name, `${String(Date.now() - active.at)} ms after sign-in`).toBe('active');
      if (renewed.setCookie.length > 0) {
        expect(renewed.setCookie.join('\n')).toMatch(/better-auth\.session_token=[^;]+;.*Max-Age=4\b/);
        cookie = cookieOf(renewed.setCookie);
        renewals.push(await expiresAt());
      }
      await sleep(1200);
    }
    expect(renewals.length).toBeGreaterThanOrEqual(2);
    expect(renewals[0]).toBeGreaterThan(firstExpiry);
    // Past the first lifetime (4 s), the active session still holds; the idle one has ended.
    expect(Date.now()).toBeGreaterThan(firstExpiry);
    expect((await auth.renewSession(new Headers({ cookie }))).principal?.name).toBe('active');
    const ended = await auth.renewSession(new Headers({ cookie: idle.cookie }));
    expect(ended.principal).toBeNull();
    expect(ended.setCookie.join('\n')).toMatch(/better-auth\.session_token=;.*Max-Age=0/);
    expect(await auth.authenticate(new Headers({ cookie: idle.cookie }))).toBeNull();
  }, 30_000);
});
