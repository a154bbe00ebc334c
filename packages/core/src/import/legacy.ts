import { z } from 'zod';
import { CcBridgeError } from '../errors.ts';
import type { ImportRecord, InstanceStatus } from '../instance.ts';
import { statusFromContainerState } from '../runtimes/runtime.ts';

/**
 * The original (Python) cc-bridge's `~/.claude/bridge/instances.json`. Only the top shape is
 * required here; each record is checked on its own so one bad record does not lose the rest.
 */
const registryFile = z.object({
  instances: z.record(z.string(), z.unknown()),
});

// Python wrote None as null and sometimes left a field out; an empty string carries no value either.
const optionalText = z
  .string()
  .nullish()
  .transform((text) => (text === undefined || text === null || text.trim() === '' ? null : text));

/** One record as the original wrote it. Unknown keys (`communication_mode`) are ignored. */
const legacyRecord = z.object({
  name: optionalText,
  // Its first version had only tmux and wrote no `instance_type`.
  instance_type: z.enum(['tmux', 'docker']).nullish().transform((type) => type ?? 'tmux'),
  status: optionalText,
  created_at: optionalText,
  last_activity: optionalText,
  pid: z.number().int().nullish().transform((pid) => pid ?? null),
  tmux_session: optionalText,
  cwd: optionalText,
  container_id: optionalText,
  container_name: optionalText,
  image_name: optionalText,
  docker_network: optionalText,
});

export interface LegacyParseResult {
  records: ImportRecord[];
  skipped: { name: string; reason: string }[];
}

/** Statuses the original wrote that are not ours nor Docker's. */
const legacyStatuses: Record<string, InstanceStatus> = {
  created: 'created',
  running: 'running',
  stopped: 'stopped',
  error: 'error',
  // It wrote these when its pid or tmux session had gone away.
  no_pid: 'stopped',
  not_found: 'stopped',
};

/** Our status for the original's free-text one; Docker's raw states (`exited`) were stored as-is. */
export function statusFromLegacy(status: string | null): InstanceStatus {
  if (status === null) return 'unknown';
  const text = status.trim().toLowerCase();
  // A Docker state word alone: no exit code or health was stored with it.
  return legacyStatuses[text] ?? statusFromContainerState({ state: text, health: null, exitCode: null, oomKilled: false });
}

const localDateTime =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Python's `datetime.isoformat()`: microseconds, and no zone for a naive datetime, which the
 * original wrote from `datetime.now()`, i.e. the local time of the machine. Date's own parser
 * is not used because its handling of more than 3 fraction digits is implementation-defined.
 */
export function parseLegacyTimestamp(text: string): Date | null {
  const match = localDateTime.exec(text.trim());
  if (!match) return null;
  const part = (index: number): number => Number(match[index] ?? '0');
  const [year, month, day, hour, minute, second] = [part(1), part(2), part(3), part(4), part(5), part(6)];
  const ms = Math.floor(Number(`0.${match[7] ?? '0'}`) * 1000);
  const asUtc = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  // Date rolls 2026-02-30 over to March 2; a date that does not round-trip was not a real one.
  const isReal =
    asUtc.getUTCFullYear() === year && asUtc.getUTCMonth() === month - 1 && asUtc.getUTCDate() === day &&
    asUtc.getUTCHours() === hour && asUtc.getUTCMinutes() === minute && asUtc.getUTCSeconds() === second;
  if (!isReal) return null;
  const zone = match[8];
  if (zone === undefined) return new Date(year, month - 1, day, hour, minute, second, ms);
  return new Date(asUtc.getTime() - zoneOffsetMinutes(zone) * 60_000);
}

function zoneOffsetMinutes(zone: string): number {
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`).join('; ');
}

type RecordResult = { ok: true; record: ImportRecord } | { ok: false; name: string; reason: string };

function parseRecord(key: string, raw: unknown): RecordResult {
  const fallbackName = key.trim() === '' ? '(unnamed)' : key;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, name: fallbackName, reason: `is not an object (${Array.isArray(raw) ? 'array' : raw === null ? 'null' : typeof raw})` };
  }
  const parsed = legacyRecord.safeParse(raw);
  if (!parsed.success) return { ok: false, name: fallbackName, reason: describeIssues(parsed.error) };
  const legacy = parsed.data;

  // The key is what the original looked instances up by; `name` repeats it in every version seen.
  const name = legacy.name ?? (key.trim() === '' ? null : key);
  if (name === null) return { ok: false, name: fallbackName, reason: 'has no name' };

  const timestamps: { createdAt: Date | null; lastActivityAt: Date | null } = { createdAt: null, lastActivityAt: null };
  for (const [field, target] of [['created_at', 'createdAt'], ['last_activity', 'lastActivityAt']] as const) {
    const text = legacy[field];
    if (text === null) continue;
    const date = parseLegacyTimestamp(text);
    if (date === null) return { ok: false, name, reason: `${field}: "${text}" is not an ISO 8601 date and time` };
    timestamps[target] = date;
  }

  return {
    ok: true,
    record: {
      name,
      type: legacy.instance_type,
      status: statusFromLegacy(legacy.status),
      ...timestamps,
      tmuxSession: legacy.tmux_session,
      pid: legacy.pid,
      cwd: legacy.cwd,
      containerId: legacy.container_id,
      containerName: legacy.container_name,
      imageName: legacy.image_name,
      dockerNetwork: legacy.docker_network,
    },
  };
}

/**
 * Records from the original cc-bridge's registry file, in our shape. Records that cannot be read
 * are listed in `skipped` with the reason; names, ids and type/field agreement are checked later
 * by the manager's import, like any other input. A file of the wrong shape throws INVALID_INPUT.
 */
export function parseLegacyRegistry(json: unknown): LegacyParseResult {
  const file = registryFile.safeParse(json);
  if (!file.success) {
    throw new CcBridgeError(
      'INVALID_INPUT',
      `Not a cc-bridge instances.json: expected {"instances": {NAME: record, …}}; ${describeIssues(file.error)}`,
    );
  }
  const result: LegacyParseResult = { records: [], skipped: [] };
  for (const [key, raw] of Object.entries(file.data.instances)) {
    const parsed = parseRecord(key, raw);
    if (parsed.ok) result.records.push(parsed.record);
    else result.skipped.push({ name: parsed.name, reason: parsed.reason });
  }
  return result;
}
