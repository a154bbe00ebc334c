import { CcBridgeError } from '../../errors.ts';

/**
 * What tmux prints, read into plain values. tmux escapes control characters in format output
 * (a tab in a session name comes back as `\t`), so a real tab separates fields safely, provided
 * the client writes UTF-8: outside a UTF-8 locale tmux replaces the tab (and any non-ASCII
 * character) with `_`, which is why every command runs as `tmux -u`.
 */
const separator = '\t';

/** `-F` format for `list-panes`: one line per pane, the fields `parsePaneLines` reads. */
export const paneFormat = [
  '#{session_name}',
  '#{pane_pid}',
  '#{pane_dead}',
  '#{session_created}',
  '#{session_activity}',
].join(separator);

export interface PaneLine {
  sessionName: string;
  panePid: number | null;
  isPaneDead: boolean;
  createdAt: Date | null;
  lastActivityAt: Date | null;
}

function positiveInteger(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value > 0 ? value : null;
}

function dateFromUnixSeconds(text: string | undefined): Date | null {
  const seconds = positiveInteger(text);
  return seconds === null ? null : new Date(seconds * 1000);
}

const fieldCount = paneFormat.split(separator).length;

/** One line of `paneFormat` output; null for a line that does not have exactly its fields. */
export function parsePaneLine(line: string): PaneLine | null {
  const fields = line.split(separator);
  if (fields.length !== fieldCount) return null;
  const [sessionName, pid, dead, created, activity] = fields;
  if (sessionName === undefined || sessionName === '' || (dead !== '0' && dead !== '1')) return null;
  return {
    sessionName,
    panePid: positiveInteger(pid),
    isPaneDead: dead === '1',
    createdAt: dateFromUnixSeconds(created),
    lastActivityAt: dateFromUnixSeconds(activity),
  };
}

/**
 * `list-panes` output (one line per pane, `paneFormat`) keyed by session. tmux lists panes in
 * session, window, pane order, so the first line of a session is its first pane: the one that
 * runs the session's command. A line that is not in the format throws TMUX_ERROR: skipping it
 * would read a running session as gone.
 */
export function parsePaneLines(stdout: string): Map<string, PaneLine> {
  const sessions = new Map<string, PaneLine>();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const pane = parsePaneLine(line);
    if (!pane) {
      throw new CcBridgeError('TMUX_ERROR', `tmux printed a line that is not in the format asked for (${fieldCount} tab-separated fields): ${JSON.stringify(line)}`);
    }
    if (!sessions.has(pane.sessionName)) sessions.set(pane.sessionName, pane);
  }
  return sessions;
}

export type TmuxFailure = 'no-server' | 'server-exited' | 'no-session' | 'duplicate-session' | 'other';

/**
 * What a failed tmux command's stderr means. With no server tmux says "no server running on
 * SOCKET" (socket file left behind) or "error connecting to SOCKET (No such file or directory)"
 * (no socket file yet). Just after the last session ends the server is still shutting down: a
 * command then gets "no current target" (a server without sessions) or "server exited
 * unexpectedly" (it went away mid-command). All of them mean there are no sessions.
 */
export function classifyTmuxFailure(stderr: string): TmuxFailure {
  if (/no server running|error connecting to .*\(No such file or directory\)|^no sessions|^no current target/m.test(stderr)) {
    return 'no-server';
  }
  if (/server exited unexpectedly|^lost server/m.test(stderr)) return 'server-exited';
  if (/can't find (session|window|pane)/.test(stderr)) return 'no-session';
  if (/duplicate session/.test(stderr)) return 'duplicate-session';
  return 'other';
}

/** The last `lines` lines of a `capture-pane -p`, without the blank rows below the cursor. */
export function lastPaneLines(stdout: string, lines: number): string {
  if (lines <= 0) return '';
  const rows = stdout.split('\n');
  while (rows.length > 0 && rows[rows.length - 1]?.trim() === '') rows.pop();
  return rows.slice(-lines).join('\n');
}

/**
 * A capture read as finished lines and the line still being drawn: the blank rows below the last
 * text dropped, and the last line is `current` while the cursor stands in it (`cursorX` > 0),
 * since a program that writes line by line has not ended that line yet (a prompt, what is typed
 * at it, a line being printed); otherwise `current` is ''.
 */
export function splitCapture(stdout: string, cursorX: number): { lines: string[]; current: string } {
  const rows = stdout.split('\n');
  while (rows.length > 0 && rows[rows.length - 1]?.trim() === '') rows.pop();
  const current = cursorX > 0 ? (rows.pop() ?? '') : '';
  return { lines: rows, current };
}

/**
 * The lines of `current` that come after what `previous` showed: the longest tail of `previous`
 * that `current` begins with is what both saw (the window slides as lines scroll into history),
 * and the rest is new. Without any overlap (the screen was cleared, or more lines than the window
 * holds came at once) all of `current` is new. Repeated identical lines that scroll by exactly as
 * many as arrive cannot be told apart from no change.
 */
export function linesAfter(previous: readonly string[], current: readonly string[]): string[] {
  for (let overlap = Math.min(previous.length, current.length); overlap > 0; overlap -= 1) {
    const start = previous.length - overlap;
    let isMatch = true;
    for (let index = 0; index < overlap && isMatch; index += 1) isMatch = previous[start + index] === current[index];
    if (isMatch) return current.slice(overlap);
  }
  return [...current];
}

/**
 * `text` as one argument tmux takes literally. tmux 3.3 ends a command at an argument that ends in
 * `;` (dropping the `;`), and reads a final `\;` as a plain `;`: `a;` would arrive as `a`, and `b\;`
 * as `b;`. Ending such a text in `\;` instead makes tmux give back exactly the text.
 */
export function literalArgument(text: string): string {
  return text.endsWith(';') ? `${text.slice(0, -1)}\\;` : text;
}

/**
 * The output of one tmux command sequence that printed, for each session in turn, a line
 * `MARKER:COMMAND` (display-message) and then the pane's rows (capture-pane). `marker` must be a
 * string no pane shows (a fresh random one per call). By session name, in the order given; a
 * session whose part is missing maps to nothing.
 */
export function parseScreens(stdout: string, marker: string, names: readonly string[]): Map<string, { command: string; text: string }> {
  const screens = new Map<string, { command: string; text: string }>();
  const prefix = `${marker}:`;
  let index = -1;
  let rows: string[] = [];
  let command = '';
  const flush = () => {
    const name = names[index];
    if (name !== undefined) screens.set(name, { command, text: rows.join('\n') });
  };
  const lines = stdout.split('\n');
  // The output ends with a newline: the last, empty piece is not a row.
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) {
    if (line.startsWith(prefix)) {
      flush();
      index += 1;
      command = line.slice(prefix.length);
      rows = [];
    } else if (index >= 0) rows.push(line);
  }
  flush();
  return screens;
}
