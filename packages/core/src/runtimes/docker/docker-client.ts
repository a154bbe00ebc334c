import { readFileSync } from 'node:fs';
import { Agent, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from 'node:https';
import type { Duplex } from 'node:stream';

import Dockerode from 'dockerode';

import type { DockerHostConfig } from '../../config.ts';
import { CcBridgeError } from '../../errors.ts';
import { defaultDockerSocket, parseDockerHost } from './docker-host.ts';

// Parsing the host needs no dockerode; it lives apart so cc-bridge.ts can check the setting
// without loading dockerode, and is re-exported here for everything that made clients before.
export { defaultDockerSocket, dockerHostTransport, parseDockerHost, type DockerEndpoint } from './docker-host.ts';

// An unreachable TCP host (SYN dropped) would otherwise hang for the OS connect timeout (minutes).
const connectTimeoutMs = 3_000;

/** Destroys `socket` unless it connects within `connectTimeoutMs`. */
function boundConnect(socket: Duplex | null | undefined): Duplex | null | undefined {
  if (!socket) return socket;
  const timer = setTimeout(() => {
    socket.destroy(Object.assign(new Error(`connect timed out after ${connectTimeoutMs / 1000} s`), { code: 'ETIMEDOUT' }));
  }, connectTimeoutMs);
  socket.once('connect', () => clearTimeout(timer));
  socket.once('secureConnect', () => clearTimeout(timer));
  socket.once('close', () => clearTimeout(timer));
  return socket;
}

/**
 * Bounds only the connect of each socket. docker-modem's own `connectionTimeout` is cleared by
 * the request's 'connect' event, which only HTTP CONNECT emits, so it really bounds the time to
 * the response headers and cuts `docker stop` (which answers after the grace period). A request
 * timeout would also end event streams that sit idle between events.
 */
class ConnectTimeoutAgent extends Agent {
  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    return boundConnect(super.createConnection(options, callback));
  }
}

/** ConnectTimeoutAgent for tcp:// with TLS; its options (certificates, verification) apply to every connection. */
class ConnectTimeoutHttpsAgent extends HttpsAgent {
  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    return boundConnect(super.createConnection(options, callback));
  }
}

/** A readable name for a client's endpoint, for error messages. */
export function describeDockerEndpoint(docker: Dockerode): string {
  // docker-modem keeps the endpoint on the instance but its type declarations leave it out.
  const modem: object = docker.modem;
  const host = 'host' in modem && typeof modem.host === 'string' ? modem.host : '';
  if (host !== '' && 'protocol' in modem && modem.protocol === 'ssh') {
    const user = 'username' in modem && typeof modem.username === 'string' && modem.username !== '' ? `${modem.username}@` : '';
    const port = 'port' in modem && (typeof modem.port === 'number' || typeof modem.port === 'string') ? `:${modem.port}` : '';
    return `ssh://${user}${host}${port}`;
  }
  if (host !== '') {
    const port = 'port' in modem && (typeof modem.port === 'number' || typeof modem.port === 'string') ? modem.port : 2375;
    return `tcp://${host}:${String(port)}`;
  }
  const socketPath = 'socketPath' in modem && typeof modem.socketPath === 'string' ? modem.socketPath : defaultDockerSocket;
  return `unix://${socketPath}`;
}

/** What makes a client: a DOCKER_HOST-form URL with where it was set, and its TLS or SSH settings. */
export type DockerClientSettings = Pick<DockerHostConfig, 'url' | 'setting' | 'tls' | 'sshKey' | 'sshAgent'>;

/** A file a host's settings name (a certificate, an SSH key); CONFIG_INVALID naming the setting when it cannot be read. */
function readSettingFile(path: string, what: string, setting: string | null): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CcBridgeError('CONFIG_INVALID', `${setting ?? 'docker.host'}: cannot read the ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The one place a dockerode client is made, from a DOCKER_HOST-form URL (null: the default
 * socket; `setting` says where it came from) or a host's settings: unix:// through the socket,
 * tcp:// plain or with TLS (`tls`: the CA, client certificate and key files, read now), ssh://
 * through docker-modem's SSH transport (`docker system dial-stdio` on the server; the agent and/or
 * `sshKey` authenticate). Throws CONFIG_INVALID for a host it cannot use (see parseDockerHost) or
 * a file it cannot read.
 */
export function createDockerClient(host: string | null | DockerClientSettings, setting?: string): Dockerode {
  const settings: DockerClientSettings = typeof host === 'string' || host === null ? { url: host, setting: setting ?? null, tls: null, sshKey: null, sshAgent: null } : host;
  const endpoint = parseDockerHost(settings.url, settings.setting ?? undefined);
  // dockerode falls back to process.env.DOCKER_HOST for any field left out, so the endpoint's
  // fields are all set (host undefined for a socket) to keep config the only source.
  if ('socketPath' in endpoint) {
    return new Dockerode({ socketPath: endpoint.socketPath, host: undefined, port: undefined, protocol: 'http', agent: new ConnectTimeoutAgent() } as Dockerode.DockerOptions);
  }
  if ('ssh' in endpoint) {
    const sshOptions = {
      readyTimeout: connectTimeoutMs,
      ...(settings.sshAgent === null ? {} : { agent: settings.sshAgent }),
      ...(settings.sshKey === null ? {} : { privateKey: readSettingFile(settings.sshKey, 'SSH key', settings.setting) }),
    };
    return new Dockerode({ protocol: 'ssh', host: endpoint.ssh.host, port: endpoint.ssh.port, username: endpoint.ssh.username ?? undefined, sshOptions });
  }
  const { tls } = settings;
  if (tls === null) return new Dockerode({ host: endpoint.host, port: endpoint.port, protocol: 'http', agent: new ConnectTimeoutAgent() } as Dockerode.DockerOptions);
  const agentOptions: HttpsAgentOptions = {
    rejectUnauthorized: tls.verify,
    ...(tls.ca === null ? {} : { ca: readSettingFile(tls.ca, 'CA certificate', settings.setting) }),
    ...(tls.cert === null ? {} : { cert: readSettingFile(tls.cert, 'client certificate', settings.setting) }),
    ...(tls.key === null ? {} : { key: readSettingFile(tls.key, 'client key', settings.setting) }),
  };
  return new Dockerode({ host: endpoint.host, port: endpoint.port, protocol: 'https', agent: new ConnectTimeoutHttpsAgent(agentOptions) } as Dockerode.DockerOptions);
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
