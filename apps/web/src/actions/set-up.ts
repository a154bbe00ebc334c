'use server';

import { headers } from 'next/headers';
import { z } from 'zod';
import { getBridge } from '@/lib/bridge';
import { applyAuthCookies } from '@/lib/auth/session-cookie';
import { requestActor } from '@/lib/request-actor';
import { defineAction } from './safe-action';

/**
 * Creates the first admin and signs them in: only while no user exists (core refuses with
 * CONFLICT afterwards), and only reachable then, when the server listens on loopback only.
 */
export const setUpAction = defineAction('anyone', z.strictObject({ username: z.string().max(64), password: z.string().max(256) }), async ({ username, password }) => {
  // The audit log's user-add names the person setting up by the address they came from.
  const auth = (await (await getBridge()).auth()).as(await requestActor(null));
  const user = await auth.addFirstAdmin({ name: username, password });
  const result = await auth.signIn({ username: user.name, password }, await headers());
  if (result.ok) await applyAuthCookies(result.headers);
  return { name: user.name };
});
