import type { Config } from '../config.ts';
import type { InstanceType } from '../instance.ts';
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
  /** What the runtimes read of the configuration: the command a tmux start runs, the label the change feed follows. */
  config: { tmux: Pick<Config['tmux'], 'command'>; docker: Pick<Config['docker'], 'containerLabel'> };
  /** How long a new tmux session must live to count as started (ms); default 300. */
  tmuxStartGraceMs?: number;
}

/** The runtimes of every instance type, over the tmux and Docker clients. */
export function createRuntimes(deps: RuntimesDeps): Runtimes {
  return {
    tmux: createTmuxInstanceRuntime(deps.tmux, { command: deps.config.tmux.command, startGraceMs: deps.tmuxStartGraceMs }),
    docker: createDockerInstanceRuntime(deps.docker, { eventLabels: [deps.config.docker.containerLabel] }),
  };
}

/** The one place a record's type chooses what runs it. */
export function runtimeFor(runtimes: Runtimes, type: InstanceType): Runtime {
  return runtimes[type];
}
