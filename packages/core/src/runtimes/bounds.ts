import { isCcBridgeError } from '../errors.ts';

/**
 * How long one call to tmux or to the Docker Engine may take (ms) before it counts as failed.
 * A frozen tmux server or an Engine that accepts connections and never answers would otherwise
 * hold every command with it. Stopping a container gets its grace period on top.
 */
export const runtimeCallTimeoutMs = 5_000;

/** A call to a runtime that got no answer within its bound; the runtime's error wraps it as `cause`. */
export class NoAnswerError extends Error {
  readonly code = 'ETIMEDOUT';
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number) {
    super(`${what} did not answer within ${formatSeconds(timeoutMs)}`);
    this.name = 'TimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/** `5 s`, `0.5 s`: bounds as messages say them. */
export function formatSeconds(ms: number): string {
  return `${ms / 1000} s`;
}

/**
 * Whether a runtime error means "no answer in time" rather than an answer that was an error: its
 * cause is a NoAnswerError (tmux), an aborted request or the connect timeout (Docker). Asking
 * again at once would cost the whole bound again.
 */
export function isNoAnswer(error: unknown): boolean {
  if (!isCcBridgeError(error) || !(error.cause instanceof Error)) return false;
  const { cause } = error;
  const code = 'code' in cause ? cause.code : undefined;
  return cause.name === 'TimeoutError' || cause.name === 'AbortError' || code === 'ETIMEDOUT' || code === 'ABORT_ERR';
}
