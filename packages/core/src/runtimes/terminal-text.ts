/**
 * Terminal control sequences: CSI (`ESC [ … final`, colours and cursor moves), OSC (`ESC ] … BEL`
 * or `ESC \`, titles and links), and the two-character escapes (`ESC =`, `ESC 7`).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const escapeSequence = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_=>78])/g;

/** `text` without terminal escape sequences: what a reader sees, as plain text. */
export function stripTerminalEscapes(text: string): string {
  return text.replace(escapeSequence, '');
}

/**
 * The last `lines` lines of a terminal's output, `\n`-separated, without a trailing newline or the
 * blank lines at the end. A terminal ends lines with `\r\n`; both endings are read.
 */
export function lastLines(text: string, lines: number): string {
  if (lines <= 0) return '';
  const rows = text.split(/\r?\n/);
  while (rows.length > 0 && rows[rows.length - 1]?.trim() === '') rows.pop();
  return rows.slice(-lines).join('\n');
}

// An escape sequence cut off at the end of a chunk: ESC, then the start of a CSI or OSC.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const unfinishedEscape = /\u001b(?:\[[0-?]*[ -/]*|\][^\u0007\u001b]*\u001b?)?$/;

/**
 * Removes escape sequences from text arriving in chunks: a sequence cut at the end of one chunk
 * is held back and read with the next. Returns the function to give each chunk to.
 */
export function createEscapeStripper(): (chunk: string) => string {
  let held = '';
  return (chunk) => {
    const text = held + chunk;
    const cut = unfinishedEscape.exec(text);
    held = cut ? cut[0] : '';
    return stripTerminalEscapes(cut ? text.slice(0, cut.index) : text);
  };
}

// A colour or text-style change (SGR): the only sequence a page of plain lines can show.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const styleSequence = /^\u001b\[[0-9;:]*m$/;
// Control characters a line of text has no use for (ESC is read with its sequence; \t and \n stay).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const otherControls = /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f]/g;

/**
 * Makes terminal output arriving in chunks fit for showing as lines of styled text: colour and
 * style sequences (SGR, `ESC [ … m`) stay, whole; every other escape sequence (cursor moves,
 * erases, titles, links) and control character goes; `\r\n` becomes `\n` (a carriage return alone
 * is dropped: the text it would overwrite stays). A sequence cut at the end of one chunk is held
 * back and read with the next, so no chunk ends inside a sequence. Returns the function to give
 * each chunk to.
 */
export function createStyledTextFilter(): (chunk: string) => string {
  let held = '';
  return (chunk) => {
    const text = held + chunk;
    const cut = unfinishedEscape.exec(text);
    held = cut ? cut[0] : '';
    const whole = cut ? text.slice(0, cut.index) : text;
    return whole
      .replace(escapeSequence, (sequence) => (styleSequence.test(sequence) ? sequence : ''))
      .replace(/\r\n/g, '\n')
      .replace(/\r/g, '')
      .replace(otherControls, '');
  };
}

/**
 * `text` fit for showing as lines of styled text, as `createStyledTextFilter` makes a stream of it,
 * for text that stands alone: a follow's finished lines or its line being drawn (`OutputUpdate`).
 * An escape sequence cut off at its end is dropped: the next update brings the line again, whole.
 */
export function styledText(text: string): string {
  return createStyledTextFilter()(text);
}
