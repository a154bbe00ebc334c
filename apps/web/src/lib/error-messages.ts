import type { ErrorCode, SerializedError } from '@cc-bridge/core';

// The one place an error code becomes words for a person. Core's message (the detail) follows.
const titles: Record<ErrorCode, string> = {
  INVALID_INPUT: 'Some fields need attention',
  NAME_TAKEN: 'That name is already taken',
  CONTAINER_TAKEN: 'That container is already registered',
  SESSION_TAKEN: 'That tmux session is already registered',
  NOT_FOUND: 'That instance does not exist (any more)',
  CONTAINER_GONE: 'Its container is gone: re-create it from its image',
  NOT_RUNNING: 'The instance is not running',
  NOT_WAITING: 'The instance is not waiting for an answer (any more)',
  CONFLICT: 'Someone changed this instance since you opened it',
  DOCKER_UNAVAILABLE: 'The Docker Engine is not reachable',
  DOCKER_ERROR: 'Docker refused the request',
  TMUX_ERROR: 'tmux could not do it',
  DATABASE_BUSY: 'The registry is busy',
  DATABASE_ERROR: 'The registry database failed',
  CONFIG_INVALID: 'The cc-bridge configuration is invalid',
  UNAUTHENTICATED: 'You are not signed in (any more)',
  FORBIDDEN: 'Your role does not allow this',
  INTERNAL: 'Something went wrong on the server',
};

export interface ErrorText {
  title: string;
  /** Core's own message, when it adds something to the title. */
  detail: string | null;
}

export function describeError(error: SerializedError): ErrorText {
  return { title: titles[error.code], detail: error.message && error.message !== titles[error.code] ? error.message : null };
}

/**
 * A clash with another record (its name, its container, its tmux session) belongs next to the
 * field it is about, in core's words; null for every other error.
 */
export function clashFieldErrors(error: SerializedError): Record<string, string[]> | null {
  if (error.code === 'NAME_TAKEN') return { name: [error.message] };
  if (error.code === 'CONTAINER_TAKEN') return { containerId: [error.message] };
  if (error.code === 'SESSION_TAKEN') return { tmuxSession: [error.message] };
  return null;
}

/** Title and detail on one line, for places with room for one string (table error state). */
export function errorSentence(error: SerializedError): string {
  const { title, detail } = describeError(error);
  return detail ? `${title}: ${detail}` : title;
}

/** What a failed action or API read looks like once a mutation or query function has thrown it. */
export class ActionError extends Error {
  readonly error: SerializedError;

  constructor(error: SerializedError) {
    super(errorSentence(error));
    this.name = 'ActionError';
    this.error = error;
  }
}

/** The serialized error behind anything a query or mutation threw (a lost network is INTERNAL). */
export function toSerializedError(error: unknown): SerializedError {
  if (error instanceof ActionError) return error.error;
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : 'The request failed' };
}
