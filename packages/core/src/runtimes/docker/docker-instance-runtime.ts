import { mkdirSync } from 'node:fs';
import { instanceEnvVar } from '../../activity/hook-report.ts';
import { defaultDockerHostName } from '../../config.ts';
import { CcBridgeError, isCcBridgeError } from '../../errors.ts';
import type { Instance } from '../../instance.ts';
import { silentLogger, type Logger } from '../../logger.ts';
import type { Runtime } from '../instance-runtime.ts';
import { findContainer, indexContainers, observeContainer, otherEngineError, type Observation } from '../observation.ts';
import { belongsToOtherEngine, dockerDisabledError, observeDockerContainer, statusFromContainerState, type ContainerSettings, type DockerRuntime } from '../runtime.ts';
import { createOutputLineSplitter } from '../output-update.ts';
import { createEscapeStripper, lastLines, stripTerminalEscapes } from '../terminal-text.ts';
import { ContainerScreens } from './container-screens.ts';

export interface DockerInstanceRuntimeOptions {
  /**
   * The label a launched container gets, valued with the instance's name, and that a container
   * must carry for the change feed to report it (`config.docker.containerLabel`); null: launched
   * containers get none and the feed reports every container.
   */
  containerLabel: string | null;
  /** The network a launched container joins when its record names none (`config.docker.network`); null: none at all. */
  network: string | null;
  /**
   * The hook reports' spool folder (`[hooks] spool_dir`), mounted into launched containers at
   * `containerHookSpoolDir` so that the hook command inside writes where cc-bridge reads; null:
   * not mounted.
   */
  hookSpoolDir?: string | null;
  /** Where following a container's screen failing is told (debug); default silent. */
  logger?: Logger;
  /** The `[[docker.hosts]]` name of this Engine, written into launched records' `dockerHost`; default `local`. */
  host?: string;
  /** How messages name this Engine (`Runtime.label`); default `the Docker Engine`. */
  label?: string;
  /** docker CLI flags after `-H ENDPOINT` in `terminalCommand` (the host's TLS files, dockerCliTlsFlags); default none. */
  cliFlags?: readonly string[];
}

/** Where a launched container finds the hook reports' spool folder (its hook command's argument). */
export const containerHookSpoolDir = '/cc-bridge/hooks';

const defaultOutputLines = 50;

/** The container a Docker record names; INVALID_INPUT when it names none. */
function containerOf(instance: Instance): string {
  if (!instance.containerId) throw new CcBridgeError('INVALID_INPUT', `"${instance.name}" names no container`);
  return instance.containerId;
}

/**
 * The Docker Runtime: records are containers on one Engine (`client`, the client of
 * docker-runtime.ts; null when Docker is disabled, and then every call is DOCKER_UNAVAILABLE and
 * there is no change feed). A container the Engine does not have is gone, unless the record
 * belongs to another Engine: then it is not judged (DOCKER_UNAVAILABLE, see otherEngineError).
 */
export function createDockerInstanceRuntime(client: DockerRuntime | null, options: DockerInstanceRuntimeOptions): Runtime {
  const label = options.label ?? 'the Docker Engine';
  if (!client) return failingDockerRuntime(label, dockerDisabledError);
  // Narrowed once for the functions below, which TypeScript would not narrow.
  const docker = client;
  const screens = new ContainerScreens(docker, options.logger ?? silentLogger);

  async function observe(instance: Instance): Promise<Observation> {
    if (!instance.containerId) return { status: 'error', isSeen: false };
    const [engine, container] = await Promise.all([docker.getEngine(), docker.getContainer(instance.containerId)]);
    return observeContainer(instance, container, engine);
  }

  /**
   * For a NOT_FOUND from the Engine: a record of another Engine is not judged by this one's
   * answer (DOCKER_UNAVAILABLE); otherwise `error` stands.
   */
  async function refuseOtherEngine(instance: Instance, error: unknown): Promise<void> {
    if (!isCcBridgeError(error, 'NOT_FOUND')) throw error;
    const engine = await docker.getEngine();
    if (belongsToOtherEngine(instance, engine)) throw otherEngineError(instance, engine);
  }

  /** `call`, with a missing container of another Engine's record reported as such. */
  async function onContainer<T>(instance: Instance, call: (container: string) => Promise<T>): Promise<T> {
    const container = containerOf(instance);
    try {
      return await call(container);
    } catch (error) {
      await refuseOtherEngine(instance, error);
      throw error;
    }
  }

  /** How the record's container runs (inspect); NOT_FOUND when the Engine has none. */
  function settingsOf(instance: Instance): Promise<ContainerSettings> {
    return onContainer(instance, async (container) => {
      const found = await docker.getContainerSettings(container);
      if (!found) throw new CcBridgeError('NOT_FOUND', `"${instance.name}": its container ${container} is not on the Docker Engine`);
      return found;
    });
  }

  return {
    type: 'docker',
    label,

    observe,

    recordIdentity: () => ({}),

    async launch(input) {
      const engine = await docker.getEngine();
      const spool = options.hookSpoolDir ?? null;
      // Made here as the hook command makes it (0700): a folder the Engine made for a bind would be root's.
      if (spool !== null) mkdirSync(spool, { recursive: true, mode: 0o700 });
      // runContainer removes the container itself if it fails after the Engine made it.
      const container = await docker.runContainer({
        name: input.containerName ?? input.name,
        image: input.imageName ?? '',
        labels: options.containerLabel === null ? {} : { [options.containerLabel]: input.name },
        network: input.dockerNetwork ?? options.network,
        // The agent's hooks name their instance by it (hook-report.ts); the record's id does not exist yet.
        env: { [instanceEnvVar]: input.name },
        binds: spool === null ? [] : [`${spool}:${containerHookSpoolDir}`],
      });
      return {
        fields: {
          containerId: container.id,
          containerName: container.name,
          dockerNetwork: container.networks[0] ?? input.dockerNetwork ?? null,
          dockerHost: options.host ?? defaultDockerHostName,
          status: statusFromContainerState(container),
          ...observeDockerContainer(container, engine),
        },
        description: `the container ${container.name}`,
        undo: () => docker.removeContainer(container.id),
      };
    },

    async observeAll(instances) {
      const [engine, containers] = await Promise.all([docker.getEngine(), docker.listContainers()]);
      const byId = indexContainers(containers);
      const observations = new Map<string, Observation>();
      for (const instance of instances) observations.set(instance.id, observeContainer(instance, findContainer(byId, instance.containerId), engine));
      return { observations, engine };
    },

    async start(instance) {
      await onContainer(instance, (container) => docker.startContainer(container));
      return observe(instance);
    },

    async stop(instance) {
      try {
        await docker.stopContainer(containerOf(instance));
      } catch (error) {
        // Gone is stopped, as the observation says; a record of another Engine is refused.
        await refuseOtherEngine(instance, error);
      }
      return observe(instance);
    },

    async restart(instance) {
      await onContainer(instance, (container) => docker.restartContainer(container));
      return observe(instance);
    },

    async remove(instance) {
      if (await docker.removeContainer(containerOf(instance))) return true;
      // Not on this Engine is not "gone" when the container belongs to another one.
      const engine = await docker.getEngine();
      if (belongsToOtherEngine(instance, engine)) throw otherEngineError(instance, engine);
      return false;
    },

    async readOutput(instance, { lines = defaultOutputLines, colors = false } = {}) {
      const text = await onContainer(instance, (container) => docker.readLogs(container, { tail: lines }));
      return lastLines(colors ? text : stripTerminalEscapes(text), lines);
    },

    async followOutput(instance, { signal, lines = 0, colors = false }) {
      const chunks = await onContainer(instance, (container) => docker.followLogs(container, { tail: lines, signal }));
      /**
       * The unfinished line the stored log ends with. The Engine's log copier (20.10) holds such a
       * line back until its newline, 16 KiB of it, or the container's output closing, and ends a
       * followed log when the container stops before writing that last part: only the stored log
       * has it. Entries of at most 16 KiB, so enough of them to hold the line held so far and more.
       */
      const lastStoredLine = async (held: string): Promise<string> => {
        try {
          const stored = await docker.readLogs(containerOf(instance), { tail: Math.ceil(held.length / (16 * 1024)) + 2 });
          const line = stored.slice(stored.lastIndexOf('\n') + 1);
          return colors ? line : stripTerminalEscapes(line);
        } catch (error) {
          // Removed as it stopped (`--rm`): its log went with it, and what was seen is all there is.
          if (isCcBridgeError(error, 'NOT_FOUND')) return held;
          throw error;
        }
      };
      return (async function* updates() {
        const strip = colors ? (chunk: string) => chunk : createEscapeStripper();
        const splitter = createOutputLineSplitter();
        for await (const chunk of chunks) {
          const update = splitter.push(strip(chunk));
          if (update) yield update;
        }
        if (signal.aborted) return;
        // The log ended by itself (the container stopped): its last line, newline or not, is all
        // there is; the stored log's copy of it is whole when the stream missed its end.
        const held = splitter.held();
        const stored = await lastStoredLine(held);
        const last = splitter.finish(stored.startsWith(held) ? stored : held);
        if (last) yield last;
      })();
    },

    async sendInput(instance, { text, enter = true }) {
      if (text === '' && !enter) throw new CcBridgeError('INVALID_INPUT', 'Nothing to send: the text is empty and Enter was not asked for');
      const settings = await settingsOf(instance);
      if (!settings.openStdin) {
        throw new CcBridgeError(
          'INVALID_INPUT',
          `"${instance.name}": container ${settings.name} keeps no stdin open (it was not created with OpenStdin, docker run -i), so it cannot be sent input`,
        );
      }
      if (!settings.isRunning) throw new CcBridgeError('NOT_RUNNING', `"${instance.name}": container ${settings.name} is not running; start it before sending input`);
      // A terminal sends a carriage return for Enter (its line discipline makes it a newline); a pipe wants the newline itself.
      await docker.writeStdin(settings.id, text + (enter ? (settings.tty ? '\r' : '\n') : ''));
    },

    async terminalCommand(instance) {
      const settings = await settingsOf(instance);
      if (!settings.isRunning) throw new CcBridgeError('NOT_RUNNING', `"${instance.name}": container ${settings.name} is not running; start it before opening a terminal in it`);
      const { endpoint } = await docker.getEngine();
      // A shell beside the agent rather than an attach to its own TTY: leaving it (exit, Ctrl-D)
      // never stops the agent, an attach's Ctrl-C could, and it works without a TTY or OpenStdin.
      return { file: 'docker', args: ['-H', endpoint, ...(options.cliFlags ?? []), 'exec', '-it', settings.id, 'sh'], description: `a shell in the container ${settings.name} (leave with exit or Ctrl-D)` };
    },

    readScreens: (instances, { signal }) =>
      screens.read(
        instances.flatMap((instance) => (instance.containerId ? [{ key: instance.id, container: instance.containerId }] : [])),
        signal,
      ),

    changes: ({ signal }) => docker.watchContainers({ labels: options.containerLabel === null ? [] : [options.containerLabel], signal }),
  };
}

/**
 * A Docker runtime that cannot be used (Docker switched off in the configuration: DOCKER_UNAVAILABLE;
 * a record of a host the configuration does not list): every call fails with `error` before it
 * looks at the record, and there is no change feed.
 */
export function failingDockerRuntime(label: string, error: () => Error): Runtime {
  const fail = () => Promise.reject(error());
  return {
    type: 'docker',
    label,
    recordIdentity: () => ({}),
    launch: fail,
    observe: fail,
    observeAll: fail,
    start: fail,
    stop: fail,
    restart: fail,
    remove: fail,
    readOutput: fail,
    followOutput: fail,
    sendInput: fail,
    terminalCommand: fail,
    readScreens: fail,
  };
}
