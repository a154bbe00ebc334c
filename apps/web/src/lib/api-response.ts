import { isCcBridgeError, serializeError, type ErrorCode, type SerializedError } from '@cc-bridge/core';
import { getServerLogger } from './bridge';

/** The HTTP status each error code answers with, in one place. */
export const httpStatusOf: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  CONTAINER_GONE: 409,
  NOT_RUNNING: 409,
  NOT_WAITING: 409,
  NAME_TAKEN: 409,
  CONTAINER_TAKEN: 409,
  SESSION_TAKEN: 409,
  CONFLICT: 409,
  // The registry or the Engine is there but cannot answer now: try again.
  DATABASE_BUSY: 503,
  DOCKER_UNAVAILABLE: 503,
  // A runtime that answered with a refusal.
  DOCKER_ERROR: 502,
  TMUX_ERROR: 502,
  DATABASE_ERROR: 500,
  CONFIG_INVALID: 500,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  INTERNAL: 500,
};

/** The body of every refused API request. */
export interface ApiErrorBody {
  error: SerializedError;
}

// Reads change with every poll: no browser or proxy may keep one. No Access-Control-* header is
// ever sent, so another origin's script cannot read an answer even if the guard let it through.
const jsonHeaders = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };

/**
 * Answers a route handler: `read()`'s value as JSON (`status`, 200 unless told), or `{ error: {
 * code, message, fieldErrors? } }` with the code's HTTP status. Errors core did not throw on
 * purpose are logged here and reach the browser only as a short INTERNAL message.
 */
export async function respondWith(read: () => Promise<unknown>, status = 200): Promise<Response> {
  try {
    return new Response(JSON.stringify(await read()), { status, headers: jsonHeaders });
  } catch (error) {
    if (!isCcBridgeError(error)) {
      getServerLogger().error('API read failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
    return errorResponse(serializeError(error));
  }
}

/** `{ error }` with its code's HTTP status. */
export function errorResponse(error: SerializedError): Response {
  const body: ApiErrorBody = { error };
  return new Response(JSON.stringify(body), { status: httpStatusOf[error.code], headers: jsonHeaders });
}
