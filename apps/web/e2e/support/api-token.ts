import type { Role } from '@cc-bridge/core/roles';

/**
 * A bearer token of `role` for /api/v1: the ONE place tests and bench/api-load.ts get a token.
 * Until the auth branch lands, the placeholder authorize() reads `test-<role>` as a token of that
 * role; afterwards only this function changes (create a user of the role and a token for it, as
 * `cc-bridge tokens create` does), and every caller keeps working.
 */
export function apiToken(role: Role): Promise<string> {
  return Promise.resolve(`test-${role}`);
}

/** The headers that carry `token`, as curl would send them (no Origin, no Sec-Fetch-*). */
export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}
