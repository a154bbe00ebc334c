// A report of one Claude Code hook call, as the hook command leaves it in the spool folder for
// cc-bridge to apply. Dependency-free (Node's fs and path only): apps/cli bundles this module
// alone into dist/hook.mjs, which must start fast and never load core, zod or the database.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The variable cc-bridge sets in a runtime it starts, holding the record's id (or its name, at create). */
export const instanceEnvVar = 'CC_BRIDGE_INSTANCE';

/** The fields of a hook's stdin payload cc-bridge reads; everything else is dropped by the hook. */
export interface HookPayload {
  hook_event_name?: unknown;
  session_id?: unknown;
  transcript_path?: unknown;
  tool_name?: unknown;
  /** Only its short string fields (command, description, file_path, url, pattern), cut to 1,000 characters. */
  tool_input?: unknown;
  message?: unknown;
  notification_type?: unknown;
}

/** One spool file: who reported (as the hook's environment names it), when, and what. */
export interface HookReport {
  /** When the hook ran (ms since the epoch). */
  at: number;
  /** `CC_BRIDGE_INSTANCE`: the record's id or name, set by cc-bridge when it starts a runtime. */
  instance: string | null;
  /** `TMUX_PANE` (`%12`) when the agent runs in tmux: the fallback identity. */
  tmuxPane: string | null;
  /** The tmux server's socket (the first part of `TMUX`): pane ids are per server. */
  tmuxSocket: string | null;
  payload: HookPayload;
}

/** The spool file's name ends so; a file being written ends `.tmp` and is never read. */
export const reportSuffix = '.json';

const keptToolInput = ['command', 'description', 'file_path', 'url', 'pattern'] as const;
const maxText = 1_000;

function shortText(value: unknown): unknown {
  return typeof value === 'string' && value.length > maxText ? `${value.slice(0, maxText)}…` : value;
}

/** The parts of a raw payload cc-bridge uses: a Write's content or an Edit's text never reaches the spool. */
export function pickHookPayload(raw: unknown): HookPayload {
  if (typeof raw !== 'object' || raw === null) return {};
  const source = raw as Record<string, unknown>;
  const toolInput = source.tool_input;
  const picked: HookPayload = {
    hook_event_name: source.hook_event_name,
    session_id: source.session_id,
    transcript_path: source.transcript_path,
    tool_name: source.tool_name,
    message: shortText(source.message),
    notification_type: source.notification_type,
  };
  if (typeof toolInput === 'object' && toolInput !== null) {
    const input = toolInput as Record<string, unknown>;
    picked.tool_input = Object.fromEntries(keptToolInput.filter((key) => typeof input[key] === 'string').map((key) => [key, shortText(input[key])]));
  }
  return picked;
}

/**
 * A file name that sorts in the order the reports were made: wall-clock ms, then the system-wide
 * monotonic clock (ns) for reports of one millisecond, then the process id.
 */
export function reportFileName(atMs: number, monotonicNs: bigint, pid: number): string {
  return `${String(atMs).padStart(15, '0')}-${String(monotonicNs).padStart(20, '0')}-${pid}${reportSuffix}`;
}

/**
 * Writes a report into `dir` (made 0700 if missing) atomically: a temporary file renamed into
 * place, so a reader never sees half a report. Returns the file's path; throws what fs throws.
 */
export function writeHookReport(dir: string, report: HookReport, monotonicNs: bigint = process.hrtime.bigint()): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, reportFileName(report.at, monotonicNs, process.pid));
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, JSON.stringify(report), { mode: 0o600 });
  renameSync(temporary, path);
  return path;
}
