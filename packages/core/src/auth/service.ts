import { setTimeout as sleep } from 'node:timers/promises';
import { isAPIError } from 'better-auth/api';
import { z } from 'zod';
import { actingAs, currentCaller, type Caller } from '../audit/caller.ts';
import { recordAudit, type AuditInput } from '../audit/audit-log.ts';
import { CcBridgeError } from '../errors.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { createAuth, type Auth, type AuthSettings } from './auth.ts';
import { passwordInput, roleInput, userName } from './names.ts';
import { roleAllows, roles, type Role } from './roles.ts';

/** Who made a request: a signed-in user (session cookie) or an API token (Authorization: Bearer). */
export interface Principal {
  kind: 'user' | 'token';
  /** The user's name (a token's owner for a token). */
  name: string;
  /** The role to check: the user's; a token's own, capped at its user's current role. */
  role: Role;
  /** Audit actor: `user:NAME` or `token:NAME/<token id>`. */
  actor: string;
}

/** An authorization's answer: the principal, or the HTTP status (401 signed out, 403 role too low) and a one-line reason. */
export type Authorization = { ok: true; principal: Principal } | { ok: false; status: 401 | 403; reason: string };

/** A user as listed: name, role, when added, how many API tokens. */
export interface UserSummary {
  name: string;
  role: Role;
  createdAt: Date;
  tokens: number;
}

/** An API token as listed (never the token itself): `start` is its first characters. */
export interface TokenSummary {
  id: string;
  /** What its owner called it (`tokens create` without a name: the user's name). */
  name: string;
  user: string;
  role: Role;
  start: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** When it stops working; null: never. */
  expiresAt: Date | null;
}

/** A token just created: the only time `token` is known. */
export interface CreatedToken {
  id: string;
  name: string;
  user: string;
  role: Role;
  token: string;
  createdAt: Date;
  expiresAt: Date | null;
}

/** A session's authentication with its renewal: `setCookie` (Set-Cookie lines) is non-empty when the session was extended. */
export interface RenewedSession {
  principal: Principal | null;
  setCookie: string[];
}

/** A sign-in's answer: `headers` carry the session cookie (`Set-Cookie`). */
export type SignInResult = { ok: true; headers: Headers } | { ok: false; reason: string };

/** Failed sign-ins per username before it is locked, and for how long (ms). */
export const signInLimit = { failures: 5, lockMs: 5 * 60 * 1000, delayPerFailureMs: 300 } as const;

const newUserInput = z.object({ name: userName, role: roleInput, password: passwordInput });
/** What `addUser` takes (validated: name, role, password of 8–256 characters). */
export type NewUserInput = z.input<typeof newUserInput>;
/** The longest a token may live, in days (the api-key plugin's default bound). */
export const tokenMaxDays = 365;
const newTokenInput = z.object({
  user: userName,
  role: roleInput.optional(),
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(32, { error: 'must be at most 32 characters' }).optional(),
  expiresInDays: z.number().int({ error: 'must be a whole number of days' }).min(1, { error: 'must be at least 1 day' }).max(tokenMaxDays, { error: `must be at most ${String(tokenMaxDays)} days` }).optional(),
});
/** What `createToken` takes: the owner, a role at most theirs (default theirs), a name (default the owner's), days until it expires (default never). */
export type NewTokenInput = z.input<typeof newTokenInput>;
const tokenMetadata = z.object({ role: z.enum(roles) });

function asRole(value: string): Role {
  return (roles as readonly string[]).includes(value) ? (value as Role) : 'viewer';
}

function lowerRole(a: Role, b: Role): Role {
  return roleAllows(a, b) ? b : a;
}

function invalid(field: string, error: z.ZodError): CcBridgeError {
  const issue = error.issues[0];
  const path = issue?.path.join('.') || field;
  return new CcBridgeError('INVALID_INPUT', `${path} ${issue?.message ?? 'is not valid'}`, { fieldErrors: { [path]: [issue?.message ?? 'is not valid'] } });
}

/**
 * Users, roles, API tokens and sign-in over one better-auth instance (auth.ts); the CLI
 * (`cc-bridge users|tokens`) and the dashboard (sign-in, setup, `authorize`) share it. Bad input
 * is INVALID_INPUT, a taken name NAME_TAKEN, an unknown user or token NOT_FOUND; nothing changes then.
 */
export class AuthService {
  readonly auth: Auth;
  readonly #prisma: PrismaClient;
  /** Users existed at the last look: they rarely all go, and then every session went with them. */
  #hasUsers = false;

  /** Who changes users and tokens when no call runs as anyone (`actingAs`): the bridge's own actor. */
  readonly #caller: Caller;

  constructor(settings: AuthSettings & { caller?: Caller }) {
    this.auth = createAuth(settings);
    this.#prisma = settings.prisma;
    this.#caller = settings.caller ?? { actor: 'system', origin: null };
  }

  /** Writes `entry` to the audit log as the caller of the call running now, else the bridge's actor. */
  #audit(entry: AuditInput, tx: Pick<PrismaClient, 'auditEntry'> = this.#prisma): Promise<void> {
    const who = currentCaller() ?? this.#caller;
    return recordAudit(tx as Parameters<typeof recordAudit>[0], { actor: who.actor, origin: who.origin, ...entry });
  }

  /**
   * This service with every method run as `who`, as `CcBridge.as` gives the manager: what it writes
   * to the audit log names that actor and origin. INVALID_INPUT for a bad caller.
   */
  as(who: Caller): this {
    return actingAs(this, who);
  }

  /** How many users exist: zero means sign-in is not configured (loopback only, /setup). */
  countUsers(): Promise<number> {
    return this.#prisma.user.count();
  }

  /** Whether sign-in is configured (at least one user exists); once seen true it is not asked again. */
  async hasUsers(): Promise<boolean> {
    this.#hasUsers ||= (await this.countUsers()) > 0;
    return this.#hasUsers;
  }

  /**
   * Authenticates `headers` (see `authenticate`) and checks the principal holds `needed`: 401
   * when nobody is signed in (or no user exists yet), 403 when the role is too low.
   */
  async authorize(headers: Headers, needed: Role): Promise<Authorization> {
    const principal = await this.authenticate(headers);
    if (!principal) {
      if (!(await this.hasUsers())) {
        return { ok: false, status: 401, reason: 'No user exists yet: create the first admin at /setup or with `cc-bridge users add NAME --role admin --password-stdin`' };
      }
      const reason = headers.has('authorization') ? 'The API token is not valid (unknown, revoked or mistyped)' : 'Not signed in: sign in at /sign-in';
      return { ok: false, status: 401, reason };
    }
    if (!roleAllows(principal.role, needed)) {
      return { ok: false, status: 403, reason: `${principal.kind === 'token' ? 'This token' : principal.name} has the role ${principal.role}; this needs ${needed}` };
    }
    return { ok: true, principal };
  }

  /** Adds a user with a password (hashed with scrypt by better-auth; the password is not kept). */
  async addUser(input: NewUserInput): Promise<UserSummary> {
    const parsed = newUserInput.safeParse(input);
    if (!parsed.success) throw invalid('user', parsed.error);
    const { name, role, password } = parsed.data;
    if ((await this.#prisma.user.count({ where: { username: name } })) > 0) throw new CcBridgeError('NAME_TAKEN', `A user named ${name} already exists`);
    const context = await this.auth.$context;
    const hash = await context.password.hash(password);
    try {
      const user = await context.internalAdapter.createUser({ name, email: `${name}@users.cc-bridge.invalid`, emailVerified: false, username: name, displayUsername: name, role }, { method: 'admin' });
      await context.internalAdapter.linkAccount({ userId: user.id, providerId: 'credential', accountId: user.id, password: hash });
      await this.#audit({ action: 'user-add', target: `user:${name}`, changes: { role: { before: null, after: role } } });
      return { name, role, createdAt: user.createdAt, tokens: 0 };
    } catch (error) {
      if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2002') {
        throw new CcBridgeError('NAME_TAKEN', `A user named ${name} already exists`);
      }
      throw error;
    }
  }

  /**
   * The first admin, from the setup page: only while no user exists. Two setups at once: the one
   * created second finds an older user, removes itself and is refused (NAME_TAKEN / CONFLICT).
   */
  async addFirstAdmin(input: Omit<NewUserInput, 'role'>): Promise<UserSummary> {
    if ((await this.countUsers()) > 0) throw new CcBridgeError('CONFLICT', 'Setup is done: a user exists already; sign in instead');
    const user = await this.addUser({ ...input, role: 'admin' });
    const first = await this.#prisma.user.findFirst({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { username: true } });
    if (first?.username !== user.name) {
      await this.#prisma.user.delete({ where: { username: user.name } });
      throw new CcBridgeError('CONFLICT', 'Setup is done: a user exists already; sign in instead');
    }
    return user;
  }

  /** Every user, by name. */
  async listUsers(): Promise<UserSummary[]> {
    const users = await this.#prisma.user.findMany({ orderBy: { username: 'asc' }, include: { _count: { select: { apikeys: true } } } });
    return users.map((user) => ({ name: user.username ?? user.name, role: asRole(user.role), createdAt: user.createdAt, tokens: user._count.apikeys }));
  }

  /** Removes a user with their sessions, password and tokens (foreign keys cascade). */
  async removeUser(name: string): Promise<void> {
    const parsed = userName.safeParse(name);
    if (!parsed.success) throw invalid('name', parsed.error);
    await this.#prisma.$transaction(async (tx) => {
      const user = await tx.user.findUnique({ where: { username: parsed.data }, select: { role: true } });
      if (!user) throw new CcBridgeError('NOT_FOUND', `No user named ${parsed.data}`);
      await tx.user.delete({ where: { username: parsed.data } });
      await this.#audit({ action: 'user-remove', target: `user:${parsed.data}`, changes: { role: { before: user.role, after: null } } }, tx);
    });
  }

  /**
   * Creates an API token for `user` with `role` (default the user's own; never above it), named
   * `name` (1–32 characters; default the user's name), expiring after `expiresInDays` (1–365;
   * default never). Only a SHA-256 of the token is stored: the answer is the one time it is known.
   * INVALID_INPUT (with field errors) for bad input or a role above the user's; NOT_FOUND for no such user.
   */
  async createToken(input: NewTokenInput): Promise<CreatedToken> {
    const parsed = newTokenInput.safeParse(input);
    if (!parsed.success) throw invalid('token', parsed.error);
    const user = await this.#prisma.user.findUnique({ where: { username: parsed.data.user } });
    if (!user) throw new CcBridgeError('NOT_FOUND', `No user named ${parsed.data.user}`);
    const userRole = asRole(user.role);
    const role = parsed.data.role ?? userRole;
    if (!roleAllows(userRole, role)) {
      throw new CcBridgeError('INVALID_INPUT', `role ${role} is above ${parsed.data.user}'s role ${userRole}`, { fieldErrors: { role: [`at most ${userRole}`] } });
    }
    const name = parsed.data.name ?? parsed.data.user;
    const expiresIn = parsed.data.expiresInDays === undefined ? null : parsed.data.expiresInDays * 24 * 60 * 60;
    const created = await this.auth.api.createApiKey({ body: { userId: user.id, name, expiresIn, metadata: { role } } });
    const expiresAt = created.expiresAt === null ? null : new Date(created.expiresAt);
    await this.#audit({
      action: 'token-create',
      target: `token:${parsed.data.user}/${created.id}`,
      changes: { role: { before: null, after: role }, name: { before: null, after: name }, ...(expiresAt ? { expiresAt: { before: null, after: expiresAt.toISOString() } } : {}) },
    });
    return { id: created.id, name, user: parsed.data.user, role, token: created.key, createdAt: new Date(created.createdAt), expiresAt };
  }

  /** The API tokens (never the token) of `user`, or of everyone when omitted; newest first. */
  async listTokens(filter: { user?: string } = {}): Promise<TokenSummary[]> {
    const tokens = await this.#prisma.apikey.findMany({
      where: filter.user === undefined ? {} : { user: { username: filter.user } },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      include: { user: { select: { username: true, name: true } } },
    });
    return tokens.map((token) => {
      const user = token.user.username ?? token.user.name;
      return {
        id: token.id,
        name: token.name ?? user,
        user,
        role: this.#tokenRole(token.metadata),
        start: token.start,
        createdAt: token.createdAt,
        lastUsedAt: token.lastRequest,
        expiresAt: token.expiresAt,
      };
    });
  }

  /**
   * Revokes (deletes) a token: it is refused from the next request on. With `owner`, only a token
   * of that user (anyone else's is NOT_FOUND, as if it did not exist: its id says nothing).
   */
  async revokeToken(id: string, scope: { owner?: string } = {}): Promise<void> {
    await this.#prisma.$transaction(async (tx) => {
      const token = await tx.apikey.findUnique({ where: { id }, select: { user: { select: { username: true, name: true } } } });
      if (!token || (scope.owner !== undefined && token.user.username !== scope.owner)) throw new CcBridgeError('NOT_FOUND', `No API token with id ${id}`);
      await tx.apikey.delete({ where: { id } });
      await this.#audit({ action: 'token-revoke', target: `token:${token.user.username ?? token.user.name}/${id}` }, tx);
    });
  }

  /**
   * Signs a user in with username and password. Each failure for a username waits
   * `delayPerFailureMs` × its failures so far before answering; the `failures`-th locks the
   * username for `lockMs` (refused without checking the password). Success clears the count.
   */
  async signIn(input: { username: string; password: string }, headers: Headers): Promise<SignInResult> {
    const name = input.username.trim().toLowerCase();
    const refused: SignInResult = { ok: false, reason: 'Wrong username or password' };
    if (!userName.safeParse(name).success || input.password.length === 0) return refused;
    const throttle = await this.#prisma.signInThrottle.findUnique({ where: { username: name } });
    const now = Date.now();
    if (throttle?.lockedUntil && throttle.lockedUntil.getTime() > now) {
      const seconds = Math.ceil((throttle.lockedUntil.getTime() - now) / 1000);
      return { ok: false, reason: `Too many failed sign-ins for ${name}: try again in ${String(seconds)} s` };
    }
    try {
      const { headers: answer } = await this.auth.api.signInUsername({ body: { username: name, password: input.password }, headers, returnHeaders: true });
      await this.#prisma.signInThrottle.deleteMany({ where: { username: name } });
      return { ok: true, headers: answer };
    } catch (error) {
      if (!isAPIError(error)) throw error;
      const { failures } = await this.#prisma.signInThrottle.upsert({
        where: { username: name },
        create: { username: name, failures: 1 },
        update: { failures: { increment: 1 } },
      });
      if (failures >= signInLimit.failures) {
        await this.#prisma.signInThrottle.update({ where: { username: name }, data: { failures: 0, lockedUntil: new Date(now + signInLimit.lockMs) } });
        return { ok: false, reason: `Too many failed sign-ins for ${name}: try again in ${String(signInLimit.lockMs / 1000)} s` };
      }
      await sleep(signInLimit.delayPerFailureMs * failures);
      return refused;
    }
  }

  /** Ends the session of `headers`' cookie; the answer's headers clear the cookie. */
  async signOut(headers: Headers): Promise<Headers> {
    const { headers: answer } = await this.auth.api.signOut({ headers, returnHeaders: true });
    return answer;
  }

  /**
   * Who `headers` come from: `Authorization: Bearer TOKEN` (checked against the stored hashes;
   * its role capped at its user's current one), else the session cookie. Null when neither holds.
   */
  async authenticate(headers: Headers): Promise<Principal | null> {
    const authorization = headers.get('authorization');
    if (authorization !== null) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match?.[1]) return null;
      const result = await this.auth.api.verifyApiKey({ body: { key: match[1] } });
      if (!result.valid || !result.key) return null;
      const user = await this.#prisma.user.findUnique({ where: { id: result.key.referenceId } });
      if (!user) return null;
      const name = user.username ?? user.name;
      const role = lowerRole(this.#tokenRole(JSON.stringify(result.key.metadata ?? null)), asRole(user.role));
      return { kind: 'token', name, role, actor: `token:${name}/${result.key.id}` };
    }
    // Read only: extending a session is renewSession's, whose caller hands the browser the new cookie.
    return this.#sessionPrincipal(await this.auth.api.getSession({ headers, query: { disableRefresh: true } }));
  }

  /**
   * Authenticates the session cookie of `headers` and extends a session in use: once `updateAge`
   * of its lifetime has passed (auth.ts: a day of a week), its expiry moves to a full lifetime
   * from now, in the database and in `setCookie` (the cookie's new Max-Age), which the caller
   * must put on its response, or the browser drops the cookie when the old Max-Age runs out.
   * An expired or unknown session: no principal (and `setCookie` clears the cookie).
   */
  async renewSession(headers: Headers): Promise<RenewedSession> {
    const { headers: answer, response } = await this.auth.api.getSession({ headers, returnHeaders: true });
    return { principal: this.#sessionPrincipal(response), setCookie: answer.getSetCookie() };
  }

  #sessionPrincipal(session: { user: { username?: string | null; name: string; role: string } } | null): Principal | null {
    if (!session) return null;
    const name = session.user.username ?? session.user.name;
    return { kind: 'user', name, role: asRole(session.user.role), actor: `user:${name}` };
  }

  #tokenRole(metadata: string | null): Role {
    try {
      const parsed = tokenMetadata.safeParse(JSON.parse(metadata ?? 'null'));
      return parsed.success ? parsed.data.role : 'viewer';
    } catch {
      return 'viewer';
    }
  }
}
