import type { SerializedError } from './errors.ts';
import type { Instance, InstanceStatus, InstanceType } from './instance.ts';
import type { DockerEngine } from './runtimes/runtime.ts';

export type { DockerEngine };

/** Who did something, as recorded in events: `cli:alice`, `web`, `discovery`, `system`. */
export interface ActorOption {
  actor?: string;
}

export interface CreateOptions extends ActorOption {
  /**
   * Also start the runtime: a tmux session running the configured command, or (Docker, with
   * `imageName`) a new container labelled with the instance name. Container id and name may
   * then be left out: they come from the new container.
   */
  start?: boolean;
}

export interface UpdateOptions extends ActorOption {
  /** The `version` the caller read; a newer version in the database fails with CONFLICT. */
  expectedVersion?: number;
}

export interface DeleteOptions extends ActorOption {
  /** Also kill the tmux session, or stop and remove the container. */
  removeRuntime?: boolean;
}

export interface DeleteResult {
  instance: Instance;
  /**
   * What became of the tmux session or container: `kept` (not asked to remove it), `removed`, or
   * `gone` (asked to, but there was none any more).
   */
  runtime: 'kept' | 'removed' | 'gone';
}

export interface StatusResult {
  instance: Instance;
  status: InstanceStatus;
  checkedAt: Date;
  /** Whether the runtime was asked now (false: the short cache or the stored status answered). */
  isFresh: boolean;
  /** Set when the runtime could not be asked (status is then `unknown`). */
  error: SerializedError | null;
}

export interface StatusChange {
  name: string;
  from: InstanceStatus;
  to: InstanceStatus;
}

export interface RefreshReport {
  checked: number;
  changed: StatusChange[];
  errors: SerializedError[];
  /** The Docker Engine that was asked; null when none was (no Docker records, or it failed). */
  engine: DockerEngine | null;
  /** Docker records another Engine has claimed, whose container this one does not have: left as they were. */
  otherEngine: string[];
}

export interface NameConflict {
  containerId: string;
  containerName: string;
  wanted: string;
  assigned: string;
  /** What held the wanted name: a tmux record or another container's; null: the name is not allowed. */
  heldBy: InstanceType | null;
}

export interface DiscoveryReport {
  /** The Docker Engine that was asked; null when it could not be (disabled or unreachable). */
  engine: DockerEngine | null;
  /** Containers that matched the label or the image patterns. */
  found: number;
  added: string[];
  updated: string[];
  markedStopped: string[];
  /** Docker records another Engine has claimed, whose container this one does not have: left as they were. */
  otherEngine: string[];
  conflicts: NameConflict[];
  errors: SerializedError[];
}

export interface CleanupOptions {
  type?: InstanceType;
  /** Only records whose last update is older than this many milliseconds. */
  olderThanMs?: number;
  dryRun?: boolean;
}

export interface RemovalReport {
  dryRun: boolean;
  removed: Instance[];
  /** Prune: the Docker Engine whose containers were listed. Null for a clean-up, which asks no Engine. */
  engine: DockerEngine | null;
  /** Prune: discovered records another Engine has claimed, kept whatever this one lists. */
  otherEngine: string[];
}

export interface DockerHealth {
  enabled: boolean;
  /** Every configured host's Engine answered. */
  reachable: boolean;
  /** The first host that did not answer: why. */
  error: SerializedError | null;
  /** Each `[[docker.hosts]]` entry in order (empty when Docker is disabled). */
  hosts: { name: string; reachable: boolean; error: SerializedError | null }[];
}

export interface ImportReport {
  imported: string[];
  skipped: { name: string; reason: string }[];
}
