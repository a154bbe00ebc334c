import xterm from '@xterm/headless';

/** A terminal's size in character cells. */
export interface TerminalSize {
  columns: number;
  rows: number;
}

/**
 * The size a program assumes on a terminal that reports none (0×0, a container made with a TTY
 * but no `ConsoleSize`): Node's and Claude Code's fallback, the classic 80×24.
 */
export const fallbackTerminalSize: TerminalSize = { columns: 80, rows: 24 };

/**
 * A screen drawn by a headless terminal emulator (@xterm/headless) from the raw output of a
 * program on a TTY, escape sequences and all: what a person attached to that TTY would see.
 * Memory is bounded by its size: no scroll-back is kept, rows that scroll off the top are gone.
 */
export class TerminalScreen {
  readonly #terminal: xterm.Terminal;
  #isDisposed = false;

  constructor(size: TerminalSize) {
    this.#terminal = new xterm.Terminal({ cols: size.columns, rows: size.rows, scrollback: 0, allowProposedApi: true });
  }

  /** Feeds output as the program wrote it (text decoded from UTF-8). Nothing after `dispose`. */
  write(output: string): void {
    if (!this.#isDisposed) this.#terminal.write(output);
  }

  /**
   * The visible rows once everything written so far is drawn, `\n`-separated, trailing blanks of
   * each row removed (as `tmux capture-pane -p` prints a pane). Empty after `dispose`.
   */
  async read(): Promise<string> {
    if (this.#isDisposed) return '';
    // The emulator parses writes in slices; a write's callback runs once it and those before are drawn.
    await new Promise<void>((resolve) => this.#terminal.write('', resolve));
    // Disposed while it drew (a method: the field's narrowing above does not survive the await).
    if (this.isDisposed()) return '';
    const buffer = this.#terminal.buffer.active;
    const rows: string[] = [];
    for (let row = 0; row < this.#terminal.rows; row += 1) rows.push(buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '');
    return rows.join('\n');
  }

  /** Whether `dispose` was called. */
  isDisposed(): boolean {
    return this.#isDisposed;
  }

  /** Frees the emulator; later writes are dropped and reads are empty. */
  dispose(): void {
    if (this.#isDisposed) return;
    this.#isDisposed = true;
    this.#terminal.dispose();
  }
}
