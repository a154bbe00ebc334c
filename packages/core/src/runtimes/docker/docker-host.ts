import { CcBridgeError } from '../../errors.ts';

export const defaultDockerSocket = '/var/run/docker.sock';

/**
 * Where the Engine listens, parsed from a DOCKER_HOST value: a socket, a TCP port, or an SSH
 * server whose `docker system dial-stdio` reaches the Engine there (docker-modem's ssh transport).
 */
export type DockerEndpoint = { socketPath: string } | { host: string; port: number } | { ssh: { host: string; port: number; username: string | null } };

/** How an endpoint is reached: `unix`, `tcp` or `ssh`. */
export function dockerHostTransport(endpoint: DockerEndpoint): 'unix' | 'tcp' | 'ssh' {
  return 'socketPath' in endpoint ? 'unix' : 'ssh' in endpoint ? 'ssh' : 'tcp';
}

const supportedForms = 'use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host';

/**
 * `unix:///path`, `tcp://host:port` or `ssh://[user@]host[:port]`; null is the default socket.
 * Anything else throws CONFIG_INVALID naming `setting` (where the value came from, e.g.
 * `DOCKER_HOST`): a value that is not a URL, or a transport cc-bridge does not speak (npipe://, http://).
 */
export function parseDockerHost(dockerHost: string | null, setting = 'docker.host'): DockerEndpoint {
  if (dockerHost === null) return { socketPath: defaultDockerSocket };
  if (dockerHost.startsWith('unix://')) {
    // Taken as written: a URL parser would percent-encode blanks in the path.
    const socketPath = dockerHost.slice('unix://'.length);
    if (socketPath === '') throw invalidHost(setting, dockerHost, 'names no socket path');
    return { socketPath };
  }
  let url: URL;
  try {
    url = new URL(dockerHost);
  } catch (error) {
    throw invalidHost(setting, dockerHost, 'is not a valid URL', error);
  }
  switch (url.protocol) {
    case 'tcp:': {
      // 2375 is the Engine's plain-TCP port; URL drops the port when none is given.
      const port = url.port === '' ? 2375 : Number(url.port);
      // IPv6 hosts come back bracketed from URL; node's http wants them bare.
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      if (host === '') throw invalidHost(setting, dockerHost, 'names no host');
      return { host, port };
    }
    case 'ssh:': {
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      if (host === '') throw invalidHost(setting, dockerHost, 'names no host');
      if (url.pathname !== '' && url.pathname !== '/') throw invalidHost(setting, dockerHost, 'has a path; an ssh:// host is ssh://user@host[:port]');
      return { ssh: { host, port: url.port === '' ? 22 : Number(url.port), username: url.username === '' ? null : decodeURIComponent(url.username) } };
    }
    case 'npipe:':
      throw invalidHost(setting, dockerHost, 'is not supported: Windows named pipes are not available here');
    default:
      throw invalidHost(setting, dockerHost, `is not supported: ${url.protocol}// is not a Docker host transport cc-bridge speaks`);
  }
}

/**
 * The docker CLI's flags for a host's TLS settings (`--tlsverify` or `--tls`, then the CA, client
 * certificate and key files), to follow `-H ENDPOINT` in a command run on a terminal; none without TLS.
 */
export function dockerCliTlsFlags(tls: { ca: string | null; cert: string | null; key: string | null; verify: boolean } | null): string[] {
  if (tls === null) return [];
  return [
    tls.verify ? '--tlsverify' : '--tls',
    ...(tls.ca === null ? [] : ['--tlscacert', tls.ca]),
    ...(tls.cert === null ? [] : ['--tlscert', tls.cert]),
    ...(tls.key === null ? [] : ['--tlskey', tls.key]),
  ];
}

function invalidHost(setting: string, dockerHost: string, problem: string, cause?: unknown): CcBridgeError {
  const detail = problem.includes('unix://') ? problem : `${problem}; ${supportedForms}`;
  return new CcBridgeError('CONFIG_INVALID', `${setting} "${dockerHost}" ${detail}`, { cause, fieldErrors: { 'docker.host': [detail] } });
}
