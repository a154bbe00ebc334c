import { CcBridgeError } from '../errors.ts';

/** Where a team server is, as the remote client uses it, and what to warn of before the first request. */
export interface ServerAddress {
  /** The server's base URL without a trailing slash: `https://cc.example.com`, `http://127.0.0.1:3000/bridge`. */
  base: string;
  /** Set for plain http to a host that is not loopback with `insecure`: the token crosses the network in clear. */
  warning: string | null;
}

const loopbackV4 = /^127(\.\d{1,3}){3}$/;

/** Whether a URL's host (`URL.hostname`: brackets kept for IPv6) is this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || loopbackV4.test(host);
}

/**
 * Checks a team server's URL before any token is sent to it. https anywhere and http to a loopback
 * host are fine; http to any other host would carry the bearer token in clear, so it is refused
 * (CONFIG_INVALID) unless `insecure`, and then answered with a warning. A URL that is not http(s),
 * or carries credentials, a query or a fragment, is CONFIG_INVALID too.
 */
export function checkServerUrl(text: string, options: { insecure: boolean }): ServerAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CcBridgeError('CONFIG_INVALID', `--server ${text}: not a URL (use https://HOST or http://127.0.0.1:PORT)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CcBridgeError('CONFIG_INVALID', `--server ${text}: must be an http:// or https:// URL`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new CcBridgeError('CONFIG_INVALID', `--server ${text}: give the server's address only (no user, query or fragment); the token comes from CC_BRIDGE_TOKEN, [server] or --token-stdin`);
  }
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  if (url.protocol === 'https:' || isLoopbackHost(url.hostname)) return { base, warning: null };
  if (!options.insecure) {
    throw new CcBridgeError(
      'CONFIG_INVALID',
      `--server ${base}: plain http to another host would send the token in clear; use https (a reverse proxy with TLS), or pass --insecure on a network you trust`,
    );
  }
  return { base, warning: `${base} is plain http: the token and every answer cross the network unencrypted (--insecure)` };
}
