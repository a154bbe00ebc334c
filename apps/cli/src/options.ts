// Flag values turned into the shapes core takes. Only the form of a value is checked here
// (an enum, a whole number, a duration); what makes a value valid for an instance is core's call.
// Core's light entry points, not its index (see format.ts).
import { parseDuration } from '@cc-bridge/core/duration';
import { isCcBridgeError } from '@cc-bridge/core/errors';
import { type CreateInstanceInput, instanceStatuses, type InstanceStatus, type InstanceType, type UpdateInstancePatch } from '@cc-bridge/core/schemas';
import { InvalidArgumentError } from '@commander-js/extra-typings';

/** `--status running,stopped`, repeatable; the lists add up. */
export function parseStatusList(text: string, previous: InstanceStatus[] = []): InstanceStatus[] {
  const parts = text.split(',').map((part) => part.trim()).filter(Boolean);
  if (parts.length === 0) throw new InvalidArgumentError(`give one or more of ${instanceStatuses.join(', ')}`);
  const statuses = [...previous];
  for (const part of parts) {
    const status = instanceStatuses.find((known) => known === part);
    if (status === undefined) throw new InvalidArgumentError(`"${part}" is not a status; use ${instanceStatuses.join(', ')}`);
    if (!statuses.includes(status)) statuses.push(status);
  }
  return statuses;
}

export function parseWholeNumber(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError('must be a whole number');
  return Number(text.trim());
}

/** `--older-than 7d`: a malformed duration is a usage error, explained by core. */
export function parseDurationFlag(text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    if (isCcBridgeError(error, 'INVALID_INPUT')) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

export interface RuntimeFlags {
  tmuxSession?: string;
  pid?: number;
  cwd?: string;
  containerId?: string;
  containerName?: string;
  image?: string;
  network?: string;
}

type RuntimePatch = Pick<UpdateInstancePatch, 'tmuxSession' | 'pid' | 'cwd' | 'containerId' | 'containerName' | 'imageName' | 'dockerNetwork'>;

/** `--clear` takes the flag's own name, so `--clear container-id` undoes `--container-id`. */
const clearable = {
  'tmux-session': { option: 'tmuxSession', field: 'tmuxSession' },
  pid: { option: 'pid', field: 'pid' },
  cwd: { option: 'cwd', field: 'cwd' },
  'container-id': { option: 'containerId', field: 'containerId' },
  'container-name': { option: 'containerName', field: 'containerName' },
  image: { option: 'image', field: 'imageName' },
  network: { option: 'network', field: 'dockerNetwork' },
} as const satisfies Record<string, { option: keyof RuntimeFlags; field: keyof RuntimePatch }>;
export type ClearableFlag = keyof typeof clearable;
export const clearableFlags = Object.keys(clearable) as ClearableFlag[];

export interface UpdateFlags extends RuntimeFlags {
  name?: string;
  clear?: ClearableFlag[];
}

// Absent flags must stay absent keys: a key holding undefined could read as "set" downstream.
function runtimeFields(flags: RuntimeFlags): RuntimePatch {
  const fields: RuntimePatch = {};
  if (flags.tmuxSession !== undefined) fields.tmuxSession = flags.tmuxSession;
  if (flags.pid !== undefined) fields.pid = flags.pid;
  if (flags.cwd !== undefined) fields.cwd = flags.cwd;
  if (flags.containerId !== undefined) fields.containerId = flags.containerId;
  if (flags.containerName !== undefined) fields.containerName = flags.containerName;
  if (flags.image !== undefined) fields.imageName = flags.image;
  if (flags.network !== undefined) fields.dockerNetwork = flags.network;
  return fields;
}

/** No type means core's default (tmux); Docker flags are not taken as a hint, core refuses them. */
export function buildCreateInput(name: string, flags: RuntimeFlags & { type?: InstanceType }): CreateInstanceInput {
  return { name, ...(flags.type === undefined ? {} : { type: flags.type }), ...runtimeFields(flags) };
}

/** Flags that cannot go together, or none at all: a usage error (exit 2). */
export class FlagUsageError extends Error {}

export function buildUpdatePatch(flags: UpdateFlags): UpdateInstancePatch {
  const patch: UpdateInstancePatch = { ...(flags.name === undefined ? {} : { name: flags.name }), ...runtimeFields(flags) };
  for (const flag of flags.clear ?? []) {
    const { option, field } = clearable[flag];
    if (flags[option] !== undefined) throw new FlagUsageError(`--${flag} and --clear ${flag} contradict each other; give one`);
    patch[field] = null;
  }
  if (Object.keys(patch).length === 0) {
    throw new FlagUsageError(`nothing to change: give --name, a runtime flag (--${clearableFlags.join(', --')}) or --clear FLAG`);
  }
  return patch;
}

/** `--clear FLAG`, repeatable. */
export function parseClearFlag(text: string, previous: ClearableFlag[] = []): ClearableFlag[] {
  const flag = clearableFlags.find((known) => known === text.trim());
  if (flag === undefined) throw new InvalidArgumentError(`"${text}" cannot be cleared; use ${clearableFlags.join(', ')}`);
  return previous.includes(flag) ? previous : [...previous, flag];
}
