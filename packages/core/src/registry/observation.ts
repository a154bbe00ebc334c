import { goneContainerObservation } from '../discovery/merge.ts';
import { CcBridgeError } from '../errors.ts';
import { describeDockerEngine, type DockerObservation, type Instance, type InstanceStatus } from '../instance.ts';
import {
  belongsToOtherEngine,
  observeDockerContainer,
  statusFromContainerState,
  statusFromTmuxSession,
  type ContainerInfo,
  type DockerEngine,
  type TmuxSessionInfo,
} from '../runtimes/runtime.ts';

/** What a runtime said of one record, before it is written. */
export interface Observation {
  status: InstanceStatus;
  /** The runtime confirmed the session or container exists (moves lastSeenAt). */
  isSeen: boolean;
  /** The runtime could not be asked: the status is `unknown` by the outage rule, not observed. */
  isUnanswered?: boolean;
  pid?: number | null;
  /** What the Engine said of the container, written as given (never bumps the version). */
  docker?: Partial<DockerObservation>;
  /** Set when the container belongs to another Engine than this one: nothing was observed. */
  otherEngine?: DockerEngine;
}

export function hasNewDockerFacts(instance: Instance, observation: Observation): boolean {
  const facts = observation.docker ?? {};
  return (Object.keys(facts) as (keyof DockerObservation)[]).some((field) => facts[field] !== instance[field]);
}

export const unanswered: Observation = { status: 'unknown', isSeen: false, isUnanswered: true };

/** A tmux record never started (`statusBefore` created) keeps `created` while it has no session. */
export function observeTmux(statusBefore: InstanceStatus, session: TmuxSessionInfo | null): Observation {
  if (!session) return { status: statusBefore === 'created' ? 'created' : 'stopped', isSeen: false };
  return { status: statusFromTmuxSession(session), isSeen: true, pid: session.panePid };
}

/**
 * A container this Engine has is observed (and claims the record for the Engine). One it does not
 * have is gone, unless another Engine claimed the record: then nothing is concluded.
 */
export function observeContainer(instance: Instance, container: ContainerInfo | null, engine: DockerEngine): Observation {
  if (container) return { status: statusFromContainerState(container), isSeen: true, docker: observeDockerContainer(container, engine) };
  if (belongsToOtherEngine(instance, engine)) return { status: instance.status, isSeen: false, otherEngine: engine };
  return { status: 'stopped', isSeen: false, docker: goneContainerObservation };
}

/** Refuses to judge, or act on, a container from an Engine that is not the one it belongs to. */
export function otherEngineError(instance: Instance, engine: DockerEngine): CcBridgeError {
  return new CcBridgeError(
    'DOCKER_UNAVAILABLE',
    `"${instance.name}" belongs to Docker Engine ${describeDockerEngine(instance) ?? '(unknown)'}, not to the Engine asked (${engine.id} at ${engine.endpoint}); ` +
      'its container was not looked for there. Point DOCKER_HOST at its Engine to check or remove it.',
  );
}

/** The items that pass `test`, then the others. */
export function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const passed: T[] = [];
  const failed: T[] = [];
  for (const item of items) (test(item) ? passed : failed).push(item);
  return [passed, failed];
}

export type ContainerIndex = Map<string, ContainerInfo>;

export function indexContainers(containers: ContainerInfo[]): ContainerIndex {
  return new Map(containers.map((container) => [container.id, container]));
}

/** A stored short id (as `docker ps` prints) matches the full id it starts. */
export function findContainer(index: ContainerIndex, id: string | null): ContainerInfo | null {
  if (!id) return null;
  const exact = index.get(id);
  if (exact || id.length === 64) return exact ?? null;
  for (const container of index.values()) if (container.id.startsWith(id)) return container;
  return null;
}
