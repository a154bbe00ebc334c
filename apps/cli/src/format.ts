import type { AuditEntry, DeleteResult, DiscoveryReport, DockerEngine, ImportReport, RemovalReport, RetentionReport, StatusResult } from '@cc-bridge/core';
// Values come from core's light entry points, not its index: the CLI's bundle loads these
// before any command runs, and the index reaches the database and runtimes.
import { auditChangeLines } from '@cc-bridge/core/audit-text';
import { CcBridgeError } from '@cc-bridge/core/errors';
import {
  columnFieldNames,
  describeRuntimeState,
  fieldSpec,
  agentDetailRows,
  type Instance,
  instanceDetailRows,
  type TokenUsage,
  instanceFieldValuesOf,
  runtimeIdentity,
  shortContainerId,
  typeSpecs,
} from '@cc-bridge/core/schemas';
import { CliError } from './io.ts';

/**
 * An instance as `--json` prints it: camelCase names, ISO 8601 dates, every field present, and
 * `tokens`, its agent's token use read from Claude Code's transcript (null: no transcript, or
 * not read for this output).
 */
export type InstanceJson = { [Field in keyof Instance]: Instance[Field] extends Date ? string : Instance[Field] extends Date | null ? string | null : Instance[Field] } & {
  tokens: TokenUsage | null;
};

// Fields are picked one by one so that whatever else the manager's objects carry never leaks
// into the JSON that scripts depend on.
export function instanceToJson(instance: Instance, tokens: TokenUsage | null = null): InstanceJson {
  return {
    id: instance.id,
    name: instance.name,
    type: instance.type,
    status: instance.status,
    origin: instance.origin,
    createdAt: instance.createdAt.toISOString(),
    updatedAt: instance.updatedAt.toISOString(),
    lastSeenAt: instance.lastSeenAt?.toISOString() ?? null,
    lastActivityAt: instance.lastActivityAt?.toISOString() ?? null,
    ...instanceFieldValuesOf(instance),
    activity: instance.activity,
    activitySince: instance.activitySince?.toISOString() ?? null,
    activityReason: instance.activityReason,
    claudeSessionId: instance.claudeSessionId,
    claudeTranscriptPath: instance.claudeTranscriptPath,
    tokens,
    version: instance.version,
  };
}

export function statusToJson(result: StatusResult) {
  return {
    instance: instanceToJson(result.instance),
    status: result.status,
    checkedAt: result.checkedAt.toISOString(),
    isFresh: result.isFresh,
    error: result.error,
  };
}

export function removalToJson(report: RemovalReport) {
  return { dryRun: report.dryRun, engine: report.engine, removed: report.removed.map((instance) => instanceToJson(instance)), otherEngine: report.otherEngine };
}

/** The one document `--json` prints. */
export function toJsonDocument(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Columns padded to their widest cell, two blanks apart; no trailing blanks. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].map((text) => `${text}\n`).join('');
}

const pad2 = (value: number) => String(value).padStart(2, '0');

/** Local time to the minute: what a person compares with their clock. */
export function formatDateTime(date: Date): string {
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
}

/** Local time to the second (`14:03:27`): when something just happened. */
export function formatClockTime(date: Date): string {
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

export function formatAge(date: Date | null, now: Date): string {
  if (date === null) return '-';
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  // A clock a little ahead (another host's, a container's) should not print "in 2s".
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ago`;
  return `${Math.floor(hours / 24)}d ago`;
}

/** The tmux session, or the container by name and short id. */
export function formatRuntime(instance: Instance): string {
  const { name, shortId } = runtimeIdentity(instance);
  if (name !== null && shortId !== null) return `${name} (${shortId})`;
  return name ?? shortId ?? '-';
}

const cell = (value: string | number | boolean | null) => (value === null ? '-' : String(value));
const columnHeaders = columnFieldNames.map((field) => fieldSpec(field).column?.cliHeader ?? field);

export function formatInstanceTable(instances: readonly Instance[], now: Date): string {
  return formatTable(
    ['NAME', 'TYPE', 'STATUS', 'ACTIVITY', 'ORIGIN', 'SESSION/CONTAINER', ...columnHeaders, 'CREATED', 'LAST SEEN'],
    instances.map((instance) => [
      instance.name,
      instance.type,
      instance.status,
      instance.activity,
      instance.origin,
      formatRuntime(instance),
      ...columnFieldNames.map((field) => cell(instance[field])),
      formatDateTime(instance.createdAt),
      formatAge(instance.lastSeenAt, now),
    ]),
  );
}

/** What `list` (and `watch`) say when the table would be empty. */
export function emptyListMessage(total: number): string {
  return total === 0
    ? 'No instances yet; add one with `cc-bridge instances create NAME`.\n'
    : `No instances match (${total} in the registry).\n`;
}

/** `show`: one field a line, only the fields that hold something; `tokens` from the transcript (null: unknown). */
export function formatInstanceDetails(instance: Instance, now: Date, tokens: TokenUsage | null = null): string {
  const when = (date: Date | null) => (date === null ? '-' : `${formatDateTime(date)} (${formatAge(date, now)})`);
  const fields: [string, string | number | null][] = [
    ['name', instance.name],
    ['type', instance.type],
    ['status', instance.status],
    ['origin', instance.origin],
    ...instanceDetailRows(instance).map(({ cliLabel, value }): [string, string | number | null] => [cliLabel, value]),
    ['created', when(instance.createdAt)],
    ['updated', when(instance.updatedAt)],
    ['last seen', when(instance.lastSeenAt)],
    ['last activity', when(instance.lastActivityAt)],
    // The agent: activity, since, what it waits on, Claude's session and transcript, tokens.
    ...agentDetailRows(instance, tokens).map(({ cliLabel, value }): [string, string | number | null] => [cliLabel, value instanceof Date ? when(value) : value]),
    ['version', instance.version],
    ['id', instance.id],
  ];
  const shown = fields.filter((field): field is [string, string | number] => field[1] !== null);
  const width = Math.max(...shown.map(([label]) => label.length));
  return shown.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value}\n`).join('');
}

export function formatStatus(result: StatusResult, now: Date): string {
  const checked = result.isFresh ? 'checked just now' : `as of ${formatAge(result.checkedAt, now)}`;
  const engineState = describeRuntimeState(result.instance);
  const state = engineState === null ? '' : `; Docker says ${engineState}`;
  const problem = result.error === null ? '' : `; could not ask the runtime: ${result.error.message}`;
  return `${result.instance.name}: ${result.status} (${checked}${state}${problem})\n`;
}

/** The Engine a report is about: `Docker Engine vm (KMQC:…) at unix:///var/run/docker.sock`. */
export function formatEngine(engine: DockerEngine): string {
  return `Docker Engine ${engine.name} (${engine.id}) at ${engine.endpoint}`;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

export function formatDiscoverySummary(report: DiscoveryReport): string {
  const where = report.engine === null ? '' : ` on ${formatEngine(report.engine)}`;
  const parts = [
    `discovered ${plural(report.found, 'container')}${where}: added ${report.added.length}, updated ${report.updated.length}, marked ${report.markedStopped.length} stopped`,
  ];
  if (report.otherEngine.length > 0) parts.push(`${plural(report.otherEngine.length, 'record')} of another Engine left alone`);
  if (report.conflicts.length > 0) parts.push(plural(report.conflicts.length, 'name conflict'));
  if (report.errors.length > 0) parts.push(plural(report.errors.length, 'error'));
  return parts.join('; ');
}

/** `discover` in human mode: what changed, one line each, after the summary on stderr. */
export function formatDiscoveryDetails(report: DiscoveryReport): string {
  const lines = [
    ...report.added.map((name) => `added ${name}`),
    ...report.updated.map((name) => `updated ${name}`),
    ...report.markedStopped.map((name) => `marked stopped ${name}`),
    ...report.otherEngine.map((name) => `left alone ${name}: its container belongs to another Docker Engine`),
    ...report.conflicts.map(
      (conflict) =>
        `named ${conflict.containerName} (${shortContainerId(conflict.containerId)}) ${conflict.assigned}: ${
          conflict.heldBy === null ? `${conflict.wanted} is not an allowed name` : `${conflict.wanted} is held by a ${conflict.heldBy} record`
        }`,
    ),
  ];
  return lines.map((line) => `${line}\n`).join('');
}

export function formatRemovalSummary(report: RemovalReport, what: string): string {
  const count = plural(report.removed.length, what);
  const summary = report.dryRun ? `would remove ${count} (dry run, nothing removed)` : `removed ${count}`;
  if (report.engine === null) return summary;
  const kept = report.otherEngine.length === 0 ? '' : `; kept ${plural(report.otherEngine.length, 'record')} of another Engine: ${report.otherEngine.join(', ')}`;
  return `${summary} on ${formatEngine(report.engine)}${kept}`;
}

/** The line after a delete: what became of the session or container. */
export function formatDeleted({ instance, runtime }: DeleteResult): string {
  const { runtimeNoun, removedNote } = typeSpecs[instance.type];
  const note = { kept: '', removed: ` (${removedNote})`, gone: ` (its ${runtimeNoun} was already gone)` }[runtime];
  return `Deleted ${instance.name}${note}.`;
}

export function formatImportSummary(report: ImportReport): string {
  const total = report.imported.length + report.skipped.length;
  return `imported ${report.imported.length} of ${plural(total, 'record')}, skipped ${report.skipped.length}`;
}

export function formatImportDetails(report: ImportReport): string {
  return report.skipped.map(({ name, reason }) => `skipped ${name}: ${reason}\n`).join('');
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * The one stderr line for a failed command. Field errors are listed unless the message already
 * quotes them, so the reader sees each problem once.
 */
export function formatError(error: unknown): string {
  if (error instanceof CcBridgeError) {
    const message = oneLine(error.message);
    const fields = Object.entries(error.fieldErrors ?? {})
      .map(([field, messages]) => [field, messages.filter((text) => !message.includes(text))] as const)
      .filter(([, messages]) => messages.length > 0)
      .map(([field, messages]) => `${field} ${messages.join(', ')}`);
    return `cc-bridge: ${fields.length === 0 ? message : `${message}: ${fields.join('; ')}`}\n`;
  }
  if (error instanceof CliError) return `cc-bridge: ${oneLine(error.message)}\n`;
  const message = error instanceof Error ? error.message : String(error);
  return `cc-bridge: unexpected error: ${oneLine(message)} (run with --verbose for details)\n`;
}

/** An audit entry's changes in one cell: `cwd: /a → /b; name: x → y`, or its detail when it changed no field. */
export function formatAuditChanges(entry: Pick<AuditEntry, 'changes' | 'detail'>): string {
  return auditChangeLines(entry).join('; ') || '-';
}

/** The audit log as a table, in the order given (newest first). */
export function formatAuditTable(entries: readonly AuditEntry[]): string {
  return formatTable(
    ['TIME', 'ACTOR', 'ORIGIN', 'ACTION', 'TARGET', 'CHANGES'],
    entries.map((entry) => [formatDateTime(entry.at), entry.actor, entry.origin ?? '-', entry.action, entry.target, formatAuditChanges(entry)]),
  );
}

/** An audit entry as `--json` prints it. */
export function auditEntryToJson(entry: AuditEntry) {
  return { ...entry, at: entry.at.toISOString() };
}

/** What `cleanup --policy` says after the table: records and history removed (or that would be). */
export function formatRetentionSummary(report: RetentionReport): string {
  const verb = report.dryRun ? 'would remove' : 'removed';
  const parts = [
    report.stoppedBefore === null ? 'stopped records kept (no stopped_after)' : `${verb} ${plural(report.removed.length, 'stopped instance')} unchanged since ${formatDateTime(report.stoppedBefore)}`,
    report.eventsBefore === null ? 'history kept (no events_after)' : `${verb} ${plural(report.events, 'event')} older than ${formatDateTime(report.eventsBefore)}`,
  ];
  return `${parts.join('; ')}${report.dryRun ? ' (dry run, nothing removed)' : ''}`;
}
