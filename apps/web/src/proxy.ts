import { randomBytes } from 'node:crypto';
import { loadConfig } from '@cc-bridge/core/config';
import { createLogger, type Logger } from '@cc-bridge/core/logger';
import type { AuthService, Principal, RenewedSession } from '@cc-bridge/core';
import { checkRequest } from '@cc-bridge/core/request-guard';
import { NextResponse, type NextRequest } from 'next/server';
import { getBridge } from '@/lib/bridge';
import { securityHeaders } from '@/lib/security-headers';

// Next.js runs the proxy on Node.js (its default since 16), so it reads the same configuration
// as the rest of the server: one source for the allowed hosts.
interface GuardSettings {
  allowedHosts: readonly string[];
  logger: Logger;
}
let settings: GuardSettings | undefined;

function guardSettings(): GuardSettings {
  if (!settings) {
    try {
      const config = loadConfig();
      settings = { allowedHosts: config.web.allowedHosts, logger: createLogger(config.logLevel) };
    } catch (error) {
      // The pages report the configuration error; meanwhile serve the loopback names only.
      settings = { allowedHosts: [], logger: createLogger('warn') };
      settings.logger.error('the configuration cannot be read; the dashboard answers to loopback names only', { error: String(error) });
    }
  }
  return settings;
}

/** Whether a request is for a page (not a route handler, a server action or a static file). */
function isPageRequest(request: NextRequest): boolean {
  const { pathname } = request.nextUrl;
  return !pathname.startsWith('/api/') && !pathname.startsWith('/_next/') && !request.headers.has('next-action') && !/\.[A-Za-z0-9]+$/.test(pathname);
}

/**
 * Where a page request must go instead: with no user yet every page goes to /setup (the server
 * listens on loopback only then); with users /setup goes to /sign-in, and a page without a valid
 * session (`principal`, or an API token) goes to /sign-in?next=PATH. Null: serve it. Route
 * handlers and server actions check the caller themselves (route-guard.ts, safe-action.ts) and
 * answer 401/403 instead.
 */
async function signInRedirect(request: NextRequest, auth: AuthService, principal: Principal | null): Promise<{ pathname: string; search: string } | null> {
  if (!isPageRequest(request)) return null;
  const { pathname, search } = request.nextUrl;
  if (!(await auth.hasUsers())) return pathname === '/setup' ? null : { pathname: '/setup', search: '' };
  if (pathname === '/setup') return { pathname: '/sign-in', search: '' };
  if (pathname === '/sign-in' || principal !== null) return null;
  if (request.headers.has('authorization') && (await auth.authenticate(request.headers)) !== null) return null;
  return { pathname: '/sign-in', search: `?next=${encodeURIComponent(pathname + search)}` };
}

/** Core's AuthService, or null when the registry cannot be opened (the page says why, and shows nothing of it). */
async function openAuth(): Promise<AuthService | null> {
  try {
    return await (await getBridge()).auth();
  } catch {
    return null;
  }
}

/**
 * The session cookie's user, the session extended when due (AuthService.renewSession): every
 * request but a static file's renews, so whatever a signed-in browser does (a page, a server
 * action, an event stream) keeps the session alive, and this is the one place that renews, so the
 * new cookie always reaches the browser (see `proxy`). Null without a cookie or with a bearer token.
 */
async function renewedSession(request: NextRequest, auth: AuthService | null): Promise<RenewedSession | null> {
  const isStatic = request.nextUrl.pathname.startsWith('/_next/static/') || /\.[A-Za-z0-9]+$/.test(request.nextUrl.pathname);
  if (!auth || isStatic || !request.headers.has('cookie') || request.headers.has('authorization')) return null;
  return auth.renewSession(request.headers);
}

/**
 * Runs before every request (no matcher: pages, route handlers, server actions, assets): refuses
 * what the request guard refuses, with a one-line reason and before anything renders or acts,
 * renews the session of a signed-in browser (renewedSession), sends signed-out page requests to
 * /sign-in (or /setup, see signInRedirect), and puts the
 * security headers on every response, with a fresh CSP nonce for Next.js to stamp on its inline scripts.
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const { allowedHosts, logger } = guardSettings();
  const headers = request.headers;
  const verdict = checkRequest(
    {
      method: request.method,
      host: headers.get('host'),
      origin: headers.get('origin'),
      secFetchSite: headers.get('sec-fetch-site'),
      secFetchMode: headers.get('sec-fetch-mode'),
      secFetchDest: headers.get('sec-fetch-dest'),
      isServerAction: headers.has('next-action'),
      isWebSocket: headers.get('upgrade')?.toLowerCase() === 'websocket',
      hasBearerToken: /^bearer\s/i.test(headers.get('authorization') ?? ''),
      isApi: request.nextUrl.pathname.startsWith('/api/v1/'),
    },
    allowedHosts,
  );
  const nonce = randomBytes(16).toString('base64');
  const responseHeaders = securityHeaders(nonce, process.env.NODE_ENV === 'development');

  if (!verdict.allowed) {
    logger.warn('refused a request', { method: request.method, path: request.nextUrl.pathname, status: verdict.status, reason: verdict.reason });
    return new NextResponse(`${verdict.reason}\n`, {
      status: verdict.status,
      headers: { ...responseHeaders, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }

  const { pathname } = request.nextUrl;
  if (pathname.length > 1 && pathname.endsWith('/')) {
    // Only the path changes, so the redirect cannot leave this host. (A plain URL: NextURL
    // would put the trailing slash back.)
    const target = new URL(request.url);
    target.pathname = pathname.replace(/\/+$/, '');
    return withHeaders(NextResponse.redirect(target, 308), responseHeaders);
  }

  const auth = await openAuth();
  const session = await renewedSession(request, auth);
  const signInTarget = auth === null ? null : await signInRedirect(request, auth, session?.principal ?? null);
  let response: NextResponse;
  if (signInTarget !== null) {
    const target = new URL(request.url);
    target.pathname = signInTarget.pathname;
    target.search = signInTarget.search;
    response = NextResponse.redirect(target, 307);
  } else {
    // Next.js finds the nonce in the request's CSP header and puts it on the scripts it renders.
    const forwarded = new Headers(headers);
    forwarded.set('Content-Security-Policy', responseHeaders['Content-Security-Policy']);
    response = NextResponse.next({ request: { headers: forwarded } });
  }
  // A renewed session's cookie (new Max-Age), or an ended one's removal: Next.js puts it on the final response.
  for (const line of session?.setCookie ?? []) response.headers.append('Set-Cookie', line);
  return withHeaders(response, responseHeaders);
}

function withHeaders(response: NextResponse, headers: Record<string, string>): NextResponse {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
