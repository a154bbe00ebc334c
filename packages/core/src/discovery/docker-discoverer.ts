import type { Config } from '../config.ts';
import { isCcBridgeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ContainerInfo, DockerEngine, DockerRuntime } from '../runtimes/runtime.ts';
import type { Candidate } from './merge.ts';

export interface Discovery {
  /** The Engine that was asked (GET /info, remembered by the runtime). */
  engine: DockerEngine;
  /** Every container the Engine has, from one list call. */
  containers: ContainerInfo[];
  /** The containers that are Claude Code instances. */
  candidates: Candidate[];
}

/** `cc-bridge` matches `cc-bridge:latest`, `registry.local/cc-bridge-dev:1` and so on. */
export function matchesImagePattern(image: string, patterns: readonly string[]): boolean {
  const repository = image.replace(/[:@][^/]*$/, '').split('/').pop() ?? image;
  return patterns.some((pattern) => repository.includes(pattern));
}

const claudeProcess = /(^|\/|\s)claude(\s|$)/;

/**
 * Finds Claude Code containers: labelled with the instance label (its value names the instance;
 * empty: the container name), or made from an image matching the configured patterns, or (when
 * the process scan is on, one call per running container) running a `claude` process.
 */
export class DockerDiscoverer {
  readonly #docker: DockerRuntime;
  readonly #config: Config['docker'];
  readonly #logger: Logger;

  constructor(docker: DockerRuntime, config: Config['docker'], logger: Logger) {
    this.#docker = docker;
    this.#config = config;
    this.#logger = logger;
  }

  async discover(): Promise<Discovery> {
    const [engine, containers] = await Promise.all([this.#docker.getEngine(), this.#docker.listContainers()]);
    const candidates: Candidate[] = [];
    const unmatched: ContainerInfo[] = [];
    for (const container of containers) {
      const label = container.labels[this.#config.containerLabel];
      if (label !== undefined) {
        // An empty value means "name it after the container", as documented; any other value is the name asked for.
        const isNamed = label.trim() !== '';
        candidates.push({ container, wantedName: isNamed ? label.trim() : container.name, label: isNamed ? label : null });
      } else if (matchesImagePattern(container.image, this.#config.imagePatterns)) {
        candidates.push({ container, wantedName: container.name, label: null });
      } else {
        unmatched.push(container);
      }
    }
    if (this.#config.processScan) {
      for (const container of unmatched.filter((c) => c.state === 'running')) {
        let processes: string[];
        try {
          processes = await this.#docker.listProcesses(container.id);
        } catch (error) {
          // A container that stopped since the list call has no processes to look at; the
          // Engine going away is a failure of the whole discovery.
          if (isCcBridgeError(error, 'DOCKER_UNAVAILABLE')) throw error;
          this.#logger.warn(`process scan skipped container ${container.name}: ${(error as Error).message}`);
          continue;
        }
        if (processes.some((command) => claudeProcess.test(command))) candidates.push({ container, wantedName: container.name, label: null });
      }
    }
    this.#logger.debug('docker discovery', { engine: engine.id, endpoint: engine.endpoint, containers: containers.length, candidates: candidates.length });
    return { engine, containers, candidates };
  }
}
