import { randomBytes } from 'node:crypto';
import { loadConfig } from '@cc-bridge/core/config';
import { createLogger, type Logger } from '@cc-bridge/core/logger';
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
 * session goes to /sign-in?next=PATH. Null: serve it. Route handlers and server actions check
 * the caller themselves (route-guard.ts, safe-action.ts) and answer 401/403 instead.
 */
async function signInRedirect(request: NextRequest): Promise<{ pathname: string; search: string } | null> {
  if (!isPageRequest(request)) return null;
  const { pathname, search } = request.nextUrl;
  let auth;
  try {
    auth = await (await getBridge()).auth();
  } catch {
    // The registry cannot be opened: the page says why, and shows nothing of it.
    return null;
  }
  if (!(await auth.hasUsers())) return pathname === '/setup' ? null : { pathname: '/setup', search: '' };
  if (pathname === '/setup') return { pathname: '/sign-in', search: '' };
  if (pathname === '/sign-in' || (await auth.authenticate(request.headers)) !== null) return null;
  return { pathname: '/sign-in', search: `?next=${encodeURIComponent(pathname + search)}` };
}

/**
 * Runs before every request (no matcher: pages, route handlers, server actions, assets): refuses
 * what the request guard refuses, with a one-line reason and before anything renders or acts,
 * sends signed-out page requests to /sign-in (or /setup, see signInRedirect), and puts the
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

  const signInTarget = await signInRedirect(request);
  if (signInTarget !== null) {
    const target = new URL(request.url);
    target.pathname = signInTarget.pathname;
    target.search = signInTarget.search;
    return withHeaders(NextResponse.redirect(target, 307), responseHeaders);
  }

  // Next.js finds the nonce in the request's CSP header and puts it on the scripts it renders.
  const forwarded = new Headers(headers);
  forwarded.set('Content-Security-Policy', responseHeaders['Content-Security-Policy']);
  return withHeaders(NextResponse.next({ request: { headers: forwarded } }), responseHeaders);
}

function withHeaders(response: NextResponse, headers: Record<string, string>): NextResponse {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
