import type Dockerode from 'dockerode';

import { CcBridgeError } from '../../errors.ts';
import { runtimeCallTimeoutMs } from '../bounds.ts';
import type { ContainerInfo, DockerEngine, DockerRuntime } from '../runtime.ts';
import { containerCalls } from './container-io.ts';
import { describeDockerEndpoint, dockerErrorFrom, engineStatusCode, isRemovalInProgress } from './docker-client.ts';
import { commandsFromTop, containerInfoFromInspect, containerInfoFromSummary, engineFromInfo, needsOomCheck } from './transform.ts';

// Seconds `docker stop` waits after SIGTERM before SIGKILL, as the docker CLI does.
const stopGraceSeconds = 10;

// Inspects of exited-137 containers in flight at once: enough to hide the round trips, few
// enough not to flood a remote Engine.
const oomCheckConcurrency = 4;

export interface DockerRuntimeOptions {
  /**
   * Bound on each Engine request (ms), default `runtimeCallTimeoutMs`; `stop` gets the grace
   * period on top. The client's connect timeout does not cover an endpoint that accepts and then
   * says nothing (a wedged Engine, DOCKER_HOST naming another service).
   */
  requestTimeoutMs?: number;
  /** The `[[docker.hosts]]` name, for error messages (`… at unix:///x.sock (host "second")`); absent: the endpoint alone. */
  hostName?: string;
}

/**
 * The Docker Engine through one dockerode client. Every request is bounded and aborted at its
 * deadline: no answer in time is DOCKER_UNAVAILABLE, never an empty answer.
 */
export function createDockerRuntime(docker: Dockerode, options: DockerRuntimeOptions = {}): DockerRuntime {
  const endpoint = describeDockerEndpoint(docker);
  const requestTimeoutMs = options.requestTimeoutMs ?? runtimeCallTimeoutMs;
  const deadline = (extraMs = 0) => AbortSignal.timeout(requestTimeoutMs + extraMs);

  // GET /info takes 10–12 ms here, three times a container list (it gathers host facts): asked
  // once per runtime, not on every refresh.
  let engine: Promise<DockerEngine> | null = null;

  // `State.OOMKilled` of exited-137 containers (only inspect reports it), by container id: a
  // refresh inspects each such container once, not on every list.
  const oomKilledById = new Map<string, boolean>();

  /** Every failure goes through here: an unreachable Engine may come back as a different one. */
  function failure(error: unknown) {
    const failed = dockerErrorFrom(error, options.hostName === undefined ? endpoint : `${endpoint} (host "${options.hostName}")`, requestTimeoutMs);
    if (failed.code === 'DOCKER_UNAVAILABLE') engine = null;
    return failed;
  }

  async function call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw failure(error);
    }
  }

  /** GET /info through the modem: dockerode's typed info() takes no abort signal. */
  function infoRequest(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      docker.modem.dial(
        { path: '/info', method: 'GET', statusCodes: { 200: true, 500: 'server error' }, abortSignal: deadline() },
        (error, data: unknown) => (error ? reject(error) : resolve(data)),
      );
    });
  }

  async function askEngine(): Promise<DockerEngine> {
    const info = await call(infoRequest);
    const answer = engineFromInfo(info, endpoint);
    if (!answer) throw new CcBridgeError('DOCKER_ERROR', `The Docker Engine at ${endpoint} did not say its ID (GET /info)`);
    return answer;
  }

  /** GET /_ping through the modem: dockerode's typed ping() takes no abort signal. */
  function pingEngine(): Promise<void> {
    return new Promise((resolve, reject) => {
      docker.modem.dial(
        { path: '/_ping', method: 'GET', statusCodes: { 200: true, 500: 'server error' }, abortSignal: deadline() },
        (error) => (error ? reject(error) : resolve()),
      );
    });
  }

  async function getContainer(idOrName: string): Promise<ContainerInfo | null> {
    try {
      // Inspect, not a list with a name filter: the Engine's name filter matches substrings.
      return containerInfoFromInspect(await docker.getContainer(idOrName).inspect({ abortSignal: deadline() }));
    } catch (error) {
      if (engineStatusCode(error) === 404) return null;
      throw failure(error);
    }
  }

  return {
    ...containerCalls({ docker, endpoint, requestTimeoutMs, failure }),

    async ping() {
      await call(pingEngine);
    },

    getEngine() {
      engine ??= askEngine();
      const asked = engine;
      // A failed ask is not remembered: the next caller asks again.
      asked.catch(() => {
        if (engine === asked) engine = null;
      });
      return asked;
    },

    async listContainers(options = {}) {
      const labels = options.labels ?? [];
      const summaries = await call(() =>
        docker.listContainers({ all: true, ...(labels.length > 0 ? { filters: { label: labels } } : {}), abortSignal: deadline() }),
      );
      const containers = summaries.map(containerInfoFromSummary);
      const exited137 = new Set(containers.filter(needsOomCheck).map((container) => container.id));
      // A verdict holds while the container stays exited: forgotten once it is listed otherwise or gone.
      for (const id of oomKilledById.keys()) if (!exited137.has(id)) oomKilledById.delete(id);
      const pending = containers.filter((container) => exited137.has(container.id) && !oomKilledById.has(container.id));
      const removed = new Set<string>();
      const worker = async () => {
        for (let next = pending.shift(); next; next = pending.shift()) {
          const inspected = await getContainer(next.id);
          if (inspected) oomKilledById.set(next.id, inspected.oomKilled);
          else removed.add(next.id);
        }
      };
      await Promise.all(Array.from({ length: Math.min(oomCheckConcurrency, pending.length) }, worker));
      // One removed between the list and its inspect is gone, as a list a moment later would say.
      return containers.flatMap((container) => {
        if (removed.has(container.id)) return [];
        const oomKilled = oomKilledById.get(container.id);
        return [oomKilled === undefined ? container : { ...container, oomKilled }];
      });
    },

    getContainer,

    async runContainer({ name, image, labels, network, command, env = {}, binds = [] }) {
      const container = await call(async () => {
        try {
          return await docker.createContainer({
            name,
            Image: image,
            Labels: labels,
            ...(command && command.length > 0 ? { Cmd: [...command] } : {}),
            Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
            // Claude Code is interactive: keep a terminal and stdin so `docker attach` reaches it.
            Tty: true,
            OpenStdin: true,
            // No network given means none at all: instances never get bridge traffic by default.
            HostConfig: { NetworkMode: network ?? 'none', ...(binds.length > 0 ? { Binds: [...binds] } : {}) },
            abortSignal: deadline(),
          });
        } catch (error) {
          if (engineStatusCode(error) === 404) {
            throw new CcBridgeError('DOCKER_ERROR', `Image ${image} is not on the Docker Engine at ${endpoint} (images are never pulled)`, {
              cause: error,
            });
          }
          throw error;
        }
      });
      // The container exists from here on: whatever fails next, it must not stay behind.
      try {
        await container.start({ abortSignal: deadline() });
        const info = await getContainer(container.id);
        if (!info) throw new CcBridgeError('DOCKER_ERROR', `Container ${name} disappeared right after it started`);
        return info;
      } catch (error) {
        await container.remove({ force: true, abortSignal: deadline() }).catch((removeError: unknown) => {
          if (engineStatusCode(removeError) === 404 || isRemovalInProgress(removeError)) return;
          throw new CcBridgeError(
            'DOCKER_ERROR',
            `Container ${name} (${container.id.slice(0, 12)}) did not start and could not be removed; remove it with docker rm -f ${name}`,
            { cause: new AggregateError([error, removeError]) },
          );
        });
        throw failure(error);
      }
    },

    async removeContainer(idOrName) {
      // Asked first within the plain bound: a stop request waits out the grace period before
      // any answer, so an Engine that does not answer at all would take that long to show.
      if (!(await getContainer(idOrName))) return false;
      const container = docker.getContainer(idOrName);
      try {
        await container.stop({ t: stopGraceSeconds, abortSignal: deadline(stopGraceSeconds * 1000) });
      } catch (error) {
        const status = engineStatusCode(error);
        if (status === 404) return false;
        // 304: not running (stopped, or created and never started).
        if (status !== 304) throw failure(error);
      }
      try {
        await container.remove({ force: true, abortSignal: deadline() });
      } catch (error) {
        // Gone (or going) between the stop and the remove: it was there, and now it is not.
        if (engineStatusCode(error) === 404 || isRemovalInProgress(error)) return true;
        throw failure(error);
      }
      return true;
    },

    async listProcesses(id) {
      const top: unknown = await call(() => docker.getContainer(id).top({ abortSignal: deadline() }));
      return commandsFromTop(top);
    },
  };
}

/**
 * The Docker runtime when the configured host cannot be used at all (a value that is not an
 * Engine address, a transport cc-bridge does not speak): every call rejects at once with that
 * configuration error, so tmux work goes on and Docker work fails without trying.
 */
export function unusableDockerRuntime(error: CcBridgeError): DockerRuntime {
  const fail = () => Promise.reject(error);
  return {
    ping: fail,
    getEngine: fail,
    listContainers: fail,
    getContainer: fail,
    runContainer: fail,
    removeContainer: fail,
    listProcesses: fail,
    getContainerSettings: fail,
    startContainer: fail,
    stopContainer: fail,
    restartContainer: fail,
    readLogs: fail,
    followLogs: fail,
    writeStdin: fail,
    watchContainers: fail,
  };
}
