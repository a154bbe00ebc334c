import { z } from 'zod';

export const instanceTypes = ['tmux', 'docker'] as const;
export const instanceStatuses = ['created', 'running', 'stopped', 'unknown', 'error'] as const;
export const instanceOrigins = ['manual', 'discovered'] as const;
export const sortFields = ['name', 'type', 'status', 'createdAt', 'updatedAt', 'lastSeenAt'] as const;
export const sortOrders = ['asc', 'desc'] as const;

export type InstanceType = (typeof instanceTypes)[number];
export type InstanceStatus = (typeof instanceStatuses)[number];
export type InstanceOrigin = (typeof instanceOrigins)[number];
export type SortField = (typeof sortFields)[number];
export type SortOrder = (typeof sortOrders)[number];

/** Words the original cc-bridge CLI used as sub-commands or that read as values; refused in any case. */
export const reservedNames: ReadonlySet<string> = new Set([
  'all', 'list', 'status', 'help', 'start', 'stop', 'restart', 'attach', 'default', 'null', 'none', 'true', 'false',
]);

export const instanceType = z.enum(instanceTypes);
export const instanceStatus = z.enum(instanceStatuses);
export const instanceOrigin = z.enum(instanceOrigins);

export const instanceName = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/, {
    error: 'must start with a letter and hold only letters, digits, "-" and "_", 64 characters at most',
  })
  .refine((name) => !reservedNames.has(name.toLowerCase()), { error: 'is a reserved word; choose another name' });

// tmux rewrites "." and ":" in session names, so they are refused rather than silently changed.
export const tmuxSessionName = z
  .string()
  .regex(/^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,127}$/, { error: 'must hold only letters, digits, "-" and "_"' });
export const processId = z.number().int().positive().max(2 ** 31 - 1);
export const workingDirectory = z
  .string()
  .min(1)
  .max(4096)
  .refine((path) => path.startsWith('/') && !path.includes('\0'), { error: 'must be an absolute path' });
export const containerId = z
  .string()
  .regex(/^[a-f0-9]{12,64}$/, { error: 'must be a Docker container id: 12 to 64 lowercase hex characters' });
export const containerName = z
  .string()
  .transform((name) => name.replace(/^\//, ''))
  .pipe(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, { error: 'is not a valid Docker container name' }));
export const imageName = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._\-/:@]{0,254}$/, { error: 'is not a valid Docker image reference' });
export const dockerNetwork = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, { error: 'is not a valid Docker network name' });

export const tmuxFields = ['tmuxSession', 'pid', 'cwd'] as const;
export const dockerFields = ['containerId', 'containerName', 'imageName', 'dockerNetwork'] as const;
type RuntimeField = (typeof tmuxFields)[number] | (typeof dockerFields)[number];

const runtimeFieldShape = {
  tmuxSession: tmuxSessionName.nullish(),
  pid: processId.nullish(),
  cwd: workingDirectory.nullish(),
  containerId: containerId.nullish(),
  containerName: containerName.nullish(),
  imageName: imageName.nullish(),
  dockerNetwork: dockerNetwork.nullish(),
};

/**
 * Adds an issue for each field of the other type that holds a value, and for a Docker field
 * that must be there. Shared by create (whole record) and update (record merged with patch).
 */
export function checkFieldsMatchType(
  type: InstanceType,
  fields: Partial<Record<RuntimeField, unknown>>,
  ctx: z.RefinementCtx,
  { requireDocker = true }: { requireDocker?: boolean } = {},
): void {
  const foreign = type === 'tmux' ? dockerFields : tmuxFields;
  for (const field of foreign) {
    if (fields[field] !== undefined && fields[field] !== null) {
      ctx.addIssue({ code: 'custom', path: [field], message: `is a ${type === 'tmux' ? 'Docker' : 'tmux'} field; a ${type} instance cannot have it` });
    }
  }
  if (type === 'docker' && requireDocker) {
    for (const field of ['containerId', 'containerName'] as const) {
      if (fields[field] === undefined || fields[field] === null) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'is required for a Docker instance' });
      }
    }
  }
}

const createInstanceShape = z.strictObject({
  name: instanceName,
  type: instanceType.default('tmux'),
  ...runtimeFieldShape,
});

/** A record of a runtime that exists already: a Docker record names its container. */
export const createInstanceInput = createInstanceShape.superRefine((input, ctx) => checkFieldsMatchType(input.type, input, ctx));
export type CreateInstanceInput = z.input<typeof createInstanceInput>;
export type ValidCreateInstanceInput = z.output<typeof createInstanceInput>;

/**
 * A record whose runtime cc-bridge starts now: the container's id (and, if not given, its name)
 * come from the new container, which needs an image.
 */
export const startInstanceInput = createInstanceShape.superRefine((input, ctx) => {
  checkFieldsMatchType(input.type, input, ctx, { requireDocker: false });
  if (input.type === 'docker' && !input.imageName) {
    ctx.addIssue({ code: 'custom', path: ['imageName'], message: 'is required to start a Docker instance' });
  }
  if (input.containerId) {
    ctx.addIssue({ code: 'custom', path: ['containerId'], message: 'comes from the new container; leave it out when starting one' });
  }
});

/** A patch: absent fields stay as they are, `null` clears one. The type never changes. */
export const updateInstancePatch = z.strictObject({
  name: instanceName.optional(),
  ...runtimeFieldShape,
});
export type UpdateInstancePatch = z.input<typeof updateInstancePatch>;
export type ValidUpdateInstancePatch = z.output<typeof updateInstancePatch>;

export const expectedVersion = z.number().int().positive();

const statusList = z
  .union([instanceStatus, z.array(instanceStatus)])
  .transform((value) => (Array.isArray(value) ? value : [value]));

export const listInstancesQuery = z.strictObject({
  type: instanceType.optional(),
  status: statusList.optional(),
  origin: instanceOrigin.optional(),
  search: z.string().trim().max(200).optional(),
  sort: z.enum(sortFields).default('name'),
  order: z.enum(sortOrders).default('asc'),
  /** Absent: every matching record. */
  limit: z.number().int().min(1).max(10_000).optional(),
  offset: z.number().int().min(0).optional(),
  /** The `nextCursor` of the previous page. */
  cursor: z.uuid().optional(),
});
export type ListInstancesQuery = z.input<typeof listInstancesQuery>;
export type ValidListInstancesQuery = z.output<typeof listInstancesQuery>;

export interface Instance {
  id: string;
  name: string;
  type: InstanceType;
  status: InstanceStatus;
  origin: InstanceOrigin;
  createdAt: Date;
  updatedAt: Date;
  lastSeenAt: Date | null;
  lastActivityAt: Date | null;
  tmuxSession: string | null;
  pid: number | null;
  cwd: string | null;
  containerId: string | null;
  containerName: string | null;
  imageName: string | null;
  dockerNetwork: string | null;
  /** Docker's state word for the container when last observed (created, running, exited…); null on tmux records and before. */
  runtimeState: string | null;
  /** The container's health check verdict while it ran (starting, healthy, unhealthy); null without one. */
  runtimeHealth: string | null;
  /** How the container's last run ended, while it is exited or restarting. */
  exitCode: number | null;
  /** Whether the kernel's OOM killer ended it (read for exit code 137 only). */
  oomKilled: boolean | null;
  /** The Docker Engine the container belongs to: its `ID` from GET /info. Null until an Engine has seen the container. */
  dockerEngineId: string | null;
  /** Where that Engine was last reached (`unix:///var/run/docker.sock`). */
  dockerEndpoint: string | null;
  version: number;
}

/**
 * What a Docker record keeps of its container and Engine. Observations, like status: the runtime
 * writes them and they never bump `version`; no create or update input carries them.
 */
export const dockerObservedFields = ['runtimeState', 'runtimeHealth', 'exitCode', 'oomKilled', 'dockerEngineId', 'dockerEndpoint'] as const;
export type DockerObservation = Pick<Instance, (typeof dockerObservedFields)[number]>;

/** Every observed field empty: a record no Engine has seen yet (made by hand, imported, a tmux one). */
export const unobservedContainer = Object.fromEntries(dockerObservedFields.map((field) => [field, null])) as {
  [Field in (typeof dockerObservedFields)[number]]: null;
};

/** The Engine's own view in a few words, as `show` and the detail page print it: `exited (3)`, `running (unhealthy)`; null when unknown. */
export function describeRuntimeState(instance: Pick<Instance, 'runtimeState' | 'runtimeHealth' | 'exitCode' | 'oomKilled'>): string | null {
  if (instance.runtimeState === null) return null;
  const details = [
    ...(instance.exitCode === null ? [] : [String(instance.exitCode)]),
    ...(instance.oomKilled === true ? ['out of memory'] : []),
    // As `docker ps` words it: "healthy" and "unhealthy" speak for themselves, "starting" does not.
    ...(instance.runtimeHealth === null ? [] : [instance.runtimeHealth === 'starting' ? 'health: starting' : instance.runtimeHealth]),
  ];
  return details.length === 0 ? instance.runtimeState : `${instance.runtimeState} (${details.join(', ')})`;
}

/** The Engine a Docker record belongs to, for people: `ID at ENDPOINT`; null before any Engine saw it. */
export function describeDockerEngine(instance: Pick<Instance, 'dockerEngineId' | 'dockerEndpoint'>): string | null {
  if (instance.dockerEngineId === null) return null;
  return instance.dockerEndpoint === null ? instance.dockerEngineId : `${instance.dockerEngineId} at ${instance.dockerEndpoint}`;
}

export type DockerInstance = Instance & { type: 'docker'; containerId: string; containerName: string };
export type TmuxInstance = Instance & { type: 'tmux' };

export interface ListInstancesResult {
  items: Instance[];
  /** Records matching the filters (all pages). */
  matched: number;
  /** Records in the registry, unfiltered. */
  total: number;
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

export const eventKinds = [
  'created', 'updated', 'status_changed', 'discovered', 'merged', 'renamed_on_conflict', 'deleted', 'imported', 'action',
] as const;
export type EventKind = (typeof eventKinds)[number];

export interface InstanceEvent {
  id: number;
  instanceId: string | null;
  instanceName: string;
  kind: EventKind;
  from: unknown;
  to: unknown;
  actor: string;
  message: string | null;
  at: Date;
}

/** The short form Docker prints (`docker ps`). */
export function shortContainerId(id: string): string {
  return id.slice(0, 12);
}

/** Whether two container ids name one container: equal, or a short id and a longer one it starts. */
export function isSameContainer(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/** A record brought in from elsewhere (the original cc-bridge's instances.json), before validation. */
export type ImportRecord = Pick<
  Instance,
  'name' | 'type' | 'status' | 'lastActivityAt' | (typeof tmuxFields)[number] | (typeof dockerFields)[number]
> & { createdAt: Date | null };
