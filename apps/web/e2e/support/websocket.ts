import { request as httpRequest } from 'node:http';
import { storageStates } from './env';
import { cookieHeader } from './sessions';

/**
 * Sends a WebSocket handshake for `path` (with its query) to the server at `baseURL` from Node,
 * with exactly `headers` on top of the handshake's own and the main server's admin session
 * (`Cookie: ''` sends none); resolves with the HTTP status (101 when accepted), so a test sees what
 * the upgrade guard answers a client that is not the dashboard's page.
 */
export function handshakeStatus(baseURL: string, path: string, headers: Record<string, string>): Promise<number> {
  const url = new URL(baseURL);
  const all: Record<string, string> = { Cookie: cookieHeader(storageStates.main), ...headers };
  if (all.Cookie === '') delete all.Cookie;
  return new Promise((resolve, reject) => {
    const request = httpRequest({
      host: url.hostname,
      port: url.port,
      path,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...all },
    });
    request.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.statusCode ?? 0);
    });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}
