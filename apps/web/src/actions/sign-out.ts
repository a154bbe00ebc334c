'use server';

import { headers } from 'next/headers';
import { z } from 'zod';
import { getBridge } from '@/lib/bridge';
import { applyAuthCookies } from '@/lib/auth/session-cookie';
import { defineAction } from './safe-action';

/** Ends the caller's session (its row goes) and clears the cookie. */
export const signOutAction = defineAction('viewer', z.object({}), async () => {
  const auth = await (await getBridge()).auth();
  await applyAuthCookies(await auth.signOut(await headers()));
  return { signedOut: true };
});
