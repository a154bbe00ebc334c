/**
 * Who may talk to the dashboard. Listening on 127.0.0.1 is not a boundary: any web page the user
 * visits can send requests there, and after DNS rebinding (the attacker's name answering with
 * 127.0.0.1) the browser even treats them as the attacker's own origin. This module decides, from
 * the request's headers alone, whether a request comes from the dashboard's own pages; the web
 * app's proxy calls it for every request, and a WebSocket upgrade handler calls it the same way.
 *
 * Port rule: a loopback name (127.0.0.1, localhost, [::1]) is accepted as Host on any port, since
 * a browser only sends such a Host when it was itself pointed at this machine (a forwarded port,
 * `ssh -L 8080:127.0.0.1:3000`, is common). An Origin, though, must name the very host and port
 * the request went to: another local web server (a dev server running third-party scripts on
 * localhost:5173) is another origin and may not drive this one. A configured entry names a port to
 * accept only that port, or none to accept any; configured entries are accepted as Origin too,
 * for a reverse proxy that rewrites Host to 127.0.0.1.
 */

/** Host names that only ever reach this machine; always accepted. */
export const loopbackHostNames = ['127.0.0.1', 'localhost', '[::1]'] as const;

/** A host as the allowlist and the Host header spell it: a lower-case name and an optional port. */
export interface HostEntry {
  hostname: string;
  /** null: the entry accepts any port, or the Host header named none. */
  port: number | null;
}

// A DNS name or IPv4 address (letters, digits, `-`, dots between labels), or an IPv6 address in
// brackets; then an optional port. No scheme, user, path or trailing dot: those never belong in a
// Host header, and refusing them keeps `a@b` or `b/.` from being read as `b`.
const hostPattern = /^(?<hostname>\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)(?::(?<port>\d{1,5}))?$/;

/**
 * Reads `host` or `host:port` (a Host header, or an `allowed_hosts` entry), case-insensitively.
 * Returns null for anything else, a port of 0 or above 65535 included.
 */
export function parseHost(text: string): HostEntry | null {
  const match = hostPattern.exec(text.trim().toLowerCase());
  const hostname = match?.groups?.hostname;
  if (!hostname) return null;
  const portText = match.groups?.port;
  if (portText === undefined) return { hostname, port: null };
  const port = Number(portText);
  return port >= 1 && port <= 65535 ? { hostname, port } : null;
}

/** The host and port an Origin header names (`http://a:3000` → a, 3000; the scheme's port when omitted). */
function parseOrigin(origin: string): HostEntry | null {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // An Origin is scheme://host[:port] and nothing more; anything else is not a browser's.
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash || origin.endsWith('/')) return null;
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return parseHost(`${url.hostname}:${port}`);
}

/**
 * Whether `named` (an entry, or a Host header) covers `port`. No port in an entry means any port;
 * no port in a Host header means the scheme's default, which a browser leaves out (80 or 443).
 */
function portCovers(named: number | null, port: number | null, isEntry: boolean): boolean {
  if (named === null) return isEntry || port === null || port === 80 || port === 443;
  return port === null ? named === 80 || named === 443 : named === port;
}

/** Whether a configured entry accepts `host` (a Host header's, or an Origin's with its port filled in). */
function entryAccepts(entry: HostEntry, host: HostEntry): boolean {
  return entry.hostname === host.hostname && portCovers(entry.port, host.port, true);
}

/** Whether an Origin names the host and port the request was sent to (the Host header). */
function isOriginOfHost(origin: HostEntry, host: HostEntry): boolean {
  return origin.hostname === host.hostname && portCovers(host.port, origin.port, false);
}

/** The facts of a request the guard decides on: header values as sent (null when absent). */
export interface GuardedRequest {
  /** GET, POST… (any case). */
  method: string;
  host: string | null;
  origin: string | null;
  /** `Sec-Fetch-Site`: same-origin, same-site, cross-site or none (the browser's own view of the initiator). */
  secFetchSite?: string | null;
  /** `Sec-Fetch-Mode`: navigate for a top-level page load. */
  secFetchMode?: string | null;
  /** `Sec-Fetch-Dest`: document, iframe, script… */
  secFetchDest?: string | null;
  /** True for a Next.js server action (a `Next-Action` header): it acts, whatever the method. */
  isServerAction?: boolean;
  /** True for a WebSocket upgrade: a browser opens one from any page, so it needs an Origin like a change. */
  isWebSocket?: boolean;
  /** True when the request carries `Authorization: Bearer …` (an API token; the route checks it, not the guard). */
  hasBearerToken?: boolean;
  /** True for the REST API (`/api/v1/…`), for programs: its routes answer a missing or bad token themselves (401 JSON). */
  isApi?: boolean;
}

export type GuardVerdict =
  | { allowed: true }
  /** 421 Misdirected Request: a Host this server does not answer to; 403: the request's source may not act. */
  | { allowed: false; status: 421 | 403; reason: string };

const framingDestinations = new Set(['iframe', 'frame', 'embed', 'object', 'fencedframe']);
const readOnlyMethods = new Set(['GET', 'HEAD']);

/** Parses the configured `allowed_hosts` entries; config validation has already refused bad ones. */
function configuredEntries(allowedHosts: readonly string[]): HostEntry[] {
  return allowedHosts.map(parseHost).filter((entry): entry is HostEntry => entry !== null);
}

/**
 * Decides whether a request may reach the dashboard, before any page renders or action runs:
 *
 * 1. The Host must be a loopback name or a configured entry (else 421): this is what defeats DNS
 *    rebinding, where the browser sends the attacker's name as Host.
 * 2. Nothing of the dashboard is shown inside a frame (`Sec-Fetch-Dest` iframe, embed…; 403).
 * 3. An Origin, whenever sent, must be the request's own host and port or a configured entry (403).
 * 4. A request another site started (`Sec-Fetch-Site` cross-site or same-site) is refused unless it
 *    is a plain link followed to a page (a top-level GET navigation).
 * 5. A change (any method but GET and HEAD), a server action or a WebSocket upgrade must prove it
 *    comes from the dashboard's pages: an allowed Origin, or failing that `Sec-Fetch-Site:
 *    same-origin`; without either it is refused (403). A GET must never change anything: a GET
 *    without Origin (a same-origin EventSource) is indistinguishable from an `<img src>` elsewhere.
 *    Except a program's request (curl, a script): neither Origin nor `Sec-Fetch-Site`, and a
 *    bearer token or the REST API (`/api/v1`) as its target. A browser sends an Origin with every
 *    change, server action and WebSocket, and may put an Authorization header on another
 *    origin's request only after a CORS preflight this server never grants; the route still
 *    checks the token itself, so a program without one gets the API's own 401, not this 403.
 *
 * `allowedHosts` are the configured extra entries (`[web] allowed_hosts`), `host` or `host:port`.
 */
export function checkRequest(request: GuardedRequest, allowedHosts: readonly string[]): GuardVerdict {
  const configured = configuredEntries(allowedHosts);
  const host = request.host === null ? null : parseHost(request.host);
  if (host === null) {
    return { allowed: false, status: 421, reason: request.host === null ? 'the request names no Host' : `"${request.host}" is not a host name this dashboard answers to` };
  }
  const isLoopback = (loopbackHostNames as readonly string[]).includes(host.hostname);
  if (!isLoopback && !configured.some((entry) => entryAccepts(entry, host))) {
    return { allowed: false, status: 421, reason: `host ${host.hostname} is not allowed: add it to [web] allowed_hosts (CC_BRIDGE_ALLOWED_HOSTS) to serve it` };
  }

  const destination = request.secFetchDest?.toLowerCase();
  if (destination !== undefined && framingDestinations.has(destination)) {
    return { allowed: false, status: 403, reason: 'the dashboard is not shown inside another page' };
  }

  if (request.origin !== null) {
    const origin = parseOrigin(request.origin);
    if (origin === null || !(isOriginOfHost(origin, host) || configured.some((entry) => entryAccepts(entry, origin)))) {
      return { allowed: false, status: 403, reason: `requests from ${request.origin} are not allowed: only the dashboard's own pages may send them` };
    }
  }

  const method = request.method.toUpperCase();
  const site = request.secFetchSite?.toLowerCase();
  if (site === 'cross-site' || site === 'same-site') {
    const isNavigation = readOnlyMethods.has(method) && request.secFetchMode?.toLowerCase() === 'navigate' && (destination === undefined || destination === 'document');
    if (!isNavigation) return { allowed: false, status: 403, reason: 'another site may link to the dashboard, but not send it requests' };
  }

  const acts = !readOnlyMethods.has(method) || request.isServerAction === true || request.isWebSocket === true;
  const isApiCall = request.isApi === true && request.isServerAction !== true && request.isWebSocket !== true;
  const isProgram = (request.hasBearerToken === true || isApiCall) && request.origin === null && site === undefined;
  if (acts && request.origin === null && site !== 'same-origin' && !isProgram) {
    return { allowed: false, status: 403, reason: 'a change needs an Origin header naming the dashboard (browsers send one; other clients must too)' };
  }
  return { allowed: true };
}

/**
 * Whether a listen address reaches this machine only: `localhost`, an IPv4 address in
 * 127.0.0.0/8, or `::1` (bracketed or not, in any spelling, or IPv4-mapped `::ffff:127.x.x.x`).
 * Anything else, the wildcards `0.0.0.0` and `::` and every other name included, can be reached
 * from elsewhere. Spellings are made canonical by the URL parser (`127.1` is 127.0.0.1).
 */
export function isLoopbackAddress(address: string): boolean {
  const text = address.trim().toLowerCase();
  const host = text.includes(':') && !text.startsWith('[') ? `[${text}]` : text;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}/`).hostname;
  } catch {
    return false;
  }
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(hostname)) return hostname.startsWith('127.');
  // ::ffff:127.0.0.0/104, which the URL parser writes as ::ffff:7fXX:XXXX.
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(hostname);
}
