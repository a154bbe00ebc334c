import { headers } from 'next/headers';

/**
 * Who makes the request being handled and from where, for events and the audit log (core's
 * `bridge.as`). For now the actor is `web` (there is no sign-in yet) and the origin the peer's
 * address, which server.ts puts in `X-Forwarded-For` (null when the server did not: `next dev`).
 */
export async function requestActor(): Promise<{ actor: string; origin: string | null }> {
  const forwarded = (await headers()).get('x-forwarded-for');
  const origin = forwarded?.split(',')[0]?.trim().replace(/^::ffff:/, '') || null;
  return { actor: 'web', origin };
}
