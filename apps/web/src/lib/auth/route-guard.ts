import type { Role } from '@cc-bridge/core/auth/roles';
import { authorize, type Principal } from './authorize';

/**
 * Wraps a route handler so that it runs only for a caller holding `needed` (session cookie or
 * bearer token); anyone else gets 401 or 403 with `{ error: { code, message } }`, the message a
 * one-line reason. Every route handler (src/app/**\/route.ts) is defined through it.
 */
export function withRole<Rest extends unknown[]>(
  needed: Role,
  handler: (request: Request, context: { principal: Principal }, ...rest: Rest) => Promise<Response>,
): (request: Request, ...rest: Rest) => Promise<Response> {
  return async (request, ...rest) => {
    const verdict = await authorize(request.headers, needed);
    if (!verdict.ok) {
      const code = verdict.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN';
      return Response.json({ error: { code, message: verdict.reason } }, { status: verdict.status, headers: { 'Cache-Control': 'no-store' } });
    }
    return handler(request, { principal: verdict.principal }, ...rest);
  };
}
