'use server';

import { headers } from 'next/headers';
import { z } from 'zod';
import { getBridge } from '@/lib/bridge';
import { applyAuthCookies } from '@/lib/auth/session-cookie';
import { defineAction } from './safe-action';

/**
 * Signs in with username and password and sets the session cookie. Open to anyone (it is how one
 * becomes someone); core slows and then locks a username after failed tries. A refusal is
 * `{ signedIn: false, reason }`, never which of the two was wrong.
 */
export const signInAction = defineAction(
  'anyone',
  z.strictObject({ username: z.string().max(64), password: z.string().max(256) }),
  async (credentials): Promise<{ signedIn: true } | { signedIn: false; reason: string }> => {
    const auth = await (await getBridge()).auth();
    const result = await auth.signIn(credentials, await headers());
    if (!result.ok) return { signedIn: false, reason: result.reason };
    await applyAuthCookies(result.headers);
    return { signedIn: true };
  },
);
