import { roles, roleAllows, type Role } from '@cc-bridge/core/roles';

/** Who made a request: a signed-in user (session cookie) or an API token (Authorization: Bearer). */
export interface Principal {
  kind: 'user' | 'token';
  name: string;
  role: Role;
  /** audit actor: 'user:NAME' or 'token:NAME/<token id>' */
  actor: string;
}

export type Authorization = { ok: true; principal: Principal } | { ok: false; status: 401 | 403; reason: string };

/**
 * PLACEHOLDER until the auth branch lands (the lead replaces this file with the real one at
 * merge): there are no users or tokens yet. No `Authorization` header is 401; `Authorization:
 * Bearer test-<role>` is a token of that role named `test`; anything else is 401. A role weaker
 * than `needed` is 403.
 *
 * Authenticates `headers` (cookie or bearer token) and checks the principal holds `needed`.
 */
export function authorize(headers: Headers, needed: Role): Promise<Authorization> {
  const header = headers.get('authorization');
  if (header === null) return Promise.resolve({ ok: false, status: 401, reason: 'sign in or send a bearer token' });
  const role = roles.find((candidate) => header === `Bearer test-${candidate}`);
  if (role === undefined) return Promise.resolve({ ok: false, status: 401, reason: 'the bearer token is not valid' });
  if (!roleAllows(role, needed)) return Promise.resolve({ ok: false, status: 403, reason: `this needs the ${needed} role; the token has ${role}` });
  return Promise.resolve({ ok: true, principal: { kind: 'token', name: 'test', role, actor: 'token:test/test' } });
}
