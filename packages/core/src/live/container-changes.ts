import { matchesImagePattern } from '../discovery/docker-discoverer.ts';
import { isSameContainer } from '../instance.ts';
import type { ContainerAction, ContainerChange } from '../runtimes/instance-runtime.ts';

/** What discovery matches a container by without asking the Engine (config `docker.containerLabel`, `docker.imagePatterns`). */
export interface DiscoveryRules {
  containerLabel: string;
  imagePatterns: readonly string[];
}

/**
 * What a burst of container changes asks of the registry. Every container it touched has its
 * records observed again (one container list); discovery runs when a container it would match
 * appeared or was renamed, or when such a container has no record yet.
 */
export interface ContainerWork {
  /** Every container the burst touched (full ids, `Actor.ID`), each once, in the order first seen. */
  containerIds: string[];
  /** A container discovery would match was created or renamed (and not destroyed later in the burst). */
  needsDiscovery: boolean;
  /** Containers discovery would match that still exist after the burst: discovery runs if one has no record. */
  discoverable: string[];
}

/**
 * What each Engine action means for the registry:
 * - `create`, `rename`: a container discovery may register, or whose name changed: discovery;
 * - `start`, `restart`, `unpause`, `pause`, `kill`, `die`, `stop`, `oom`, `health_status`: the
 *   container's state changed (or may have: `kill` can send a signal that does not stop it):
 *   observe its records;
 * - `destroy`: the container is gone: observing its records finds none, which makes them
 *   `stopped` and keeps them.
 */
const discoveryActions: ReadonlySet<ContainerAction> = new Set(['create', 'rename']);

/** Whether discovery would match this container by its label or image (the process scan needs the Engine, so it is left to full discoveries). */
export function isDiscoverable(change: Pick<ContainerChange, 'labels' | 'image'>, rules: DiscoveryRules): boolean {
  return change.labels[rules.containerLabel] !== undefined || matchesImagePattern(change.image, rules.imagePatterns);
}

/**
 * The registry work for a burst of changes, in the order the Engine sent them. Pure: a `docker
 * stop` (kill, die, stop within milliseconds) is one container to observe, not three.
 */
export function planContainerWork(changes: readonly ContainerChange[], rules: DiscoveryRules): ContainerWork {
  const lastAction = new Map<string, ContainerAction>();
  const created = new Set<string>();
  const discoverable = new Set<string>();
  for (const change of changes) {
    lastAction.set(change.containerId, change.action);
    if (!isDiscoverable(change, rules)) continue;
    discoverable.add(change.containerId);
    if (discoveryActions.has(change.action)) created.add(change.containerId);
  }
  const exists = (id: string) => lastAction.get(id) !== 'destroy';
  return {
    containerIds: [...lastAction.keys()],
    needsDiscovery: [...created].some(exists),
    discoverable: [...discoverable].filter(exists),
  };
}

/** The records (of those given) whose container is one of `containerIds`; a stored short id matches the full id it starts. */
export function recordsOfContainers<T extends { containerId: string | null }>(records: readonly T[], containerIds: readonly string[]): T[] {
  return records.filter((record) => {
    const stored = record.containerId;
    // An empty id would be a prefix of every container.
    return stored !== null && stored !== '' && containerIds.some((id) => isSameContainer(id, stored));
  });
}

/** Whether some discoverable container has no record yet, so that only discovery can add it. */
export function hasUnregistered(work: ContainerWork, records: readonly { containerId: string | null }[]): boolean {
  return work.discoverable.some((id) => recordsOfContainers(records, [id]).length === 0);
}
