import { CcBridgeError } from '../../errors.ts';

export const defaultDockerSocket = '/var/run/docker.sock';

/** Where the Engine listens, parsed from a DOCKER_HOST value. */
export type DockerEndpoint = { socketPath: string } | { host: string; port: number };

const supportedForms = 'use unix:///path/to/docker.sock or tcp://host:port';

/**
 * `unix:///path` or `tcp://host:port`; null is the default socket. Anything else throws
 * CONFIG_INVALID naming `setting` (where the value came from, e.g. `DOCKER_HOST`): a value that
 * is not a URL, or a transport cc-bridge does not speak (ssh://, npipe://, http://).
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
    case 'ssh:':
      throw invalidHost(
        setting,
        dockerHost,
        'is not supported: cc-bridge does not reach the Engine over SSH; forward its socket (ssh -NL /tmp/docker.sock:/var/run/docker.sock HOST) and use unix:///tmp/docker.sock',
      );
    case 'npipe:':
      throw invalidHost(setting, dockerHost, 'is not supported: Windows named pipes are not available here');
    default:
      throw invalidHost(setting, dockerHost, `is not supported: ${url.protocol}// is not a Docker host transport cc-bridge speaks`);
  }
}

function invalidHost(setting: string, dockerHost: string, problem: string, cause?: unknown): CcBridgeError {
  const detail = problem.includes('unix://') ? problem : `${problem}; ${supportedForms}`;
  return new CcBridgeError('CONFIG_INVALID', `${setting} "${dockerHost}" ${detail}`, { cause, fieldErrors: { 'docker.host': [detail] } });
}
