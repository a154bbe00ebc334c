// Flag values turned into the shapes core takes. Only the form of a value is checked here
// (an enum, a whole number, a duration); what makes a value valid for an instance is core's call.
// Core's light entry points, not its index (see format.ts).
import { parseDuration } from '@cc-bridge/core/duration';
import { isCcBridgeError } from '@cc-bridge/core/errors';
import {
  type CreateInstanceInput,
  fieldInput,
  fieldSpec,
  type InputField,
  inputFieldNames,
  instanceActivities,
  type InstanceActivity,
  type InstanceFieldValues,
  type instanceFields,
  type InstanceOrigin,
  instanceOrigins,
  instanceStatuses,
  type InstanceStatus,
  type InstanceType,
  instanceTypes,
  type ListInstancesQuery,
  type SortField,
  sortFields,
  type UpdateInstancePatch,
} from '@cc-bridge/core/schemas';
import { type Command, InvalidArgumentError, Option, type OptionValues } from '@commander-js/extra-typings';

/** A comma-separated, repeatable flag of words from `known` (`what` names one in messages); the lists add up. */
function parseChoiceList<Choice extends string>(known: readonly Choice[], what: string, text: string, previous: Choice[]): Choice[] {
  const parts = text.split(',').map((part) => part.trim()).filter(Boolean);
  if (parts.length === 0) throw new InvalidArgumentError(`give one or more of ${known.join(', ')}`);
  const chosen = [...previous];
  for (const part of parts) {
    const choice = known.find((word) => word === part);
    if (choice === undefined) throw new InvalidArgumentError(`"${part}" is not ${what}; use ${known.join(', ')}`);
    if (!chosen.includes(choice)) chosen.push(choice);
  }
  return chosen;
}

/** `--status running,stopped`, repeatable; the lists add up. */
export function parseStatusList(text: string, previous: InstanceStatus[] = []): InstanceStatus[] {
  return parseChoiceList(instanceStatuses, 'a status', text, previous);
}

/** `--activity waiting,idle`, repeatable; the lists add up. */
export function parseActivityList(text: string, previous: InstanceActivity[] = []): InstanceActivity[] {
  return parseChoiceList(instanceActivities, 'an activity', text, previous);
}

export function parseWholeNumber(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError('must be a whole number');
  return Number(text.trim());
}

/**
 * A parser for a whole-number flag that must be at least `min` (and at most `max`): a value out of
 * range is a usage error (exit 2) said at once, like a malformed one.
 */
export function wholeNumberBetween(min: number, max = Number.MAX_SAFE_INTEGER): (text: string) => number {
  return (text) => {
    const value = parseWholeNumber(text);
    if (value < min || value > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `must be at least ${min}` : `must be between ${min} and ${max}`);
    }
    return value;
  };
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

// The runtime flags come from core's field declarations: `--image` sets imageName, and so on.
type FlagOf<Field extends InputField> = (typeof instanceFields)[Field]['input']['flag'];
/** commander's option key for a flag: `container-id` → `containerId`. */
type CamelCase<Flag extends string> = Flag extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : Flag;
const camelCase = (flag: string) => flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** The runtime flags as commander hands them over. */
export type RuntimeFlags = { [Field in InputField as CamelCase<FlagOf<Field>>]?: NonNullable<InstanceFieldValues[Field]> };

type RuntimePatch = Pick<UpdateInstancePatch, InputField>;

const runtimeFlags = inputFieldNames.map((field) => {
  const { flag } = fieldInput(field);
  return { field, flag, option: camelCase(flag) as keyof RuntimeFlags };
});

/** `--clear` takes the flag's own name, so `--clear container-id` undoes `--container-id`. */
export type ClearableFlag = FlagOf<InputField>;
export const clearableFlags = runtimeFlags.map(({ flag }) => flag) as ClearableFlag[];

/** Adds `--tmux-session <session>`, `--pid <pid>` … one option per input field, in declaration order. */
export function addRuntimeOptions<Args extends unknown[], Opts extends OptionValues, GlobalOpts extends OptionValues>(
  command: Command<Args, Opts, GlobalOpts>,
): Command<Args, Opts & RuntimeFlags, GlobalOpts> {
  for (const { field, flag } of runtimeFlags) {
    const { flagValue, flagHelp } = fieldInput(field);
    const option = new Option(`--${flag} <${flagValue}>`, flagHelp);
    command.addOption(fieldSpec(field).kind === 'integer' ? option.argParser(parseWholeNumber) : option);
  }
  // commander's typings follow options added one call at a time, not in a loop: RuntimeFlags
  // says what this loop added.
  return command;
}

export interface UpdateFlags extends RuntimeFlags {
  name?: string;
  clear?: ClearableFlag[];
}

// Absent flags must stay absent keys: a key holding undefined could read as "set" downstream.
function runtimeFields(flags: RuntimeFlags): RuntimePatch {
  const fields: Record<string, unknown> = {};
  for (const { field, option } of runtimeFlags) if (flags[option] !== undefined) fields[field] = flags[option];
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
    const clearable = runtimeFlags.find((known) => known.flag === flag);
    if (clearable === undefined) throw new FlagUsageError(`"${flag}" cannot be cleared; use ${clearableFlags.join(', ')}`);
    const { option, field } = clearable;
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

/**
 * The list filters (`--type`, `--status`, `--activity`, `--origin`, `--search`), one declaration for `list` and
 * for the commands that act on what a filter matches.
 */
export function addListFilters<Args extends unknown[], Opts extends OptionValues, Globals extends OptionValues>(command: Command<Args, Opts, Globals>) {
  return command
    .addOption(new Option('--type <type>', 'only this type').choices(instanceTypes))
    .option('--status <statuses>', `only these statuses, comma-separated (${instanceStatuses.join(', ')})`, parseStatusList)
    .option('--activity <activities>', `only agents doing this, comma-separated (${instanceActivities.join(', ')})`, parseActivityList)
    .addOption(new Option('--origin <origin>', 'only records made by hand or by discovery').choices(instanceOrigins))
    .option('--search <text>', 'text in the name, session, container or image');
}

export interface ListFilterFlags {
  type?: InstanceType;
  status?: InstanceStatus[];
  activity?: InstanceActivity[];
  origin?: InstanceOrigin;
  search?: string;
}

/** The filters given, as a list query; absent flags stay absent keys. */
export function listFilterQuery(flags: ListFilterFlags): Pick<ListInstancesQuery, 'type' | 'status' | 'activity' | 'origin' | 'search'> {
  return {
    ...(flags.type === undefined ? {} : { type: flags.type }),
    ...(flags.status === undefined ? {} : { status: flags.status }),
    ...(flags.activity === undefined ? {} : { activity: flags.activity }),
    ...(flags.origin === undefined ? {} : { origin: flags.origin }),
    ...(flags.search === undefined ? {} : { search: flags.search }),
  };
}

/** `--sort FIELD` and `--desc`, for `list` and `watch`. */
export function addListSort<Args extends unknown[], Opts extends OptionValues, Globals extends OptionValues>(command: Command<Args, Opts, Globals>) {
  return command
    .addOption(new Option('--sort <field>', 'sort by this field (default: name)').choices(sortFields))
    .option('--desc', 'sort in descending order');
}

/** The order given, as a list query. */
export function listSortQuery(flags: { sort?: SortField; desc?: true }): Pick<ListInstancesQuery, 'sort' | 'order'> {
  return { ...(flags.sort === undefined ? {} : { sort: flags.sort }), order: flags.desc === true ? 'desc' : 'asc' };
}
