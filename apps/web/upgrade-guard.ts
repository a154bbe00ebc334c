// Who may open a WebSocket on the dashboard's port (the terminal, the output stream), checked
// before the handshake. Next.js runs neither its proxy nor its route handlers for upgrades, so
// server.ts's handlers call this themselves.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { CcBridge } from '@cc-bridge/core';
import type { Role } from '@cc-bridge/core/auth/roles';
import { checkRequest } from '@cc-bridge/core/request-guard';

/** Why a handshake is refused: the HTTP status and a one-line reason. */
export interface Refusal {
  status: number;
  reason: string;
  /**
   * The request itself is fine but its instance cannot be served (no record, not running, the
   * runtime failed): the terminal tells it over the socket, where the page can show it (a
   * browser cannot read a refused handshake's answer), then closes with 4000 + status.
   */
  isTold?: true;
}

function one(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/**
 * Core's request guard exactly as `proxy.ts` calls it, as a WebSocket (an allowed Origin, or
 * `Sec-Fetch-Site: same-origin`, is required; 421/403), then the caller: the session cookie (or
 * a bearer token) must hold `needed` (401 signed out or no user yet, 403 role too low), as
 * `authorize` checks every route handler. `what` names the endpoint in the refusal. `bridge` is
 * the process's registry (503 while it is not open). Null when the handshake may go on.
 */
export async function checkUpgrade(
  request: IncomingMessage,
  allowedHosts: readonly string[],
  what: string,
  needed: Role,
  bridge: Promise<CcBridge> | undefined,
): Promise<Refusal | null> {
  const headers = request.headers;
  const verdict = checkRequest(
    {
      method: request.method ?? 'GET',
      host: headers.host ?? null,
      origin: headers.origin ?? null,
      secFetchSite: one(headers['sec-fetch-site']),
      secFetchMode: one(headers['sec-fetch-mode']),
      secFetchDest: one(headers['sec-fetch-dest']),
      isWebSocket: true,
    },
    allowedHosts,
  );
  if (!verdict.allowed) return verdict;
  if (!bridge) return { status: 503, reason: 'the registry is not open yet; reload the page' };
  const credentials = new Headers();
  for (const name of ['cookie', 'authorization'] as const) {
    const value = headers[name];
    if (value !== undefined) credentials.set(name, value);
  }
  const authorization = await (await (await bridge).auth()).authorize(credentials, needed);
  if (!authorization.ok) return { status: authorization.status, reason: `${what}: ${authorization.reason}` };
  return null;
}

/** Answers a refused handshake: an HTTP status line and the reason as plain text, then closes the socket. */
export function refuseUpgrade(socket: Duplex, { status, reason }: Refusal): void {
  if (!socket.writable) return;
  const title = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 421: 'Misdirected Request', 503: 'Service Unavailable' }[status] ?? 'Error';
  const body = `${reason}\n`;
  socket.end(`HTTP/1.1 ${String(status)} ${title}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${String(Buffer.byteLength(body))}\r\nConnection: close\r\n\r\n${body}`);
}
