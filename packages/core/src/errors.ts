export const errorCodes = [
  'INVALID_INPUT',
  'NAME_TAKEN',
  'CONTAINER_TAKEN',
  'SESSION_TAKEN',
  'NOT_FOUND',
  /** A record's container is gone from its Engine, so it cannot be started: re-create it (`recreateInstance`). */
  'CONTAINER_GONE',
  /** The instance's session or container is not running, so there is nothing to read from or type into (start it first). */
  'NOT_RUNNING',
  /** The instance is not waiting for an answer (its activity is not `waiting`), so there is nothing to answer. */
  'NOT_WAITING',
  'CONFLICT',
  'DOCKER_UNAVAILABLE',
  'DOCKER_ERROR',
  'TMUX_ERROR',
  'DATABASE_BUSY',
  'DATABASE_ERROR',
  'CONFIG_INVALID',
  /** Nobody is signed in (no session, an unknown or revoked token): HTTP 401. */
  'UNAUTHENTICATED',
  /** The caller's role is too low for what they asked: HTTP 403. */
  'FORBIDDEN',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** Field-level messages for INVALID_INPUT, keyed by the field's path (`name`, `containerId`). */
export type FieldErrors = Record<string, string[]>;

// A bundler may load core twice (Next.js does, for instrumentation and for routes): a brand from
// the global symbol registry recognises errors of either copy, where `instanceof` sees only one.
const brand = Symbol.for('cc-bridge.error');

/** The one error type core throws on purpose; anything else is a bug (code INTERNAL at the edges). */
export class CcBridgeError extends Error {
  readonly [brand] = true;
  readonly code: ErrorCode;
  readonly fieldErrors: FieldErrors | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; fieldErrors?: FieldErrors } = {}) {
    super(message, { cause: options.cause });
    this.name = 'CcBridgeError';
    this.code = code;
    this.fieldErrors = options.fieldErrors;
  }
}

export function isCcBridgeError(error: unknown, code?: ErrorCode): error is CcBridgeError {
  const isBranded = typeof error === 'object' && error !== null && brand in error;
  return isBranded && (code === undefined || (error as CcBridgeError).code === code);
}

/** A plain object that crosses process and network boundaries (server actions, `--json`). */
export interface SerializedError {
  code: ErrorCode;
  message: string;
  fieldErrors?: FieldErrors;
}

export function serializeError(error: unknown): SerializedError {
  if (isCcBridgeError(error)) {
    return { code: error.code, message: error.message, ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}) };
  }
  return { code: 'INTERNAL', message: 'Unexpected error; see the server log' };
}
