// Claude Code's settings file (`~/.claude/settings.json`, or `<project>/.claude/settings.json`)
// with cc-bridge's hook entries merged in or taken out. The merge is pure; reading and the atomic
// write are below it. Every other hook and setting is kept as it was.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CcBridgeError } from '../errors.ts';
import { reportedHookEvents } from './hook-event.ts';

export { reportedHookEvents };

/** One hook command in Claude Code's settings. */
interface HookCommand {
  type?: unknown;
  command?: unknown;
  [key: string]: unknown;
}

/** One matcher group: `{ matcher?, hooks: [...] }`. */
interface HookGroup {
  matcher?: unknown;
  hooks?: unknown;
  [key: string]: unknown;
}

export type ClaudeSettings = Record<string, unknown>;

/** How long Claude Code lets the hook command run (s); it takes tens of milliseconds. */
const hookTimeoutSeconds = 5;

/** Tool events match tools by name: `*` is every tool. Other events take no matcher (every one). */
const toolEvents: ReadonlySet<string> = new Set(['PreToolUse', 'PermissionRequest', 'PostToolUse']);

/** Single-quotes a word for the POSIX shell Claude Code runs a hook command with. */
function shellWord(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command line the settings hold: `'NODE' 'HOOK.MJS' 'SPOOL_DIR'`. Claude Code runs a hook's
 * `command` through a shell, so the settings format needs a string; each word is quoted.
 */
export function hookCommandLine(hook: { node: string; script: string; spoolDir: string }): string {
  return [hook.node, hook.script, hook.spoolDir].map(shellWord).join(' ');
}

function isOwnCommand(item: unknown, script: string): boolean {
  const command = (item as HookCommand | null)?.command;
  return typeof command === 'string' && command.includes(shellWord(script));
}

function groupsOf(settings: ClaudeSettings, event: string): HookGroup[] {
  const hooks = settings.hooks;
  if (typeof hooks !== 'object' || hooks === null) return [];
  const groups = (hooks as Record<string, unknown>)[event];
  return Array.isArray(groups) ? (groups as HookGroup[]) : [];
}

/** The groups of an event without cc-bridge's commands; groups left with no command go. */
function withoutOwn(groups: readonly HookGroup[], script: string): HookGroup[] {
  return groups.flatMap((group) => {
    if (!Array.isArray(group.hooks)) return [group];
    const kept = group.hooks.filter((item) => !isOwnCommand(item, script));
    if (kept.length === group.hooks.length) return [group];
    return kept.length === 0 ? [] : [{ ...group, hooks: kept }];
  });
}

function withHooks(settings: ClaudeSettings, events: Record<string, HookGroup[]>): ClaudeSettings {
  const before = typeof settings.hooks === 'object' && settings.hooks !== null ? (settings.hooks as Record<string, unknown>) : {};
  // An event left with no group goes; the others keep their place in the object.
  const merged = { ...before, ...events };
  const hooks = Object.fromEntries(Object.entries(merged).filter(([event, groups]) => !(event in events) || (groups as HookGroup[]).length > 0));
  const { hooks: _old, ...rest } = settings;
  return Object.keys(hooks).length === 0 ? rest : { ...rest, hooks };
}

/**
 * The settings with cc-bridge's hook (`command`, recognised by the hook script's path `script`)
 * on every event it reports, after every other hook of that event; entries of an older install
 * are replaced. Idempotent: installing twice gives the same settings.
 */
export function installHooks(settings: ClaudeSettings, hook: { command: string; script: string }): ClaudeSettings {
  const events = Object.fromEntries(
    reportedHookEvents.map((event) => {
      const own: HookGroup = { ...(toolEvents.has(event) ? { matcher: '*' } : {}), hooks: [{ type: 'command', command: hook.command, timeout: hookTimeoutSeconds }] };
      return [event, [...withoutOwn(groupsOf(settings, event), hook.script), own]];
    }),
  );
  return withHooks(settings, events);
}

/** The settings without any of cc-bridge's hook commands (recognised by `script`); everything else as it was. */
export function uninstallHooks(settings: ClaudeSettings, script: string): ClaudeSettings {
  const hooks = typeof settings.hooks === 'object' && settings.hooks !== null ? Object.keys(settings.hooks) : [];
  return withHooks(settings, Object.fromEntries(hooks.map((event) => [event, withoutOwn(groupsOf(settings, event), script)])));
}

/** The events that hold cc-bridge's hook command (recognised by `script`). */
export function installedHookEvents(settings: ClaudeSettings, script: string): string[] {
  return reportedHookEvents.filter((event) => groupsOf(settings, event).some((group) => Array.isArray(group.hooks) && group.hooks.some((item) => isOwnCommand(item, script))));
}

/**
 * The events whose cc-bridge hook reports to `spoolDir` (the last word of its command line, as
 * `hookCommandLine` writes it). For a reader that knows the spool folder it drains (the
 * dashboard) but not where the CLI's hook script lives.
 */
export function eventsReportingTo(settings: ClaudeSettings, spoolDir: string): string[] {
  const ending = ` ${shellWord(spoolDir)}`;
  const reports = (item: unknown) => {
    const command = (item as HookCommand | null)?.command;
    return typeof command === 'string' && command.endsWith(ending);
  };
  return reportedHookEvents.filter((event) => groupsOf(settings, event).some((group) => Array.isArray(group.hooks) && group.hooks.some(reports)));
}

/** Whether a settings file has cc-bridge's hooks on every event it reports, and on which it has them. */
export interface HooksStatus {
  file: string;
  installed: boolean;
  events: string[];
}

/**
 * Whether the user settings under `home` (`~/.claude/settings.json`) hold hooks reporting to
 * `spoolDir` on every event cc-bridge reports. A file that cannot be read or parsed reads as not
 * installed, with no events: the message that fixes it is `cc-bridge hooks install`, which says why.
 */
export function userHooksStatus(where: { home: string; spoolDir: string }): HooksStatus {
  const file = claudeSettingsPath({ home: where.home });
  let events: string[];
  try {
    events = eventsReportingTo(readClaudeSettings(file), where.spoolDir);
  } catch {
    events = [];
  }
  return { file, installed: events.length === reportedHookEvents.length, events };
}

// ---- the file ---------------------------------------------------------------------------------

/** The settings file of a user (`home`) or of a project folder. */
export function claudeSettingsPath(where: { home: string } | { project: string }): string {
  return 'project' in where ? join(where.project, '.claude', 'settings.json') : join(where.home, '.claude', 'settings.json');
}

/** The file's settings; `{}` when it does not exist. INVALID_INPUT when it is not a JSON object (nothing is changed). */
export function readClaudeSettings(path: string): ClaudeSettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CcBridgeError('INVALID_INPUT', `Cannot read Claude Code's settings ${path}: ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new CcBridgeError('INVALID_INPUT', `Claude Code's settings ${path} are not valid JSON; fix or move the file first`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CcBridgeError('INVALID_INPUT', `Claude Code's settings ${path} do not hold a JSON object`);
  }
  return parsed as ClaudeSettings;
}

/** Writes the settings atomically (a temporary file renamed over it), keeping the file's mode; makes the folder if needed. */
export function writeClaudeSettings(path: string, settings: ClaudeSettings): void {
  mkdirSync(dirname(path), { recursive: true });
  let mode = 0o600;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    // A new file: private to its owner, like Claude Code's own.
  }
  const temporary = `${path}.cc-bridge-${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(settings, null, 2)}\n`, { mode });
  renameSync(temporary, path);
}
