import { Agent, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';

import Dockerode from 'dockerode';

import { CcBridgeError } from '../../errors.ts';
import { defaultDockerSocket, parseDockerHost } from './docker-host.ts';

// Parsing the host needs no dockerode; it lives apart so cc-bridge.ts can check the setting
// without loading dockerode, and is re-exported here for everything that made clients before.
export { defaultDockerSocket, parseDockerHost, type DockerEndpoint } from './docker-host.ts';

// An unreachable TCP host (SYN dropped) would otherwise hang for the OS connect timeout (minutes).
const connectTimeoutMs = 3_000;

/**
 * Bounds only the connect of each socket. docker-modem's own `connectionTimeout` is cleared by
 * the request's 'connect' event, which only HTTP CONNECT emits, so it really bounds the time to
 * the response headers and cuts `docker stop` (which answers after the grace period). A request
 * timeout would also end event streams that sit idle between events.
 */
class ConnectTimeoutAgent extends Agent {
  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    if (!socket) return socket;
    const timer = setTimeout(() => {
      socket.destroy(Object.assign(new Error(`connect timed out after ${connectTimeoutMs / 1000} s`), { code: 'ETIMEDOUT' }));
    }, connectTimeoutMs);
    socket.once('connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
    return socket;
  }
}

/** A readable name for a client's endpoint, for error messages. */
export function describeDockerEndpoint(docker: Dockerode): string {
  // docker-modem keeps the endpoint on the instance but its type declarations leave it out.
  const modem: object = docker.modem;
  const host = 'host' in modem && typeof modem.host === 'string' ? modem.host : '';
  if (host !== '') {
    const port = 'port' in modem && (typeof modem.port === 'number' || typeof modem.port === 'string') ? modem.port : 2375;
    return `tcp://${host}:${String(port)}`;
  }
  const socketPath = 'socketPath' in modem && typeof modem.socketPath === 'string' ? modem.socketPath : defaultDockerSocket;
  return `unix://${socketPath}`;
}

/** The one place a dockerode client is made. Throws CONFIG_INVALID for a host it cannot use (see parseDockerHost). */
export function createDockerClient(dockerHost: string | null, setting?: string): Dockerode {
  const endpoint = parseDockerHost(dockerHost, setting);
  // dockerode falls back to process.env.DOCKER_HOST for any field left out, so the endpoint's
  // fields are all set (host undefined for a socket) to keep config the only source.
  const agent = new ConnectTimeoutAgent();
  const options: Dockerode.DockerOptions & { agent: Agent } =
    'socketPath' in endpoint
      ? { socketPath: endpoint.socketPath, host: undefined, port: undefined, protocol: 'http', agent }
      : { host: endpoint.host, port: endpoint.port, protocol: 'http', agent };
  return new Dockerode(options);
}

// Errors of the connection rather than of the Engine: the Engine cannot be reached at all.
// ECONNRESET is what a connection the Engine end dropped mid-request looks like.
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOENT',
  'EACCES',
  'EPERM',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** The HTTP status of an Engine error response, as docker-modem attaches it; null for other errors. */
export function engineStatusCode(error: unknown): number | null {
  return error instanceof Error && 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : null;
}

function engineMessage(error: Error): string {
  // docker-modem's own message wraps the Engine's ("(HTTP code 404) no such container - …").
  const json = 'json' in error ? error.json : undefined;
  if (typeof json === 'object' && json !== null && 'message' in json && typeof json.message === 'string') return json.message;
  return error.message.trim();
}

/**
 * The Engine's 409 when another client (or the container's own AutoRemove after a stop) is
 * already removing the container: the removal the caller wanted is under way.
 */
export function isRemovalInProgress(error: unknown): boolean {
  return engineStatusCode(error) === 409 && error instanceof Error && /removal of container .* is already in progress/.test(engineMessage(error));
}

/**
 * Any failure of a dockerode call as DOCKER_UNAVAILABLE (no connection, or no answer within
 * `timeoutMs`) or DOCKER_ERROR (the Engine answered with an error).
 */
export function dockerErrorFrom(error: unknown, endpoint: string, timeoutMs?: number): CcBridgeError {
  if (error instanceof CcBridgeError) return error;
  if (!(error instanceof Error)) return new CcBridgeError('DOCKER_ERROR', `Docker Engine at ${endpoint} failed: ${String(error)}`, { cause: error });
  const code = 'code' in error && typeof error.code === 'string' ? error.code : null;
  if (code === 'ABORT_ERR' || error.name === 'AbortError' || error.name === 'TimeoutError') {
    const within = timeoutMs === undefined ? '' : ` within ${timeoutMs / 1000} s`;
    return new CcBridgeError('DOCKER_UNAVAILABLE', `Docker Engine unreachable at ${endpoint}: no answer${within}`, { cause: error });
  }
  if (engineStatusCode(error) === null && code !== null && unreachableCodes.has(code)) {
    return new CcBridgeError('DOCKER_UNAVAILABLE', `Docker Engine unreachable at ${endpoint}: ${code} ${error.message}`.trim(), { cause: error });
  }
  return new CcBridgeError('DOCKER_ERROR', engineMessage(error), { cause: error });
}
