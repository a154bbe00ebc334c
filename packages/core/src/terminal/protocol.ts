import { z } from 'zod';

/**
 * The terminal WebSocket's framing, one idea per frame type so bytes never need escaping:
 * a binary frame is terminal data (keystrokes to the instance, output from it), byte for byte;
 * a text frame is one JSON control message. Browser → server: `{ "type": "resize", cols, rows }`.
 * Server → browser: `{ "type": "exit" }` when the attach client ended, `{ "type": "error", message }`.
 */
export const terminalSize = z.object({
  /** Columns, 1–1000. */
  cols: z.coerce.number().int().min(1).max(1000),
  /** Rows, 1–1000. */
  rows: z.coerce.number().int().min(1).max(1000),
});
export type TerminalSize = z.infer<typeof terminalSize>;

export const terminalControl = z.discriminatedUnion('type', [terminalSize.extend({ type: z.literal('resize') })]);
export type TerminalControl = z.infer<typeof terminalControl>;

export type TerminalNotice = { type: 'exit' } | { type: 'error'; message: string };

/** Reads a text frame from the browser; null for anything that is not a known control message. */
export function parseTerminalControl(text: string): TerminalControl | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = terminalControl.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The query of a terminal URL: `mode=rw|ro` (default rw), `cols`, `rows` (default 80×24). */
export const terminalQuery = terminalSize.partial().extend({ mode: z.enum(['rw', 'ro']).default('rw') });
export type TerminalQuery = z.infer<typeof terminalQuery>;
