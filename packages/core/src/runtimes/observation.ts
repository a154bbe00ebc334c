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
} from './runtime.ts';

/**
 * What a runtime said of one record, before it is written: the status and the runtime's own
 * facts. Pure data; the manager writes it (status, lastSeenAt, pid, the Docker facts).
 */
export interface Observation {
  status: InstanceStatus;
  /** The runtime confirmed the session or container exists (moves lastSeenAt). */
  isSeen: boolean;
  /** The runtime could not be asked: the status is `unknown` by the outage rule, not observed. */
  isUnanswered?: boolean;
  /** The tmux session's first pane's process (`#{pane_pid}`). */
  pid?: number | null;
  /** What the Engine said of the container, written as given (never bumps the version). */
  docker?: Partial<DockerObservation>;
  /** Set when the container belongs to another Engine than this one: nothing was observed. */
  otherEngine?: DockerEngine;
}

/** Whether `observation` brings Docker facts the record does not hold yet. */
export function hasNewDockerFacts(instance: Instance, observation: Observation): boolean {
  const facts = observation.docker ?? {};
  return (Object.keys(facts) as (keyof DockerObservation)[]).some((field) => facts[field] !== instance[field]);
}

/** The observation of a record whose runtime could not be asked. */
export const unanswered: Observation = { status: 'unknown', isSeen: false, isUnanswered: true };

/**
 * A tmux record's observation from its session (`list-panes`), or null for none. A record never
 * started (`statusBefore` created) keeps `created` while it has no session.
 */
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

/** Refuses to judge, or act on, a container from an Engine that is not the one it belongs to (DOCKER_UNAVAILABLE). */
export function otherEngineError(instance: Instance, engine: DockerEngine): CcBridgeError {
  return new CcBridgeError(
    'DOCKER_UNAVAILABLE',
    `"${instance.name}" belongs to Docker Engine ${describeDockerEngine(instance) ?? '(unknown)'}, not to the Engine asked (${engine.id} at ${engine.endpoint}); ` +
      'its container was not looked for there. Point DOCKER_HOST at its Engine to check or remove it.',
  );
}

/** Containers of one list call by full id (the Engine's `Id`). */
export type ContainerIndex = Map<string, ContainerInfo>;

export function indexContainers(containers: readonly ContainerInfo[]): ContainerIndex {
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
