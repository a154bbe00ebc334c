import { createAnsiSequenceParser, createColorPalette, type ColorName, type ParseToken } from 'ansi-sequence-parser';

/** How one run of text looks: CSS properties React sets on a span (through the CSSOM, which the page's CSP allows). */
export interface SpanStyle {
  color?: string;
  backgroundColor?: string;
  fontWeight?: number;
  fontStyle?: 'italic';
  textDecorationLine?: string;
  opacity?: number;
  visibility?: 'hidden';
}

/** A run of text in one style; `style` null for the pane's plain text. */
export interface OutputSpan {
  text: string;
  style: SpanStyle | null;
}

/** One line of output. `key` stays with the line while it grows, so a list re-renders only what changed. */
export interface OutputLine {
  key: number;
  spans: readonly OutputSpan[];
}

// The palette of the browser terminal beside it (xterm.js's default, the Tango colours), so one
// colour looks the same in the Output section and in the Terminal.
const namedColors: Record<ColorName, string> = {
  black: '#2e3436',
  red: '#cc0000',
  green: '#4e9a06',
  yellow: '#c4a000',
  blue: '#3465a4',
  magenta: '#75507b',
  cyan: '#06989a',
  white: '#d3d7cf',
  brightBlack: '#555753',
  brightRed: '#ef2929',
  brightGreen: '#8ae234',
  brightYellow: '#fce94f',
  brightBlue: '#729fcf',
  brightMagenta: '#ad7fa8',
  brightCyan: '#34e2e2',
  brightWhite: '#eeeeec',
};
const palette = createColorPalette(namedColors);
/** The pane's own colours (Tailwind's zinc-200 on zinc-950): what reverse video swaps in when a side has no colour of its own. */
export const outputForeground = '#e4e4e7';
export const outputBackground = '#09090b';

/** The CSS of a token's colours and decorations (SGR), or null when it has none. */
export function spanStyle(token: Pick<ParseToken, 'foreground' | 'background' | 'decorations'>): SpanStyle | null {
  let color = token.foreground ? palette.value(token.foreground) : undefined;
  let backgroundColor = token.background ? palette.value(token.background) : undefined;
  const decorations = token.decorations;
  if (decorations.has('reverse')) [color, backgroundColor] = [backgroundColor ?? outputBackground, color ?? outputForeground];
  const lines = (['underline', 'strikethrough', 'overline'] as const).filter((line) => decorations.has(line));
  const style: SpanStyle = {
    ...(color ? { color } : {}),
    ...(backgroundColor ? { backgroundColor } : {}),
    ...(decorations.has('bold') ? { fontWeight: 700 } : {}),
    ...(decorations.has('italic') ? { fontStyle: 'italic' as const } : {}),
    ...(lines.length > 0 ? { textDecorationLine: lines.map((line) => (line === 'strikethrough' ? 'line-through' : line)).join(' ') } : {}),
    ...(decorations.has('dim') ? { opacity: 0.6 } : {}),
    ...(decorations.has('hidden') ? { visibility: 'hidden' as const } : {}),
  };
  return Object.keys(style).length > 0 ? style : null;
}

/**
 * The Output section's scroll-back: text with colour sequences in, styled lines out, at most
 * `maxLines` (the oldest go first). Text arrives in chunks that may end mid-line; a colour set
 * in one chunk holds in the next, as on a terminal (one parser, ansi-sequence-parser, reads
 * every chunk). Chunks must not end inside an escape sequence (the server's
 * createStyledTextFilter sees to it). `lines` is a new array after every append whose unchanged
 * lines are the same objects.
 */
export class OutputBuffer {
  readonly maxLines: number;
  readonly #parser = createAnsiSequenceParser();
  #lines: readonly OutputLine[] = [];
  /** Whether the last line has not ended yet (no `\n` after it). */
  #isLastOpen = false;
  #nextKey = 0;
  #dropped = 0;

  constructor(maxLines: number) {
    this.maxLines = maxLines;
  }

  /** The lines held, oldest first. */
  get lines(): readonly OutputLine[] {
    return this.#lines;
  }

  /** How many lines were dropped from the front to keep within `maxLines`. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The lines held as plain text, `\n`-separated: what Copy puts on the clipboard. */
  get text(): string {
    return this.#lines.map((line) => line.spans.map((span) => span.text).join('')).join('\n');
  }

  append(text: string): void {
    if (text === '') return;
    const lines = [...this.#lines];
    const open = this.#isLastOpen ? lines.pop() : undefined;
    let key = open?.key ?? this.#nextKey++;
    let current: OutputSpan[] = open ? [...open.spans] : [];
    for (const token of this.#parser.parse(text)) {
      const style = spanStyle(token);
      token.value.split('\n').forEach((piece, index) => {
        if (index > 0) {
          lines.push({ key, spans: current });
          key = this.#nextKey++;
          current = [];
        }
        if (piece !== '') current.push({ text: piece, style });
      });
    }
    this.#isLastOpen = !text.endsWith('\n');
    if (this.#isLastOpen) lines.push({ key, spans: current });
    else this.#nextKey = key;
    const excess = lines.length - this.maxLines;
    if (excess > 0) {
      lines.splice(0, excess);
      this.#dropped += excess;
    }
    this.#lines = lines;
  }
}
