import type { Config } from '../config.ts';
import type { InstanceType } from '../instance.ts';
import type { Logger } from '../logger.ts';
import { createDockerInstanceRuntime } from './docker/docker-instance-runtime.ts';
import type { Runtime } from './instance-runtime.ts';
import type { DockerRuntime, TmuxRuntime } from './runtime.ts';
import { createTmuxInstanceRuntime } from './tmux/tmux-instance-runtime.ts';

/**
 * One Runtime per instance type. A Record over InstanceType, so a new type does not compile until
 * it has a runtime here.
 */
export type Runtimes = Readonly<Record<InstanceType, Runtime>>;

export interface RuntimesDeps {
  tmux: TmuxRuntime;
  /** Null when Docker support is disabled in the configuration. */
  docker: DockerRuntime | null;
  /** What the runtimes read of the configuration: the command a tmux start runs; the label and network of launched containers. */
  config: { tmux: Pick<Config['tmux'], 'command'>; docker: Pick<Config['docker'], 'containerLabel' | 'network'>; hooks?: Pick<Config['hooks'], 'spoolDir'> };
  /** How long a new tmux session must live to count as started (ms); default 300. */
  tmuxStartGraceMs?: number;
  logger?: Logger;
}

/** The runtimes of every instance type, over the tmux and Docker clients. */
export function createRuntimes(deps: RuntimesDeps): Runtimes {
  return {
    tmux: createTmuxInstanceRuntime(deps.tmux, { command: deps.config.tmux.command, startGraceMs: deps.tmuxStartGraceMs, logger: deps.logger }),
    docker: createDockerInstanceRuntime(deps.docker, {
      containerLabel: deps.config.docker.containerLabel,
      network: deps.config.docker.network,
      hookSpoolDir: deps.config.hooks?.spoolDir ?? null,
      logger: deps.logger,
    }),
  };
}

/** The one place a record's type chooses what runs it. */
export function runtimeFor(runtimes: Runtimes, type: InstanceType): Runtime {
  return runtimes[type];
}
