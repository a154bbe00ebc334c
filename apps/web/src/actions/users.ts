'use server';

import { CcBridgeError, roles, type AuthService, type Principal } from '@cc-bridge/core';
import { z } from 'zod';
import { getBridge } from '@/lib/bridge';
import { requestActor } from '@/lib/request-actor';
import { defineAction } from './safe-action';

/** Core's AuthService acting as the caller, so the audit log names who changed users and tokens. */
async function authAs(principal: Principal | null): Promise<AuthService> {
  return (await (await getBridge()).auth()).as(await requestActor(principal));
}

/** Adds a user (admin only); core answers INVALID_INPUT with field errors, or NAME_TAKEN. */
export const addUserAction = defineAction(
  'admin',
  z.strictObject({ name: z.string().max(64), role: z.enum(roles), password: z.string().max(256) }),
  async (input, { principal }) => (await authAs(principal)).addUser(input),
);

/** Removes a user with their sessions and tokens (admin only); never the caller themselves. */
export const removeUserAction = defineAction('admin', z.strictObject({ name: z.string().max(64) }), async ({ name }, { principal }) => {
  if (principal?.name === name) throw new CcBridgeError('INVALID_INPUT', 'You cannot remove yourself');
  await (await authAs(principal)).removeUser(name);
  return { name };
});

/** Creates an API token for a user with a role at most theirs (admin only); the answer is the one time the token is known. */
export const createTokenAction = defineAction(
  'admin',
  z.strictObject({ user: z.string().max(64), role: z.enum(roles) }),
  async (input, { principal }) => (await authAs(principal)).createToken(input),
);

/** Revokes an API token by id (admin only). */
export const revokeTokenAction = defineAction('admin', z.strictObject({ id: z.string().min(1).max(128) }), async ({ id }, { principal }) => {
  await (await authAs(principal)).revokeToken(id);
  return { id };
});
