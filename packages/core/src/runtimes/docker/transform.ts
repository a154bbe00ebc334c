import type Dockerode from 'dockerode';

import type { ContainerHealth, ContainerInfo, DockerEngine } from '../runtime.ts';

/**
 * Labels and networks as the Engine really sends them: null rather than {} for a container without
 * labels or networks, which @types/dockerode declares as always present.
 */
interface SentLabelsAndNetworks {
  Labels?: Record<string, string> | null;
  NetworkSettings?: { Networks?: Record<string, unknown> | null } | null;
}

function labelsAndNetworks(sent: SentLabelsAndNetworks): Pick<ContainerInfo, 'labels' | 'networks'> {
  return { labels: { ...(sent.Labels ?? {}) }, networks: Object.keys(sent.NetworkSettings?.Networks ?? {}).sort() };
}

/**
 * A container's own name from the list call's `Names`. Docker also lists the aliases links give
 * it (`/web/db`); its own name is the one with a single leading slash.
 */
export function containerNameFromNames(names: readonly string[]): string {
  const own = names.find((name) => name.lastIndexOf('/') === 0) ?? names[0] ?? '';
  return own.replace(/^\//, '');
}

const healthWords: Record<string, ContainerHealth> = { 'health: starting': 'starting', healthy: 'healthy', unhealthy: 'unhealthy' };

/**
 * The exit code and health in the list call's `Status` text, which the Engine writes as
 * `Exited (3) 5 seconds ago`, `Restarting (3) 1 second ago`, `Up 2 minutes (unhealthy)`,
 * `Up 1 second (health: starting)`, `Up 3 hours (Paused)`, `Created`, `Dead`,
 * `Removal In Progress`. The list call has no ExitCode or Health field of its own.
 */
export function parseContainerStatus(status: string): { exitCode: number | null; health: ContainerHealth | null } {
  const ended = /^(?:Exited|Restarting) \((-?\d+)\)/.exec(status);
  const health = /^Up .*\((health: starting|healthy|unhealthy)\)$/.exec(status)?.[1];
  return { exitCode: ended?.[1] === undefined ? null : Number(ended[1]), health: health === undefined ? null : (healthWords[health] ?? null) };
}

/** Exit codes are kept only where they say how the last run ended, as the list call shows them. */
function hasExitCode(state: string): boolean {
  return state === 'exited' || state === 'restarting';
}

/** A container whose status depends on `State.OOMKilled`, which only inspect reports. */
export function needsOomCheck(container: Pick<ContainerInfo, 'state' | 'exitCode'>): boolean {
  return container.state === 'exited' && container.exitCode === 137;
}

/**
 * One entry of `docker.listContainers()` (GET /containers/json) as our ContainerInfo. `oomKilled`
 * is false here: the caller inspects the containers `needsOomCheck` names.
 */
export function containerInfoFromSummary(summary: Dockerode.ContainerInfo): ContainerInfo {
  const { exitCode, health } = parseContainerStatus(summary.Status);
  return {
    id: summary.Id,
    name: containerNameFromNames(summary.Names),
    image: summary.Image,
    state: summary.State,
    health: summary.State === 'running' ? health : null,
    exitCode: hasExitCode(summary.State) ? exitCode : null,
    oomKilled: false,
    ...labelsAndNetworks({ Labels: summary.Labels, NetworkSettings: summary.NetworkSettings }),
    createdAt: new Date(summary.Created * 1000),
  };
}

function healthFromInspect(status: string | undefined): ContainerHealth | null {
  return status === 'starting' || status === 'healthy' || status === 'unhealthy' ? status : null;
}

/** `container.inspect()` (GET /containers/{id}/json) as the same ContainerInfo the list call gives. */
export function containerInfoFromInspect(inspect: Dockerode.ContainerInspectInfo): ContainerInfo {
  const { State: state } = inspect;
  const exitCode = hasExitCode(state.Status) ? state.ExitCode : null;
  return {
    id: inspect.Id,
    name: inspect.Name.replace(/^\//, ''),
    image: inspect.Config.Image,
    state: state.Status,
    // Health keeps its last verdict after the container stops; the list call shows it only while running.
    health: state.Status === 'running' ? healthFromInspect(state.Health?.Status) : null,
    exitCode,
    oomKilled: needsOomCheck({ state: state.Status, exitCode }) && state.OOMKilled,
    ...labelsAndNetworks({ Labels: inspect.Config.Labels, NetworkSettings: inspect.NetworkSettings }),
    // Whole seconds, as the list call's `Created` (a Unix time) has it.
    createdAt: new Date(Math.floor(Date.parse(inspect.Created) / 1000) * 1000),
  };
}

/** GET /info as the Engine's identity; `endpoint` is where this client reached it. */
export function engineFromInfo(info: unknown, endpoint: string): DockerEngine | null {
  if (typeof info !== 'object' || info === null || !('ID' in info) || typeof info.ID !== 'string' || info.ID === '') return null;
  const name = 'Name' in info && typeof info.Name === 'string' ? info.Name : '';
  return { id: info.ID, name, endpoint };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** The command column of `container.top()` (`docker top`), one entry per process; [] for anything else. */
export function commandsFromTop(top: unknown): string[] {
  if (typeof top !== 'object' || top === null || !('Titles' in top) || !('Processes' in top)) return [];
  const { Titles: titles, Processes: processes } = top;
  if (!isStringArray(titles) || !Array.isArray(processes)) return [];
  // `ps -ef` (the Engine's default) titles it CMD; other ps options print COMMAND.
  const column = titles.findIndex((title) => title === 'CMD' || title === 'COMMAND');
  if (column === -1) return [];
  return processes.flatMap((row: unknown) => {
    const command: unknown = Array.isArray(row) ? row[column] : undefined;
    return typeof command === 'string' ? [command] : [];
  });
}
