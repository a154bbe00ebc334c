/**
 * One step of following an instance's output: the lines it finished since the last step, and the
 * line it is still drawing. A reader appends `text` in place of the last step's `current` (the
 * first line of `text` is that line, now whole), then shows `current` until the next step replaces
 * it. So no line is shown twice once finished, and none is lost: a line moves from `current` into
 * `text` exactly once.
 */
export interface OutputUpdate {
  /** Finished lines, each ending in `\n`; '' when none finished. */
  text: string;
  /**
   * The line not finished yet as it reads now, without `\n`; '' when there is none. A log: the
   * text after its last newline; a tmux pane: the line the cursor stands in (a prompt, what is
   * being typed at it).
   */
  current: string;
}

/** The longest unfinished line a follow holds (UTF-16 units): a longer one is cut there and counted finished, as a terminal wraps it. */
export const maxCurrentLineLength = 64 * 1024;

/**
 * Turns text arriving in chunks (a log stream) into `OutputUpdate`s. Returns the function to give
 * each chunk to; it answers null when the chunk changed nothing a reader shows. A chunk may end
 * anywhere, also inside an escape sequence: the cut sequence then sits at the end of `current`
 * until the next chunk completes it (a reader that filters `current` on its own drops it meanwhile).
 * `finish(line)` is what a log that ended says last: its unfinished line (`line`, by default the
 * one held), counted finished. `held()` is the unfinished line held now.
 */
export function createOutputLineSplitter(maxCurrent = maxCurrentLineLength): {
  push: (chunk: string) => OutputUpdate | null;
  held: () => string;
  finish: (line?: string) => OutputUpdate | null;
} {
  let current = '';
  return {
    held: () => current,
    push(chunk) {
      if (chunk === '') return null;
      let whole = current + chunk;
      let finished = '';
      const end = whole.lastIndexOf('\n') + 1;
      if (end > 0) {
        finished = whole.slice(0, end);
        whole = whole.slice(end);
      }
      while (whole.length > maxCurrent) {
        finished += `${whole.slice(0, maxCurrent)}\n`;
        whole = whole.slice(maxCurrent);
      }
      current = whole;
      return { text: finished, current };
    },
    finish(line = current) {
      current = '';
      return line === '' ? null : { text: `${line}\n`, current };
    },
  };
}
