import type Dockerode from 'dockerode';

import type { ContainerInfo } from '../runtime.ts';

/**
 * A container's own name from the list call's `Names`. Docker also lists the aliases links give
 * it (`/web/db`); its own name is the one with a single leading slash.
 */
export function containerNameFromNames(names: readonly string[]): string {
  const own = names.find((name) => name.lastIndexOf('/') === 0) ?? names[0] ?? '';
  return own.replace(/^\//, '');
}

/** One entry of `docker.listContainers()` (GET /containers/json) as our ContainerInfo. */
export function containerInfoFromSummary(summary: Dockerode.ContainerInfo): ContainerInfo {
  return {
    id: summary.Id,
    name: containerNameFromNames(summary.Names),
    image: summary.Image,
    state: summary.State,
    // The Engine sends null rather than {} for a container without labels or networks.
    labels: { ...(summary.Labels ?? {}) },
    networks: Object.keys(summary.NetworkSettings?.Networks ?? {}).sort(),
    createdAt: new Date(summary.Created * 1000),
  };
}

/** `container.inspect()` (GET /containers/{id}/json) as the same ContainerInfo the list call gives. */
export function containerInfoFromInspect(inspect: Dockerode.ContainerInspectInfo): ContainerInfo {
  return {
    id: inspect.Id,
    name: inspect.Name.replace(/^\//, ''),
    image: inspect.Config.Image,
    state: inspect.State.Status,
    labels: { ...(inspect.Config.Labels ?? {}) },
    networks: Object.keys(inspect.NetworkSettings?.Networks ?? {}).sort(),
    createdAt: new Date(inspect.Created),
  };
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
