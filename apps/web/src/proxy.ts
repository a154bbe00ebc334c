import { randomBytes } from 'node:crypto';
import { loadConfig } from '@cc-bridge/core/config';
import { createLogger, type Logger } from '@cc-bridge/core/logger';
import { checkRequest } from '@cc-bridge/core/request-guard';
import { NextResponse, type NextRequest } from 'next/server';
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

/**
 * Runs before every request (no matcher: pages, route handlers, server actions, assets): refuses
 * what the request guard refuses, with a one-line reason and before anything renders or acts,
 * and puts the security headers on every response, with a fresh CSP nonce for Next.js to stamp
 * on its inline scripts.
 */
export function proxy(request: NextRequest): NextResponse {
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

  // Next.js finds the nonce in the request's CSP header and puts it on the scripts it renders.
  const forwarded = new Headers(headers);
  forwarded.set('Content-Security-Policy', responseHeaders['Content-Security-Policy']);
  return withHeaders(NextResponse.next({ request: { headers: forwarded } }), responseHeaders);
}

function withHeaders(response: NextResponse, headers: Record<string, string>): NextResponse {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
