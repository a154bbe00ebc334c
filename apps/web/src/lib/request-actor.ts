import type { Principal } from '@cc-bridge/core';
import { headers } from 'next/headers';

/**
 * Who makes the request being handled and from where, for events and the audit log (core's
 * `bridge.as`): the principal's actor (`user:NAME`, `token:NAME/ID`), or `web` for what works
 * signed out (sign-in, setup); the origin is the peer's address (`requestOrigin`).
 */
export async function requestActor(principal: Principal | null): Promise<{ actor: string; origin: string | null }> {
  return { actor: principal?.actor ?? 'web', origin: requestOrigin(await headers()) };
}

/**
 * The peer's address, which server.ts puts in `X-Forwarded-For` (overwriting what the client
 * sent); null when the server did not (`next dev`). An IPv4-mapped IPv6 address reads as IPv4.
 */
export function requestOrigin(headers: Headers): string | null {
  const forwarded = headers.get('x-forwarded-for');
  return forwarded?.split(',')[0]?.trim().replace(/^::ffff:/, '') || null;
}
