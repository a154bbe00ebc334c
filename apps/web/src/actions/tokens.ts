'use server';

import { CcBridgeError, roleAllows, roles, type AuthService, type CreatedToken, type Principal } from '@cc-bridge/core';
import { z } from 'zod';
import { getBridge } from '@/lib/bridge';
import { requestActor } from '@/lib/request-actor';
import { defineAction } from './safe-action';

/** Core's AuthService acting as the caller, so the audit log names who created or revoked a token. */
async function authAs(principal: Principal): Promise<AuthService> {
  return (await (await getBridge()).auth()).as(await requestActor(principal));
}

/** The caller of a non-`anyone` action: defineAction has checked there is one. */
function caller(principal: Principal | null): Principal {
  if (!principal) throw new CcBridgeError('UNAUTHENTICATED', 'Not signed in: sign in at /sign-in');
  return principal;
}

/**
 * Creates an API token for the caller (any role): named, with a role at most the caller's own (a
 * token's caller: at most that token's role), expiring after `expiresInDays` or never. Core checks
 * the name, role and days (INVALID_INPUT with field errors) and records token-create. The answer
 * is the one time the token is known.
 */
export const createOwnTokenAction = defineAction(
  'viewer',
  z.strictObject({ name: z.string().max(64), role: z.enum(roles), expiresInDays: z.number().int().min(-1_000_000).max(1_000_000).nullable() }),
  async ({ name, role, expiresInDays }, { principal }): Promise<CreatedToken> => {
    const self = caller(principal);
    if (!roleAllows(self.role, role)) {
      throw new CcBridgeError('INVALID_INPUT', `role ${role} is above your role ${self.role}`, { fieldErrors: { role: [`at most ${self.role}`] } });
    }
    return (await authAs(self)).createToken({ user: self.name, name, role, ...(expiresInDays === null ? {} : { expiresInDays }) });
  },
);

/** Revokes an API token of the caller's; an admin may revoke anyone's. Another's token is NOT_FOUND to a non-admin. */
export const revokeOwnTokenAction = defineAction('viewer', z.strictObject({ id: z.string().min(1).max(128) }), async ({ id }, { principal }) => {
  const self = caller(principal);
  await (await authAs(self)).revokeToken(id, roleAllows(self.role, 'admin') ? {} : { owner: self.name });
  return { id };
});
