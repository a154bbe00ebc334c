// The one declaration of what each instance type stores beside the common record (name, status,
// dates). Everything that names these fields is derived from it: the zod inputs (instance.ts), the
// bulk insert (db/bulk.ts), the CLI flags, table and JSON (apps/cli), the web form, table columns
// and detail rows. Browser-safe: zod and nothing else, reached through '@cc-bridge/core/schemas'.
// To add a field: one entry in `instanceFields`, one column in prisma/schema.prisma and its migration.
import { z } from 'zod';

export const instanceTypes = ['tmux', 'docker'] as const;
export type InstanceType = (typeof instanceTypes)[number];

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
/** A `[[docker.hosts]]` name: a short slug. */
export const dockerHostName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, { error: 'must be a short slug: lower-case letters, digits and "-", at most 32 characters' });
export const dockerNetwork = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, { error: 'is not a valid Docker network name' });

/** The value a field holds (null aside), and its column's SQL type in the raw bulk insert. */
export const fieldKinds = {
  text: { sqlType: 'text' },
  integer: { sqlType: 'integer' },
  boolean: { sqlType: 'boolean' },
} as const;
export type FieldKind = keyof typeof fieldKinds;
type ValueOfKind<Kind extends FieldKind> = { text: string; integer: number; boolean: boolean }[Kind];

/** What a person may give: create and update inputs, a CLI flag, maybe a form field. */
export interface FieldInput {
  schema: z.ZodType;
  /** The CLI flag without its dashes; `--clear FLAG` takes the same word. */
  flag: string;
  /** The value's name in `--help`: `--image <image>`. */
  flagValue: string;
  flagHelp: string;
  /** A text box in the web form's create and edit dialogs; absent: no box (a pid is found, not typed). */
  form?: { placeholder: string };
  /** A record of its type must hold it, except when cc-bridge starts the runtime (which fills it in). */
  isRequired?: boolean;
  /** When cc-bridge starts the runtime: the field is needed to start it, or the new runtime supplies it (the message says so). */
  onStart?: 'required' | { refused: string };
}

export interface InstanceFieldSpec {
  /** The only type whose records may hold it. */
  type: InstanceType;
  kind: FieldKind;
  /** Absent: an observation the runtime writes (like status, it never bumps `version`). */
  input?: FieldInput;
  /**
   * Its line on the detail page (`label`, also the form's) and in `show` (`cliLabel`); `isCode`:
   * set in monospace. Null: shown only within a summary line of its type (see `typeSpecs`).
   */
  detail: { label: string; cliLabel: string; isCode?: boolean } | null;
  /** A column of its own in the instance tables (web and CLI). */
  column?: { label: string; cliHeader: string };
  /** How a list's search text matches it: anywhere in any case, or as the start of an id (lower case). */
  search?: 'contains' | 'prefix';
}

/**
 * Every per-type field, in the order JSON, `show`, the detail page and the form list them.
 * The key is the Prisma field (and column) name.
 */
export const instanceFields = {
  tmuxSession: {
    type: 'tmux',
    kind: 'text',
    input: { schema: tmuxSessionName, flag: 'tmux-session', flagValue: 'session', flagHelp: 'tmux session name', form: { placeholder: 'defaults to the name' } },
    detail: { label: 'tmux session', cliLabel: 'tmux session', isCode: true },
    search: 'contains',
  },
  pid: {
    type: 'tmux',
    kind: 'integer',
    input: { schema: processId, flag: 'pid', flagValue: 'pid', flagHelp: 'process id of Claude Code in the session' },
    detail: { label: 'PID', cliLabel: 'pid' },
  },
  cwd: {
    type: 'tmux',
    kind: 'text',
    input: { schema: workingDirectory, flag: 'cwd', flagValue: 'dir', flagHelp: 'working directory (absolute)', form: { placeholder: '/home/me/projects/billing' } },
    detail: { label: 'Working directory', cliLabel: 'cwd', isCode: true },
    search: 'contains',
  },
  containerId: {
    type: 'docker',
    kind: 'text',
    input: {
      schema: containerId,
      flag: 'container-id',
      flagValue: 'id',
      flagHelp: 'Docker container id',
      form: { placeholder: '12 to 64 hex characters' },
      isRequired: true,
      onStart: { refused: 'comes from the new container; leave it out when starting one' },
    },
    detail: { label: 'Container ID', cliLabel: 'container id', isCode: true },
    search: 'prefix',
  },
  containerName: {
    type: 'docker',
    kind: 'text',
    input: { schema: containerName, flag: 'container-name', flagValue: 'name', flagHelp: 'Docker container name', form: { placeholder: 'claude-billing' }, isRequired: true },
    detail: { label: 'Container name', cliLabel: 'container name' },
    search: 'contains',
  },
  imageName: {
    type: 'docker',
    kind: 'text',
    input: { schema: imageName, flag: 'image', flagValue: 'image', flagHelp: 'Docker image', form: { placeholder: 'claude-code:latest' }, onStart: 'required' },
    detail: { label: 'Image', cliLabel: 'image', isCode: true },
    column: { label: 'Image', cliHeader: 'IMAGE' },
    search: 'contains',
  },
  dockerNetwork: {
    type: 'docker',
    kind: 'text',
    input: { schema: dockerNetwork, flag: 'network', flagValue: 'network', flagHelp: 'Docker network', form: { placeholder: 'bridge' } },
    detail: { label: 'Network', cliLabel: 'network' },
  },
  /** Docker's state word for the container when last observed (created, running, exited…); null on tmux records and before. */
  runtimeState: { type: 'docker', kind: 'text', detail: null },
  /** The container's health check verdict while it ran (starting, healthy, unhealthy); null without one. */
  runtimeHealth: { type: 'docker', kind: 'text', detail: null },
  /** How the container's last run ended, while it is exited or restarting. */
  exitCode: { type: 'docker', kind: 'integer', detail: null },
  /** Whether the kernel's OOM killer ended it (read for exit code 137 only). */
  oomKilled: { type: 'docker', kind: 'boolean', detail: null },
  /** The Docker Engine the container belongs to: its `ID` from GET /info. Null until an Engine has seen the container. */
  dockerEngineId: { type: 'docker', kind: 'text', detail: null },
  /** Where that Engine was last reached (`unix:///var/run/docker.sock`). */
  dockerEndpoint: { type: 'docker', kind: 'text', detail: null },
  /** The `[[docker.hosts]]` entry (its name) whose Engine runs the container; null: the first configured host. */
  dockerHost: {
    type: 'docker',
    kind: 'text',
    input: { schema: dockerHostName, flag: 'docker-host', flagValue: 'name', flagHelp: 'the [[docker.hosts]] entry whose Engine runs the container (default: the first)' },
    detail: { label: 'Host', cliLabel: 'host' },
    column: { label: 'Host', cliHeader: 'HOST' },
    search: 'contains',
  },
} as const satisfies Record<string, InstanceFieldSpec>;

type Fields = typeof instanceFields;
export type InstanceField = keyof Fields;
/** Fields people give (inputs, flags); the others are observations. */
export type InputField = { [Field in InstanceField]: Fields[Field] extends { input: FieldInput } ? Field : never }[InstanceField];
/** Fields with a text box in the web form. */
export type FormField = { [Field in InstanceField]: Fields[Field] extends { input: { form: object } } ? Field : never }[InstanceField];
export type FieldsOfType<Type extends InstanceType> = { [Field in InstanceField]: Fields[Field]['type'] extends Type ? Field : never }[InstanceField];

/** What each field holds on a record: its kind's value, or null when it is empty or not of the record's type. */
export type InstanceFieldValues = { -readonly [Field in InstanceField]: ValueOfKind<Fields[Field]['kind']> | null };

const entries = Object.entries(instanceFields) as [InstanceField, InstanceFieldSpec][];

/** Every per-type field in declaration order. */
export const instanceFieldNames: readonly InstanceField[] = entries.map(([field]) => field);
export const inputFieldNames = entries.flatMap(([field, spec]) => (spec.input ? [field] : [])) as readonly InputField[];
export const formFieldNames = entries.flatMap(([field, spec]) => (spec.input?.form ? [field] : [])) as readonly FormField[];
/** Fields with a column of their own in the instance tables, after the combined session/container column. */
export type ColumnField = { [Field in InstanceField]: Fields[Field] extends { column: object } ? Field : never }[InstanceField];
export const columnFieldNames = entries.flatMap(([field, spec]) => (spec.column ? [field] : [])) as readonly ColumnField[];

/** The declaration of one field, widened for code that walks all of them. */
export function fieldSpec(field: InstanceField): InstanceFieldSpec {
  return instanceFields[field];
}

/** A field's input declaration; fields listed by `inputFieldNames` always have one. */
export function fieldInput(field: InputField): FieldInput {
  const { input } = fieldSpec(field);
  if (!input) throw new Error(`${field} is not an input field`);
  return input;
}

export function fieldsOfType<Type extends InstanceType>(type: Type): readonly FieldsOfType<Type>[] {
  return instanceFieldNames.filter((field) => instanceFields[field].type === type) as FieldsOfType<Type>[];
}

/** The per-type fields of a record and nothing else it may carry, in declaration order. */
export function instanceFieldValuesOf(record: InstanceFieldValues): InstanceFieldValues {
  return Object.fromEntries(instanceFieldNames.map((field) => [field, record[field]])) as InstanceFieldValues;
}

/**
 * Every input field of a validated input as a record stores it: absent ones null. For building
 * whole rows (import, bulk insert) without naming each field.
 */
export function inputFieldValuesOf(input: Partial<Pick<InstanceFieldValues, InputField>>): Pick<InstanceFieldValues, InputField> {
  return Object.fromEntries(inputFieldNames.map((field) => [field, input[field] ?? null])) as Pick<InstanceFieldValues, InputField>;
}

/** Every per-type field null: the start of a record before its type's fields are filled in. */
export const emptyInstanceFields = Object.fromEntries(instanceFieldNames.map((field) => [field, null])) as { [Field in InstanceField]: null };

/**
 * How each type is spoken of, so wording never branches on the type. `identity` names the fields
 * that identify the runtime (the session, or the container's name and id) for the tables' combined
 * column and for messages.
 */
export interface TypeSpec {
  /** In running text: "a tmux instance", "a Docker field". */
  label: string;
  /** The type chooser's option: "tmux session", "Docker container". */
  optionLabel: string;
  /** What the record's runtime is: "tmux session", "container". */
  runtimeNoun: string;
  /** The name field, and an id field (shown short) if the type has one. */
  identity: { name: InstanceField; id: InstanceField | null };
  /** What the create form says `start` does. */
  startHint: string;
  /** The delete confirmation's checkbox. */
  removeRuntimeLabel: string;
  /** After a delete that removed the runtime: "its container was stopped and removed". */
  removedSentence: string;
  /** The CLI's note after such a delete: "container stopped and removed". */
  removedNote: string;
  /** The CLI's confirmation question: "… and remove its container?". */
  removeRuntimePhrase: string;
}

export const typeSpecs = {
  tmux: {
    label: 'tmux',
    optionLabel: 'tmux session',
    runtimeNoun: 'tmux session',
    identity: { name: 'tmuxSession', id: null },
    startHint: 'Starts a detached tmux session running the configured command.',
    removeRuntimeLabel: 'Also kill the tmux session',
    removedSentence: 'its tmux session was killed',
    removedNote: 'tmux session killed',
    removeRuntimePhrase: 'kill its tmux session',
  },
  docker: {
    label: 'Docker',
    optionLabel: 'Docker container',
    runtimeNoun: 'container',
    identity: { name: 'containerName', id: 'containerId' },
    startHint: 'Runs a new container from the image; its ID and name come from Docker.',
    removeRuntimeLabel: 'Also stop and remove the container',
    removedSentence: 'its container was stopped and removed',
    removedNote: 'container stopped and removed',
    removeRuntimePhrase: 'remove its container',
  },
} as const satisfies Record<InstanceType, TypeSpec>;

/** The short form Docker prints (`docker ps`). */
export function shortContainerId(id: string): string {
  return id.slice(0, 12);
}

/** The fields `runtimeIdentity` reads. */
export type IdentityField = (typeof typeSpecs)[InstanceType]['identity'][keyof TypeSpec['identity']] & InstanceField;

/**
 * What identifies a record's runtime: the session, or the container by name and short id
 * (`fullId` for a tooltip). Nulls when the record holds neither.
 */
export function runtimeIdentity(record: { type: InstanceType } & Pick<InstanceFieldValues, IdentityField>): {
  name: string | null;
  shortId: string | null;
  fullId: string | null;
} {
  const { identity } = typeSpecs[record.type];
  const text = (field: IdentityField | null) => {
    const value = field === null ? null : record[field];
    return typeof value === 'string' && value !== '' ? value : null;
  };
  const fullId = text(identity.id);
  return { name: text(identity.name), shortId: fullId === null ? null : shortContainerId(fullId), fullId };
}
