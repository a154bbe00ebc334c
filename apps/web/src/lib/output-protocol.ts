import { errorCodes } from '@cc-bridge/core/errors';
import { z } from 'zod';
import { maxOutputLines } from './core-schemas';

/**
 * The output stream's WebSocket, `GET /api/instances/NAME/output?lines=N` (server: output-server.ts;
 * page: the Output section). Server → browser only, one JSON text frame per message:
 * - `{ type: 'output', text, current }`: what the instance printed, in order (the last `lines`
 *   lines first): `text` the lines it finished (each ending in `\n`, or ''), which take the place
 *   of the last message's `current`; `current` the line it is still drawing (a prompt, what is
 *   typed at it; '' for none), shown until the next message replaces it (core's `OutputUpdate`).
 *   Colour sequences (SGR) kept whole, every other escape sequence and `\r` taken out.
 * - `{ type: 'end', reason: 'not-running', message }`: there is no session or container to follow.
 * - `{ type: 'end', reason: 'stopped' }`: the session or container went away while followed.
 * - `{ type: 'error', code, message }`: the runtime failed (tmux, the Docker Engine); core's code.
 * The server closes the socket after an `end` or an `error`.
 */
// A plain union: two messages share `type: 'end'`, which a discriminated union refuses.
export const outputMessage = z.union([
  z.object({ type: z.literal('output'), text: z.string(), current: z.string() }),
  z.object({ type: z.literal('end'), reason: z.literal('not-running'), message: z.string() }),
  z.object({ type: z.literal('end'), reason: z.literal('stopped') }),
  z.object({ type: z.literal('error'), code: z.enum(errorCodes), message: z.string() }),
]);
export type OutputMessage = z.infer<typeof outputMessage>;

/** Lines of recent output the page asks for first. */
export const initialOutputLines = 500;

/** The stream's query: `lines` of recent output to send first (1–10 000, default 500). */
export const outputQuery = z.object({
  lines: z.coerce.number().int().min(1).max(maxOutputLines).default(initialOutputLines),
});

/** The stream's path for an instance. */
export function outputPath(name: string): string {
  return `/api/instances/${encodeURIComponent(name)}/output`;
}

/** A frame from the server as a message; null for anything else (not text, not JSON, not a known message). */
export function readOutputMessage(data: unknown): OutputMessage | null {
  if (typeof data !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = outputMessage.safeParse(value);
  return parsed.success ? parsed.data : null;
}
