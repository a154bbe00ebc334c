import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';

import type Dockerode from 'dockerode';

import { CcBridgeError } from '../../errors.ts';
import type { ContainerChange } from '../instance-runtime.ts';
import type { ContainerSettings, DockerRuntime } from '../runtime.ts';
import { engineStatusCode } from './docker-client.ts';
import { containerChangeFromEvent, createLogDecoder, LineSplitter } from './streams.ts';

/** What the container calls share with the rest of the Docker client (docker-runtime.ts). */
export interface EngineContext {
  docker: Dockerode;
  endpoint: string;
  requestTimeoutMs: number;
  /** Any failure as the client's CcBridgeError (and forgets the Engine when it is unreachable). */
  failure(error: unknown): CcBridgeError;
}

// The Engine's stop grace when the container sets none (`docker stop` without -t).
const engineDefaultGraceSeconds = 10;

type ContainerCalls = Pick<
  DockerRuntime,
  'getContainerSettings' | 'startContainer' | 'stopContainer' | 'restartContainer' | 'readLogs' | 'followLogs' | 'writeStdin' | 'watchContainers'
>;

function noContainer(idOrName: string, endpoint: string, cause?: unknown): CcBridgeError {
  return new CcBridgeError('NOT_FOUND', `No container ${idOrName} on the Docker Engine at ${endpoint}`, { cause });
}

/** A stream that was cancelled before it began. */
function nothing<T>(): AsyncIterable<T> {
  return { [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }) };
}

/** An abort signal for a stream's setup: fires at the bound or with `signal`, whichever comes first. */
function setupSignal(timeoutMs: number, signal?: AbortSignal): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const forward = () => controller.abort();
  signal?.addEventListener('abort', forward, { once: true });
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forward);
    },
  };
}

/**
 * Starts, stops, logs, stdin and events of containers. Streams are opened through the modem with
 * `isStream`, so the body is never buffered or JSON-parsed (dockerode parses a non-streamed log
 * that happens to be JSON); only their setup is bounded.
 */
export function containerCalls(context: EngineContext): ContainerCalls {
  const { docker, endpoint, requestTimeoutMs } = context;
  const deadline = (extraMs = 0) => AbortSignal.timeout(requestTimeoutMs + extraMs);

  /** A request whose 404 means the container is not there. */
  async function onContainer<T>(idOrName: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (engineStatusCode(error) === 404) throw noContainer(idOrName, endpoint, error);
      throw context.failure(error);
    }
  }

  /** A start or stop: false when the Engine says it had nothing to do (304: already running, not running). */
  async function act(idOrName: string, request: () => Promise<unknown>): Promise<boolean> {
    try {
      await request();
      return true;
    } catch (error) {
      if (engineStatusCode(error) === 304) return false;
      if (engineStatusCode(error) === 404) throw noContainer(idOrName, endpoint, error);
      throw context.failure(error);
    }
  }

  async function getContainerSettings(idOrName: string): Promise<ContainerSettings | null> {
    try {
      const inspect = await docker.getContainer(idOrName).inspect({ abortSignal: deadline() });
      return {
        id: inspect.Id,
        name: inspect.Name.replace(/^\//, ''),
        tty: inspect.Config.Tty,
        consoleSize: inspect.Config.Tty ? consoleSizeOf(inspect.HostConfig) : null,
        openStdin: inspect.Config.OpenStdin,
        // @types/dockerode leaves out StopTimeout, which the Engine sends when it was set.
        stopTimeoutSeconds: 'StopTimeout' in inspect.Config && typeof inspect.Config.StopTimeout === 'number' ? inspect.Config.StopTimeout : null,
        isRunning: inspect.State.Running,
      };
    } catch (error) {
      if (engineStatusCode(error) === 404) return null;
      throw context.failure(error);
    }
  }

  async function settingsOrThrow(idOrName: string): Promise<ContainerSettings> {
    const settings = await getContainerSettings(idOrName);
    if (!settings) throw noContainer(idOrName, endpoint);
    return settings;
  }

  /** The grace `stop` and `restart` wait on top of the bound (ms). */
  async function graceMs(idOrName: string): Promise<number> {
    return ((await settingsOrThrow(idOrName)).stopTimeoutSeconds ?? engineDefaultGraceSeconds) * 1000;
  }

  /** Opens a streamed GET; resolves once the Engine answered with its headers. */
  async function openStream(path: string, query: Record<string, unknown>, signal?: AbortSignal): Promise<IncomingMessage> {
    const setup = setupSignal(requestTimeoutMs, signal);
    try {
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        docker.modem.dial(
          { path, method: 'GET', options: query, isStream: true, abortSignal: setup.signal, statusCodes: { 200: true, 404: 'no such container', 500: 'server error' } },
          (error, stream) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(stream as IncomingMessage)),
        );
      });
      // From here on only the caller's signal ends the stream; a signal that outlives the stream
      // (one per page, say) does not keep a listener per stream it ever had.
      if (signal?.aborted) response.destroy();
      else if (signal) {
        const end = () => response.destroy();
        signal.addEventListener('abort', end, { once: true });
        response.once('close', () => signal.removeEventListener('abort', end));
      }
      return response;
    } finally {
      setup.done();
    }
  }

  /** Chunks of `response` as text; ends quietly when `signal` fired, throws the client's error otherwise. */
  async function* textOf(response: IncomingMessage, decode: (chunk: Buffer) => string, signal: AbortSignal): AsyncGenerator<string> {
    try {
      for await (const chunk of response) {
        const text = decode(chunk as Buffer);
        if (text !== '') yield text;
      }
    } catch (error) {
      if (signal.aborted) return;
      throw context.failure(error);
    } finally {
      response.destroy();
    }
  }

  const logQuery = (tail: number, follow: boolean) => ({ stdout: true, stderr: true, tail, follow });

  return {
    getContainerSettings,

    async startContainer(idOrName) {
      await act(idOrName, () => docker.getContainer(idOrName).start({ abortSignal: deadline() }));
    },

    async stopContainer(idOrName) {
      const extraMs = await graceMs(idOrName);
      return act(idOrName, () => docker.getContainer(idOrName).stop({ abortSignal: deadline(extraMs) }));
    },

    async restartContainer(idOrName) {
      const extraMs = await graceMs(idOrName);
      await act(idOrName, () => docker.getContainer(idOrName).restart({ abortSignal: deadline(extraMs) }));
    },

    async readLogs(idOrName, { tail }) {
      const { id, tty } = await settingsOrThrow(idOrName);
      const whole = deadline();
      const response = await onContainer(idOrName, () => openStream(`/containers/${id}/logs?`, logQuery(tail, false), whole));
      let text = '';
      for await (const chunk of textOf(response, createLogDecoder(!tty), whole)) text += chunk;
      if (whole.aborted) throw context.failure(Object.assign(new Error('log read aborted'), { name: 'AbortError' }));
      return text;
    },

    async followLogs(idOrName, { tail, signal }) {
      const { id, tty } = await settingsOrThrow(idOrName);
      let response: IncomingMessage;
      try {
        response = await onContainer(idOrName, () => openStream(`/containers/${id}/logs?`, logQuery(tail, true), signal));
      } catch (error) {
        if (signal.aborted) return nothing();
        throw error;
      }
      return textOf(response, createLogDecoder(!tty), signal);
    },

    async writeStdin(idOrName, text) {
      const setup = setupSignal(requestTimeoutMs);
      let attached: unknown;
      try {
        attached = await onContainer(idOrName, () => docker.getContainer(idOrName).attach({ stream: true, stdin: true, hijack: true, abortSignal: setup.signal }));
      } finally {
        setup.done();
      }
      // The connection the Engine handed over (a net.Socket), typed by dockerode as a plain stream.
      if (!(attached instanceof Duplex)) throw new CcBridgeError('DOCKER_ERROR', `The Docker Engine at ${endpoint} did not hand over the attach connection`);
      const socket = attached;
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(Object.assign(new Error('stdin write aborted'), { name: 'AbortError' })), requestTimeoutMs);
          socket.once('error', (error) => {
            clearTimeout(timer);
            reject(error);
          });
          // Half-closing detaches: the Engine has read everything before it sees the end, and
          // keeps the container's stdin open (it closes it only for `StdinOnce` containers).
          socket.end(text, () => {
            clearTimeout(timer);
            resolve();
          });
        });
      } catch (error) {
        throw context.failure(error);
      } finally {
        socket.destroy();
      }
    },

    async watchContainers({ labels, signal }) {
      const filters = { type: ['container'], ...(labels.length > 0 ? { label: [...labels] } : {}) };
      let response: IncomingMessage;
      try {
        response = await openStream('/events?', { filters }, signal);
      } catch (error) {
        if (signal.aborted) return nothing();
        throw context.failure(error);
      }
      const splitter = new LineSplitter();
      return (async function* changes(): AsyncGenerator<ContainerChange> {
        try {
          for await (const chunk of response) {
            for (const line of splitter.push(chunk as Buffer)) {
              let message: unknown;
              try {
                message = JSON.parse(line);
              } catch (error) {
                throw new CcBridgeError('DOCKER_ERROR', `The Docker Engine at ${endpoint} sent an event that is not JSON: ${line.slice(0, 120)}`, { cause: error });
              }
              const change = containerChangeFromEvent(message);
              if (change) yield change;
            }
          }
        } catch (error) {
          if (signal.aborted) return;
          throw context.failure(error);
        } finally {
          response.destroy();
        }
        if (!signal.aborted) throw new CcBridgeError('DOCKER_UNAVAILABLE', `The Docker Engine at ${endpoint} ended its event stream`);
      })();
    },
  };
}

/** `HostConfig.ConsoleSize` (`[rows, columns]`; @types/dockerode leaves it out) as a size; null for none or 0×0. */
function consoleSizeOf(hostConfig: object): { columns: number; rows: number } | null {
  const size: unknown = 'ConsoleSize' in hostConfig ? hostConfig.ConsoleSize : null;
  if (!Array.isArray(size) || size.length !== 2) return null;
  const [rows, columns] = size as unknown[];
  return typeof rows === 'number' && typeof columns === 'number' && rows > 0 && columns > 0 ? { columns, rows } : null;
}
