import { parseSetCookieHeader, toCookieOptions } from 'better-auth/cookies';
import { cookies } from 'next/headers';

/**
 * Puts the cookies of a better-auth answer (sign-in sets the session cookie, sign-out clears it)
 * on the response of the running server action, with their attributes (HttpOnly, SameSite=Lax,
 * Max-Age; Secure when the dashboard's URL is https).
 */
export async function applyAuthCookies(answer: Headers): Promise<void> {
  const setCookie = answer.get('set-cookie');
  if (!setCookie) return;
  const store = await cookies();
  for (const [name, attributes] of parseSetCookieHeader(setCookie)) {
    store.set(name, attributes.value, toCookieOptions(attributes));
  }
}
