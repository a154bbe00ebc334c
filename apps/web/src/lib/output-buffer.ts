import { createAnsiSequenceParser, createColorPalette, namedColors as colorNames, type Color, type ColorName, type DecorationType, type ParseToken } from 'ansi-sequence-parser';

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

/** The colours and decorations a parser has in force: what a line's first character is drawn in. */
type TextStyle = Pick<ParseToken, 'foreground' | 'background' | 'decorations'>;

const decorationCodes: Record<DecorationType, number> = { bold: 1, dim: 2, italic: 3, underline: 4, reverse: 7, hidden: 8, strikethrough: 9, overline: 53 };

function colorParameters(color: Color, isBackground: boolean): string {
  switch (color.type) {
    case 'named': {
      const index = colorNames.indexOf(color.name);
      return String((index < 8 ? 30 + index : 82 + index) + (isBackground ? 10 : 0));
    }
    case 'table':
      return `${isBackground ? 48 : 38};5;${String(color.index)}`;
    case 'rgb':
      return `${isBackground ? 48 : 38};2;${color.rgb.join(';')}`;
  }
}

/** The SGR sequence that sets `style` on a terminal in its default state ('' for none). */
export function styleSequence(style: TextStyle): string {
  const parameters = [
    ...[...style.decorations].map((decoration) => String(decorationCodes[decoration])),
    ...(style.foreground ? [colorParameters(style.foreground, false)] : []),
    ...(style.background ? [colorParameters(style.background, true)] : []),
  ];
  return parameters.length > 0 ? `\u001b[${parameters.join(';')}m` : '';
}

/**
 * The Output section's scroll-back: what a follow sends (finished lines, and the line still being
 * drawn: output-protocol.ts) in, styled lines out, at most `maxLines` (the oldest go first). A
 * colour set in one message holds in the next, as on a terminal (one parser,
 * ansi-sequence-parser, reads every finished line; tmux's `capture-pane -e` relies on it). The
 * line being drawn is read by a parser of its own, started in the style the finished lines left,
 * so replacing it never disturbs that state. Text must not end inside an escape sequence (the
 * server's `styledText` sees to it). `lines` is a new array after every update whose unchanged
 * lines are the same objects.
 */
export class OutputBuffer {
  readonly maxLines: number;
  readonly #parser = createAnsiSequenceParser();
  #finished: readonly OutputLine[] = [];
  #current: OutputLine | null = null;
  #lines: readonly OutputLine[] = [];
  /** The style in force after the finished lines. */
  #style: TextStyle = { foreground: null, background: null, decorations: new Set() };
  #nextKey = 0;
  #dropped = 0;

  constructor(maxLines: number) {
    this.maxLines = maxLines;
  }

  /** The lines held, oldest first; the line being drawn, if any, last. */
  get lines(): readonly OutputLine[] {
    return this.#lines;
  }

  /** How many finished lines were dropped from the front to keep within `maxLines`. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The lines held as plain text, `\n`-separated: what Copy puts on the clipboard. */
  get text(): string {
    return this.#lines.map((line) => line.spans.map((span) => span.text).join('')).join('\n');
  }

  /**
   * One message of the follow: `text`, finished lines (each ending in `\n`; a last piece without
   * one counts as a line too), takes the place of the line that was being drawn, and `current`
   * ('' for none) is shown after them until the next update. The line being drawn keeps its key
   * when it is finished, so a list re-renders it in place.
   */
  update(text: string, current: string): void {
    const finished = [...this.#finished, ...this.#readFinished(text)];
    this.#current = current === '' ? null : { key: this.#nextKey, spans: spansOf(createAnsiSequenceParser().parse(styleSequence(this.#style) + current)) };
    const excess = finished.length + (this.#current ? 1 : 0) - this.maxLines;
    if (excess > 0) {
      finished.splice(0, excess);
      this.#dropped += excess;
    }
    this.#finished = finished;
    this.#lines = this.#current ? [...finished, this.#current] : finished;
  }

  #readFinished(text: string): OutputLine[] {
    if (text === '') return [];
    const lines: OutputLine[] = [];
    let spans: OutputSpan[] = [];
    for (const token of this.#parser.parse(text)) {
      this.#style = token;
      const style = spanStyle(token);
      token.value.split('\n').forEach((piece, index) => {
        if (index > 0) {
          lines.push({ key: this.#nextKey++, spans });
          spans = [];
        }
        if (piece !== '') spans.push({ text: piece, style });
      });
    }
    if (spans.length > 0) lines.push({ key: this.#nextKey++, spans });
    return lines;
  }
}

/** Tokens of one line as spans. */
function spansOf(tokens: readonly ParseToken[]): OutputSpan[] {
  return tokens.filter((token) => token.value !== '').map((token) => ({ text: token.value, style: spanStyle(token) }));
}
