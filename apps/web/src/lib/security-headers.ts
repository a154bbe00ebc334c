/**
 * Headers every response carries, page or asset, served or refused. The Content-Security-Policy
 * allows only this origin's files and the inline scripts Next.js stamps with the request's nonce
 * (it reads the nonce back from this header on the request, so every page renders per request),
 * which keeps an injected script from running; `frame-ancestors 'none'` and X-Frame-Options keep
 * other sites from framing the dashboard to trick a click.
 */
export function contentSecurityPolicy(nonce: string, isDevelopment: boolean): string {
  const directives = [
    "default-src 'self'",
    // 'strict-dynamic': the chunks a nonced script loads are trusted; no host list to keep up.
    // React's development build evaluates code for its error overlay; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDevelopment ? " 'unsafe-eval'" : ''}`,
    // Tailwind's output is a stylesheet file; Next.js nonces what it inlines. The development
    // server injects styles for hot reloading without a nonce.
    `style-src 'self' ${isDevelopment ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    // Tailwind draws some controls with data: SVGs.
    "img-src 'self' data:",
    "font-src 'self'",
    // Same origin covers fetches, server actions and (CSP level 3) WebSockets to this host.
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ];
  return directives.join('; ');
}

/** Browser features the dashboard never uses, refused to it and to anything it might embed. */
const permissionsPolicy = [
  'accelerometer=()',
  'autoplay=()',
  'browsing-topics=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'hid=()',
  'idle-detection=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'publickey-credentials-get=()',
  'screen-wake-lock=()',
  'serial=()',
  'usb=()',
  'xr-spatial-tracking=()',
].join(', ');

/** Every security header for one response; `nonce` is the one the request's CSP names. */
export function securityHeaders(nonce: string, isDevelopment: boolean) {
  return {
    'Content-Security-Policy': contentSecurityPolicy(nonce, isDevelopment),
    // For browsers that predate frame-ancestors.
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    // Instance names and filters are in URLs: they stay within the dashboard.
    'Referrer-Policy': 'same-origin',
    'Permissions-Policy': permissionsPolicy,
    // A page another site opens cannot reach back into this one through window.opener, and
    // another site cannot embed these responses (scripts, images) in its pages.
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}
