import { z } from 'zod';
import {
  fieldInput,
  fieldSpec,
  type FieldsOfType,
  type InputField,
  inputFieldNames,
  instanceFieldNames,
  type InstanceFieldValues,
  instanceFields,
  instanceTypes,
  type InstanceType,
  typeSpecs,
} from './instance-fields.ts';

export * from './instance-fields.ts';

export const instanceStatuses = ['created', 'running', 'stopped', 'unknown', 'error'] as const;
export const instanceOrigins = ['manual', 'discovered'] as const;
/**
 * What the agent in an instance is doing, beside its runtime status: `busy` (working a turn),
 * `waiting` (a permission prompt, a question), `idle` (turn finished), `exited` (the agent ended
 * while its session or container lives), `unknown` (no report yet). Reported by Claude Code's hooks.
 */
export const instanceActivities = ['busy', 'waiting', 'idle', 'exited', 'unknown'] as const;
/** `activity` sorts in the order of `instanceActivities` (the database enum's). */
export const sortFields = ['name', 'type', 'status', 'activity', 'createdAt', 'updatedAt', 'lastSeenAt'] as const;
export const sortOrders = ['asc', 'desc'] as const;

export type InstanceStatus = (typeof instanceStatuses)[number];
export type InstanceOrigin = (typeof instanceOrigins)[number];
export type InstanceActivity = (typeof instanceActivities)[number];
export type SortField = (typeof sortFields)[number];
export type SortOrder = (typeof sortOrders)[number];

/** Words the original cc-bridge CLI used as sub-commands or that read as values; refused in any case. */
export const reservedNames: ReadonlySet<string> = new Set([
  'all', 'list', 'status', 'help', 'start', 'stop', 'restart', 'attach', 'default', 'null', 'none', 'true', 'false',
]);

export const instanceType = z.enum(instanceTypes);
export const instanceStatus = z.enum(instanceStatuses);
export const instanceOrigin = z.enum(instanceOrigins);
export const instanceActivity = z.enum(instanceActivities);

export const instanceName = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/, {
    error: 'must start with a letter and hold only letters, digits, "-" and "_", 64 characters at most',
  })
  .refine((name) => !reservedNames.has(name.toLowerCase()), { error: 'is a reserved word; choose another name' });

/** Fields people give, per type; the others of the type are observed (`dockerObservedFields`). */
export const tmuxFields = inputFieldNames.filter((field) => instanceFields[field].type === 'tmux') as readonly (InputField & FieldsOfType<'tmux'>)[];
export const dockerFields = inputFieldNames.filter((field) => instanceFields[field].type === 'docker') as readonly (InputField & FieldsOfType<'docker'>)[];

type NullishInputShape = { [Field in InputField]: z.ZodOptional<z.ZodNullable<(typeof instanceFields)[Field]['input']['schema']>> };

// One entry a field; its type is rebuilt field by field above, which Object.fromEntries cannot carry.
const runtimeFieldShape = Object.fromEntries(inputFieldNames.map((field) => [field, fieldInput(field).schema.nullish()])) as NullishInputShape;

/**
 * Adds an issue for each field of another type that holds a value, and for a required field of
 * the type that does not. Shared by create (whole record) and update (record merged with patch).
 */
export function checkFieldsMatchType(
  type: InstanceType,
  fields: Partial<Record<InputField, unknown>>,
  ctx: z.RefinementCtx,
  { requireDocker = true }: { requireDocker?: boolean } = {},
): void {
  const isEmpty = (field: InputField) => fields[field] === undefined || fields[field] === null;
  for (const field of inputFieldNames) {
    const { type: owner } = instanceFields[field];
    if (owner !== type && !isEmpty(field)) {
      ctx.addIssue({ code: 'custom', path: [field], message: `is a ${typeSpecs[owner].label} field; a ${type} instance cannot have it` });
    }
  }
  if (!requireDocker) return;
  for (const field of inputFieldNames) {
    if (instanceFields[field].type === type && fieldInput(field).isRequired === true && isEmpty(field)) {
      ctx.addIssue({ code: 'custom', path: [field], message: `is required for a ${typeSpecs[type].label} instance` });
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
  for (const field of inputFieldNames) {
    const { type, input: spec } = fieldSpec(field);
    if (spec?.onStart === 'required' && type === input.type && !input[field]) {
      ctx.addIssue({ code: 'custom', path: [field], message: `is required to start a ${typeSpecs[type].label} instance` });
    } else if (typeof spec?.onStart === 'object' && input[field]) {
      ctx.addIssue({ code: 'custom', path: [field], message: spec.onStart.refused });
    }
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
const activityList = z
  .union([instanceActivity, z.array(instanceActivity)])
  .transform((value) => (Array.isArray(value) ? value : [value]));

export const listInstancesQuery = z.strictObject({
  type: instanceType.optional(),
  status: statusList.optional(),
  /** One activity or several (any of them). */
  activity: activityList.optional(),
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

/** A record as stored: the common columns, and every per-type field of `instanceFields` (null when not of its type). */
export interface Instance extends InstanceFieldValues {
  id: string;
  name: string;
  type: InstanceType;
  status: InstanceStatus;
  origin: InstanceOrigin;
  createdAt: Date;
  updatedAt: Date;
  lastSeenAt: Date | null;
  lastActivityAt: Date | null;
  /** What the agent is doing, as its hooks last reported; `unknown` before any report. */
  activity: InstanceActivity;
  /** When the activity last changed (null before any report). */
  activitySince: Date | null;
  /** Why it waits: the tool and its command, or the question asked; null unless `waiting`. */
  activityReason: string | null;
  /** Claude Code's `session_id` and transcript file, from its hooks. */
  claudeSessionId: string | null;
  claudeTranscriptPath: string | null;
  version: number;
}

/** The columns the agent's hooks write: observations, left to their defaults when a record is made. */
export const activityFields = ['activity', 'activitySince', 'activityReason', 'claudeSessionId', 'claudeTranscriptPath'] as const satisfies readonly (keyof Instance)[];

/** What a record holds before its agent reported anything. */
export const noActivity = {
  activity: 'unknown',
  activitySince: null,
  activityReason: null,
  claudeSessionId: null,
  claudeTranscriptPath: null,
} as const satisfies Pick<Instance, (typeof activityFields)[number]>;

/**
 * What a Docker record keeps of its container and Engine: its fields without input. Observations,
 * like status: the runtime writes them and they never bump `version`; no create or update input carries them.
 */
export const dockerObservedFields = instanceFieldNames.filter((field) => instanceFields[field].type === 'docker' && fieldSpec(field).input === undefined) as readonly Exclude<
  FieldsOfType<'docker'>,
  InputField
>[];
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

/** One line of the detail page and of `show`: a per-type field, or a summary of observed ones. */
export interface InstanceDetailRow {
  label: string;
  cliLabel: string;
  /** Null: empty (the page shows a dash, `show` leaves the line out). */
  value: string | number | null;
  isCode: boolean;
}

// The observed Docker fields read best together ("exited (137, out of memory)"), so their own
// declarations have no line and these summaries stand in for them.
const summaryRows = [
  { label: 'Engine state', cliLabel: 'engine state', describe: describeRuntimeState },
  { label: 'Docker Engine', cliLabel: 'engine', describe: describeDockerEngine },
] as const;

/**
 * Tokens an agent used, summed over the assistant messages of its Claude Code transcript (the
 * Messages API's usage): `input` (uncached input), `output`, `cacheCreation` (input written to
 * the prompt cache), `cacheRead` (input read from it). Counts of tokens.
 */
export interface TokenUsage {
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
}

/** The kinds of token use in the order every view lists them, with their words. */
export const tokenKinds = [
  { key: 'input', label: 'Input tokens', cliLabel: 'input tokens' },
  { key: 'output', label: 'Output tokens', cliLabel: 'output tokens' },
  { key: 'cacheCreation', label: 'Cache creation tokens', cliLabel: 'cache creation tokens' },
  { key: 'cacheRead', label: 'Cache read tokens', cliLabel: 'cache read tokens' },
] as const satisfies readonly { key: keyof TokenUsage; label: string; cliLabel: string }[];

/** One line about the agent for the detail page and `show`; a date is left to each view to word. */
export interface AgentDetailRow {
  label: string;
  cliLabel: string;
  /** Null: empty (the page shows a dash, `show` leaves the line out). */
  value: string | number | Date | null;
  isCode: boolean;
}

/**
 * The agent's lines of a record: its activity, since when, what it waits on, Claude's session
 * and transcript, then its token use (`tokens` as read from the transcript; null: unknown, the
 * lines are empty).
 */
export function agentDetailRows(instance: Pick<Instance, (typeof activityFields)[number]>, tokens: TokenUsage | null): AgentDetailRow[] {
  return [
    { label: 'Activity', cliLabel: 'activity', value: instance.activity, isCode: false },
    { label: 'Activity since', cliLabel: 'activity since', value: instance.activitySince, isCode: false },
    { label: 'Waiting on', cliLabel: 'waiting on', value: instance.activityReason, isCode: false },
    { label: 'Claude session', cliLabel: 'claude session', value: instance.claudeSessionId, isCode: true },
    { label: 'Transcript', cliLabel: 'transcript', value: instance.claudeTranscriptPath, isCode: true },
    ...tokenKinds.map(({ key, label, cliLabel }) => ({ label, cliLabel, value: tokens === null ? null : tokens[key], isCode: false })),
  ];
}

/** The per-type lines of a record, in declaration order, then the summaries; fields of every type, empty ones included. */
export function instanceDetailRows(instance: Instance): InstanceDetailRow[] {
  const fields = instanceFieldNames.flatMap((field): InstanceDetailRow[] => {
    const { detail } = fieldSpec(field);
    if (detail === null) return [];
    const value = instance[field];
    return [{ label: detail.label, cliLabel: detail.cliLabel, value: typeof value === 'boolean' ? (value ? 'yes' : 'no') : value, isCode: detail.isCode === true }];
  });
  const summaries = summaryRows.map(({ label, cliLabel, describe }) => ({ label, cliLabel, value: describe(instance), isCode: true }));
  return [...fields, ...summaries];
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
  // A runtime's outage and its end (instanceId null, instanceName `runtime:docker` / `runtime:tmux`).
  'runtime_unreachable', 'runtime_reachable',
  // The agent's activity moved (from its hooks): from/to the activity, the message what it waits on.
  'activity_changed',
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

/** Whether two container ids name one container: equal, or a short id and a longer one it starts. */
export function isSameContainer(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/**
 * A record brought in from elsewhere (the original cc-bridge's instances.json), before validation.
 * A source need not know every input field: one it lacks is empty.
 */
export type ImportRecord = Pick<Instance, 'name' | 'type' | 'status' | 'lastActivityAt'> &
  Partial<Pick<Instance, InputField>> & { createdAt: Date | null };

// ---- working inside an instance: its output, input typed into it ------------------------------

/** The most lines of output one read or follow asks for. */
export const maxOutputLines = 10_000;
/** Lines of output a read gives when it names none. */
export const defaultOutputLines = 50;
/**
 * The most text one send takes, in bytes of UTF-8: tmux refuses a command of about 16 KiB
 * ("command too long"), and a terminal's line buffer holds 4 KiB anyway.
 */
export const maxInputBytes = 8 * 1024;

/** How much recent output to read: the last `lines` (1–10 000), with colour escape sequences only when `colors`. */
export const readOutputInput = z.strictObject({
  lines: z.number().int().min(1, 'must be at least 1').max(maxOutputLines, `must be at most ${maxOutputLines}`).default(defaultOutputLines),
  colors: z.boolean().default(false),
});
export type ReadOutputInput = z.input<typeof readOutputInput>;

/** How to follow output: `lines` of recent output first (0, the default: only what is new). */
export const followOutputInput = z.strictObject({
  signal: z.instanceof(AbortSignal),
  lines: z.number().int().min(0, 'must be at least 0').max(maxOutputLines, `must be at most ${maxOutputLines}`).default(0),
  colors: z.boolean().default(false),
});
export type FollowOutputInput = z.input<typeof followOutputInput>;

/** Text typed into an instance: literal characters, at most `maxInputBytes`, no NUL (no program argument can carry one). */
export const inputText = z
  .string()
  .refine((text) => !text.includes('\0'), 'must not contain a NUL character')
  .refine((text) => new TextEncoder().encode(text).length <= maxInputBytes, `must be at most ${maxInputBytes} bytes`);

/** What to type into an instance: the text, then Enter unless `enter` is false; something must be sent. */
export const sendInputInput = z
  .strictObject({ text: inputText, enter: z.boolean().default(true) })
  .refine((input) => input.text !== '' || input.enter, { error: 'is empty and Enter was not asked for: nothing to send', path: ['text'] });
export type SendInputInput = z.input<typeof sendInputInput>;

/** The answers cc-bridge gives a permission prompt: Claude Code's `Yes`, `Yes, and don't ask again …`, `No`. */
export const answerChoices = ['yes', 'always', 'no'] as const;
export type AnswerChoice = (typeof answerChoices)[number];

/** Answering a waiting agent: the choice, and for `no` an optional message typed as its next prompt (what to do instead). */
export const answerInput = z
  .strictObject({
    choice: z.enum(answerChoices, { error: `must be one of ${answerChoices.join(', ')}` }),
    message: z.string().trim().min(1, 'must not be empty').pipe(inputText).optional(),
  })
  .refine((input) => input.message === undefined || input.choice === 'no', { error: 'goes only with the answer no', path: ['message'] });
export type AnswerInput = z.input<typeof answerInput>;
