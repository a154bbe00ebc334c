import type { Config } from '../config.ts';
import { CcBridgeError } from '../errors.ts';
import type { Instance, InstanceType } from '../instance.ts';
import type { Logger } from '../logger.ts';
import { createDockerInstanceRuntime, failingDockerRuntime } from './docker/docker-instance-runtime.ts';
import type { Runtime } from './instance-runtime.ts';
import type { DockerRuntime, TmuxRuntime } from './runtime.ts';
import { createTmuxInstanceRuntime } from './tmux/tmux-instance-runtime.ts';

/**
 * What answers for a set of records, as the outage tracking and the outage events name it:
 * `tmux`; `docker` for the first Docker host (the default, which records naming no host belong
 * to: the key a single-host install always had); `docker:NAME` for every other `[[docker.hosts]]` entry.
 */
export type RuntimeKey = string;

/** One Docker host's runtime. */
export interface DockerHostRuntime {
  /** The `[[docker.hosts]]` name (`local` without entries): what records' `dockerHost` holds. */
  name: string;
  key: RuntimeKey;
  runtime: Runtime;
}

/** The runtimes: tmux, and one Docker Runtime per configured host (never empty), in configured order. */
export interface Runtimes {
  readonly tmux: Runtime;
  readonly docker: readonly DockerHostRuntime[];
}

/** One Docker host's Engine client; null when Docker support is disabled. */
export interface DockerHostClient {
  name: string;
  docker: DockerRuntime | null;
  /** docker CLI flags that reach it besides `-H` (its TLS files); default none. */
  cliFlags?: readonly string[];
}

export interface RuntimesDeps {
  tmux: TmuxRuntime;
  /** One per configured Docker host, in order (Config.docker.hosts); at least one. */
  dockerHosts: readonly DockerHostClient[];
  /** What the runtimes read of the configuration: the command a tmux start runs; the label and network of launched containers. */
  config: { tmux: Pick<Config['tmux'], 'command'>; docker: Pick<Config['docker'], 'containerLabel' | 'network'>; hooks?: Pick<Config['hooks'], 'spoolDir'> };
  /** How long a new tmux session must live to count as started (ms); default 300. */
  tmuxStartGraceMs?: number;
  logger?: Logger;
}

/** How messages name a Docker host's Engine: `the Docker Engine` when it is the only host (as before there were hosts), else `the Docker Engine "NAME"`. */
export function dockerEngineLabel(name: string, hostCount: number): string {
  return hostCount === 1 ? 'the Docker Engine' : `the Docker Engine "${name}"`;
}

/** The runtimes of every instance type, over the tmux client and each Docker host's client. */
export function createRuntimes(deps: RuntimesDeps): Runtimes {
  if (deps.dockerHosts.length === 0) throw new Error('createRuntimes: at least one Docker host (Config.docker.hosts is never empty)');
  return {
    tmux: createTmuxInstanceRuntime(deps.tmux, { command: deps.config.tmux.command, startGraceMs: deps.tmuxStartGraceMs, logger: deps.logger }),
    docker: deps.dockerHosts.map((host, index) => ({
      name: host.name,
      key: index === 0 ? 'docker' : `docker:${host.name}`,
      runtime: createDockerInstanceRuntime(host.docker, {
        containerLabel: deps.config.docker.containerLabel,
        network: deps.config.docker.network,
        hookSpoolDir: deps.config.hooks?.spoolDir ?? null,
        logger: deps.logger,
        host: host.name,
        label: dockerEngineLabel(host.name, deps.dockerHosts.length),
        cliFlags: host.cliFlags ?? [],
      }),
    })),
  };
}

/** What a record names of its runtime: its type and, for Docker, its host (null or absent: the first). */
export type RuntimeRecord = Pick<Instance, 'type'> & { dockerHost?: string | null };

/** INVALID_INPUT for a Docker host name the configuration does not list. */
export function unknownDockerHost(runtimes: Runtimes, name: string): CcBridgeError {
  const known = runtimes.docker.map((host) => host.name).join(', ');
  return new CcBridgeError('INVALID_INPUT', `Docker host "${name}" is not configured (hosts: ${known}); add it as a [[docker.hosts]] entry or pick one of those`, {
    fieldErrors: { dockerHost: [`is not a configured Docker host (${known})`] },
  });
}

/** INVALID_INPUT (before anything is started or written) when `dockerHost` names a host the configuration does not list. */
export function refuseUnknownDockerHost(runtimes: Runtimes, dockerHost: string | null | undefined): void {
  if (dockerHost !== undefined && dockerHost !== null && !runtimes.docker.some((host) => host.name === dockerHost)) throw unknownDockerHost(runtimes, dockerHost);
}

/**
 * The Docker host a record belongs to: the one its `dockerHost` names, the first when it names
 * none; null for a name the configuration no longer lists.
 */
function dockerHostOf(runtimes: Runtimes, record: RuntimeRecord): DockerHostRuntime | null {
  const name = record.dockerHost ?? null;
  if (name === null) return runtimes.docker[0] ?? null;
  return runtimes.docker.find((host) => host.name === name) ?? null;
}

/**
 * The one place a record chooses what runs it: tmux, or its Docker host's runtime. A record of a
 * host no longer configured gets a runtime that fails every call with that INVALID_INPUT (so its
 * status reads `unknown`, never `stopped`).
 */
export function runtimeFor(runtimes: Runtimes, record: RuntimeRecord): Runtime {
  if (record.type === 'tmux') return runtimes.tmux;
  const host = dockerHostOf(runtimes, record);
  return host ? host.runtime : failingDockerRuntime('an unconfigured Docker host', () => unknownDockerHost(runtimes, record.dockerHost ?? ''));
}

/** The key the outage tracking knows a record's runtime by (see RuntimeKey). */
export function runtimeKeyOf(runtimes: Runtimes, record: RuntimeRecord): RuntimeKey {
  if (record.type === 'tmux') return 'tmux';
  return dockerHostOf(runtimes, record)?.key ?? `docker:${record.dockerHost ?? ''}`;
}

/** The runtime a key names (a key of no configured runtime: the first Docker host's, for its words). */
export function runtimeOfKey(runtimes: Runtimes, key: RuntimeKey): Runtime {
  if (key === 'tmux') return runtimes.tmux;
  return (runtimes.docker.find((host) => host.key === key) ?? runtimes.docker[0])?.runtime ?? runtimes.tmux;
}

/** Every runtime key, in order: tmux, then the Docker hosts. */
export function runtimeKeys(runtimes: Runtimes): RuntimeKey[] {
  return ['tmux', ...runtimes.docker.map((host) => host.key)];
}

/** The runtime keys of one instance type. */
export function runtimeKeysOfType(runtimes: Runtimes, type: InstanceType): RuntimeKey[] {
  return type === 'tmux' ? ['tmux'] : runtimes.docker.map((host) => host.key);
}

/**
 * Records by the runtime that answers for them: one group per configured runtime (empty ones
 * too, in runtimeKeys order), and one per unconfigured Docker host that records still name.
 */
export function groupByRuntime<T extends RuntimeRecord>(runtimes: Runtimes, records: readonly T[]): { key: RuntimeKey; runtime: Runtime; records: T[] }[] {
  const groups = new Map<RuntimeKey, { key: RuntimeKey; runtime: Runtime; records: T[] }>();
  groups.set('tmux', { key: 'tmux', runtime: runtimes.tmux, records: [] });
  for (const host of runtimes.docker) groups.set(host.key, { key: host.key, runtime: host.runtime, records: [] });
  for (const record of records) {
    const key = runtimeKeyOf(runtimes, record);
    let group = groups.get(key);
    if (!group) {
      group = { key, runtime: runtimeFor(runtimes, record), records: [] };
      groups.set(key, group);
    }
    group.records.push(record);
  }
  return [...groups.values()];
}
