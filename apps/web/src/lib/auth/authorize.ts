import type { Authorization, Principal } from '@cc-bridge/core';
import type { Role } from '@cc-bridge/core/auth/roles';
import { getBridge } from '@/lib/bridge';

export type { Authorization, Principal };

/**
 * Authenticates `headers` (cookie or bearer token) and checks the principal holds `needed`.
 * Who a request comes from: a signed-in user (session cookie) or an API token (Authorization:
 * Bearer), the token's role capped at its user's current one; 401 signed out (or no user yet),
 * 403 role too low, each with a one-line reason. Core does the work (AuthService.authorize).
 */
export async function authorize(headers: Headers, needed: Role): Promise<Authorization> {
  return (await (await getBridge()).auth()).authorize(headers, needed);
}
