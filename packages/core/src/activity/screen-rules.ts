import type { InstanceActivity } from '../instance.ts';
import { stripTerminalEscapes } from '../runtimes/terminal-text.ts';

/**
 * What Claude Code's screen says it is doing, read from the text of its pane. Every rule that
 * knows Claude Code's words and glyphs lives in this module, matched to the pinned version
 * (2.1.328) and tested on screens captured from it (`test/fixtures/claude-screens/2.1.328/`):
 * when Claude Code changes its screen, this file and those fixtures change together.
 *
 * The rules read only the bottom of the screen, where Claude Code draws its live parts (the
 * input box and its footer, a dialog and its footer); the transcript above keeps old prompts and
 * spinners' final lines, which say nothing about now. A screen no rule recognises is `unknown`:
 * the rules never guess.
 */

/** What an agent is doing, as the screen shows it: the record's activity values. `exited`: Claude Code's own goodbye is the last thing shown. */
export type ScreenActivity = InstanceActivity;

/** One answer a dialog offers. */
export interface ScreenChoice {
  /** Its words as shown, without the number: `Yes, and don't ask again for …`. */
  label: string;
  /**
   * The key that picks it (`1`, `2`, …), or null where the dialog numbers none (the trust and
   * API-key prompts): reach it with ↑/↓ from the selected choice and press Enter.
   */
  key: string | null;
  /** Whether the `❯` marker is on it, so that Enter picks it. */
  isSelected: boolean;
  /**
   * The lines shown under it, deeper than its label, joined by spaces: a question's description
   * of the option, or the rest of a label too long for one row (the screen does not tell the two
   * apart); null when there are none.
   */
  detail: string | null;
}

/** One reading of a screen. `reason` and `choices` are filled for `waiting` only. */
export interface ScreenReading {
  activity: ScreenActivity;
  /**
   * What the dialog asks, on one line but for a multi-line command: the tool and what it acts
   * on, then the question (`Bash: rm -f old.log — Do you want to proceed?`,
   * `Write: notes.txt — Do you want to create notes.txt?`); a question's header and text
   * (`Colour: Which colour should the button be?`); or the heading, what it names and the
   * question (`Accessing workspace: /srv/app — Quick safety check: Is this a project you created
   * or one you trust?`).
   */
  reason: string | null;
  /** The answers offered, in screen order. */
  choices: ScreenChoice[];
}

const unknown: ScreenReading = { activity: 'unknown', reason: null, choices: [] };

// Claude Code draws full-width rules of U+2500 above and below its input box and above a dialog,
// and fences a dialog's command or file preview between rules of U+254C.
const boxRule = /^─{20,}$/;
const fenceRule = /^╌{20,}$/;
// The input line: `❯` and a (no-break) space, then whatever is typed.
const inputLine = /^❯(?:\s|$)/;
// The line above the input box while a turn runs: a glyph (it turns through these), a gerund and
// an ellipsis, then maybe `(12s · ↓ 20 tokens)`. The line left when a turn ends (`✻ Crunched for
// 30s · done 7:55 AM`) has no ellipsis.
const spinnerLine = /^[·✢✳✶✻✽*] [^…]+…(?: \([^)]*\))?$/u;
// Tips shown under the spinner (`  ⎿  Tip: …`).
const tipLine = /^\s+⎿\s+Tip:/;
// The input box's footer while a turn runs (it goes when the user types into the box).
const busyFooter = 'esc to interrupt';
// A dialog's last line: `Esc to cancel · Tab to amend`, `Enter to confirm · Esc to cancel`, …
const dialogFooterPart = 'Esc to cancel';
// The choice under the dialog's marker, and its indentation.
const selectedChoice = /^( *)❯ (\S.*)$/;
const numberedChoice = /^(\d+)\.\s+(.+)$/;
// Printed by Claude Code when it exits after a conversation, just before the shell's prompt.
const resumeHeading = 'Resume this session with:';
const resumeCommand = /^claude --resume \S+$/;
// Dialog headings of tool permission prompts, as the tool's name, and where its subject is shown:
// the Bash prompt fences the command (the line after its heading is the model's description);
// file prompts name the file on the line after the heading.
const toolDialogs: Readonly<Record<string, { tool: string; subject: 'fenced' | 'next-line' }>> = {
  'Bash command': { tool: 'Bash', subject: 'fenced' },
  'Create file': { tool: 'Write', subject: 'next-line' },
  'Edit file': { tool: 'Edit', subject: 'next-line' },
};
// A question's header carries a box (`☐ Colour`; ticked once answered).
const headingBox = /^[☐☒✔✓]\s*/;

/**
 * Reads a screen of Claude Code: tmux `capture-pane -p` output (escape sequences, if any, are
 * removed first), or the rows of a terminal emulator, `\n`-separated. Pure; never throws.
 * `waiting`: a dialog with a selected choice is the bottom of the screen (a permission prompt, a
 * question, the first-run trust and API-key prompts, which block the agent as much as a
 * permission does). `busy`: the input box is at the bottom with a spinner above it or `esc to
 * interrupt` below it. `idle`: the input box without either. `exited`: Claude Code's `Resume this
 * session with:` is followed by nothing but a prompt line. Anything else is `unknown`.
 */
export function readClaudeScreen(screen: string): ScreenReading {
  const lines = stripTerminalEscapes(screen)
    .split(/\r?\n/)
    .map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) return unknown;
  return readExit(lines) ?? readDialog(lines) ?? readInputBox(lines) ?? unknown;
}

function readExit(lines: string[]): ScreenReading | null {
  const heading = lines.lastIndexOf(resumeHeading);
  if (heading === -1 || !resumeCommand.test(lines[heading + 1] ?? '')) return null;
  // At most the shell's prompt line may follow: anything more is whatever ran after it.
  return lines.length - (heading + 2) <= 1 ? { activity: 'exited', reason: null, choices: [] } : null;
}

function indentation(line: string): number {
  return line.length - line.trimStart().length;
}

type Row = 'blank' | 'rule' | 'choice' | 'detail' | 'other';

function readDialog(lines: string[]): ScreenReading | null {
  const footer = lines.length - 1;
  if (!(lines[footer] ?? '').trim().split(' · ').includes(dialogFooterPart)) return null;

  let selected = -1;
  for (let index = footer - 1; index >= 0 && selected === -1; index--) {
    if (selectedChoice.test(lines[index] ?? '')) selected = index;
  }
  if (selected === -1) return null;
  const markerIndent = indentation(lines[selected] ?? '');
  // Unselected choices stand where the selected one's text starts (after `❯ `); deeper lines are
  // a choice's description or the rest of a long label.
  const column = markerIndent + 2;
  const rowOf = (line: string): Row => {
    if (line.trim() === '') return 'blank';
    if (boxRule.test(line.trim())) return 'rule';
    const indent = indentation(line);
    if (indent === column || (indent === markerIndent && selectedChoice.test(line))) return 'choice';
    return indent > column ? 'detail' : 'other';
  };

  // Below the selected choice: only choices, their details and rules until the footer.
  for (let index = selected + 1; index < footer; index++) {
    if (rowOf(lines[index] ?? '') === 'other') return null;
  }
  // Above it: more choices, up to the first line of another kind. A rule is crossed only between
  // numbered choices (a question's "Chat about this" sits below one); else it is the dialog's top.
  let first = selected;
  for (let index = selected - 1; index >= 0; index--) {
    const row = rowOf(lines[index] ?? '');
    if (row === 'other') break;
    if (row === 'rule' && !numberedChoice.test((lines[first] ?? '').replace(/^\s*(?:❯ )?/, ''))) break;
    if (row === 'choice') first = index;
  }

  const choices: ScreenChoice[] = [];
  for (let index = first; index < footer; index++) {
    const line = lines[index] ?? '';
    const row = rowOf(line);
    const last = choices.at(-1);
    if (row === 'detail' && last !== undefined) last.detail = last.detail === null ? line.trim() : `${last.detail} ${line.trim()}`;
    if (row !== 'choice') continue;
    const text = line.trim().replace(/^❯ /, '');
    const numbered = numberedChoice.exec(text);
    choices.push({ label: numbered?.[2] ?? text, key: numbered?.[1] ?? null, isSelected: index === selected, detail: null });
  }

  return { activity: 'waiting', reason: dialogReason(lines.slice(0, first)), choices };
}

/**
 * The reason, from the lines between the dialog's top rule and its first choice. A dialog taller
 * than the screen has lost its top: then only its question line is read.
 */
function dialogReason(above: string[]): string | null {
  let top = above.length - 1;
  while (top >= 0 && !boxRule.test((above[top] ?? '').trim())) top--;
  const isWhole = top >= 0;
  const rows = above.slice(top + 1).map((line) => line.trim());

  const outside: string[] = [];
  const fenced: string[] = [];
  let isFenced = false;
  for (const row of rows) {
    if (fenceRule.test(row)) isFenced = !isFenced;
    else if (row !== '') (isFenced ? fenced : outside).push(row);
  }

  const questionLine = outside.findLast((row) => row.includes('?'));
  const question = questionLine === undefined ? null : questionLine.slice(0, questionLine.indexOf('?') + 1);
  const heading = outside[0] === questionLine ? undefined : outside[0];
  const title = heading === undefined ? null : heading.replace(headingBox, '').replace(/:$/, '');
  const toolDialog = heading === undefined ? undefined : toolDialogs[heading];
  const nextLine = outside[1] === questionLine ? undefined : outside[1];
  const subject = toolDialog?.subject === 'fenced' ? fenced.join('\n') || null : (nextLine ?? null);

  const asked = [toolDialog?.tool ?? title, subject].filter((part) => part !== null).join(': ');
  if (!isWhole || asked === '') return question;
  if (question === null) return asked;
  return subject === null ? `${asked}: ${question}` : `${asked} — ${question}`;
}

function readInputBox(lines: string[]): ScreenReading | null {
  // The footer under the box's lower rule: its lines, or a menu's (`/` lists 20 commands), are all
  // indented; a line at the left edge is something else's, such as a shell's prompt.
  let lower = lines.length - 1;
  while (lower >= 0 && !boxRule.test(lines[lower] ?? '')) {
    const line = lines[lower] ?? '';
    if (line !== '' && indentation(line) === 0) return null;
    lower--;
  }
  if (lower < 0) return null;
  const footer = lines.slice(lower + 1);

  // The box: its upper rule, then the input line (a long input continues on the lines below it).
  let upper = lower - 1;
  while (upper >= 0 && !boxRule.test(lines[upper] ?? '')) upper--;
  if (upper < 0 || !inputLine.test(lines[upper + 1] ?? '')) return null;

  if (footer.some((line) => line.includes(busyFooter))) return { activity: 'busy', reason: null, choices: [] };
  let above = upper - 1;
  while (above >= 0 && ((lines[above] ?? '') === '' || tipLine.test(lines[above] ?? ''))) above--;
  if (spinnerLine.test(lines[above] ?? '')) return { activity: 'busy', reason: null, choices: [] };
  return { activity: 'idle', reason: null, choices: [] };
}
