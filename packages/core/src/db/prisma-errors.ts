import { CcBridgeError, isCcBridgeError } from '../errors.ts';
import { shortContainerId } from '../instance.ts';

/** Which unique rule a write broke: one name (in any case), one container, one tmux session. */
type UniqueKey = 'name' | 'containerId' | 'tmuxSession';

interface AdapterCause {
  code?: unknown;
  originalCode?: unknown;
  originalMessage?: unknown;
  constraint?: unknown;
  message?: unknown;
}

/** What the driver adapter said, as Prisma 6.19 keeps it in `meta.driverAdapterError.cause`. */
function adapterCause(error: object): AdapterCause | null {
  const { meta } = error as { meta?: { driverAdapterError?: { cause?: unknown } } };
  const cause = meta?.driverAdapterError?.cause;
  return typeof cause === 'object' && cause !== null ? cause : null;
}

/**
 * Prisma reports a unique violation as P2002 (P2010 from a raw query), or through the adapter as
 * PostgreSQL's 23505. The constraint or its fields say which rule: `Instance_name_key`,
 * `Instance_name_lower_key` (fields `lower(name`), `Instance_containerId_key`, `Instance_tmuxSession_key`.
 */
function uniqueViolation(error: unknown): UniqueKey | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, meta, cause } = error as { code?: unknown; meta?: { target?: unknown }; cause?: unknown };
  const fromAdapter = adapterCause(error);
  const original = (fromAdapter ?? cause ?? {}) as AdapterCause;
  const isUnique = code === 'P2002' || original.code === '23505' || original.originalCode === '23505';
  if (!isUnique) return null;
  const constraint = original.constraint;
  const fields = typeof constraint === 'object' && constraint !== null ? (constraint as { fields?: unknown }).fields : constraint;
  const text = [meta?.target, fields, original.originalMessage, original.message].flat().filter((part) => typeof part === 'string').join(' ');
  if (text.includes('containerId')) return 'containerId';
  if (text.includes('tmuxSession')) return 'tmuxSession';
  if (/(^|[^A-Za-z])name([^A-Za-z]|$)/.test(text)) return 'name';
  return null;
}

/**
 * Where a write broke a unique rule, the domain error for it: NAME_TAKEN, CONTAINER_TAKEN or
 * SESSION_TAKEN, with what the caller was writing. Anything else goes on unchanged (to
 * translateDatabaseFailure at the boundary).
 */
export function translateDatabaseError(
  error: unknown,
  context: { name?: string; containerId?: string | null; tmuxSession?: string | null },
): unknown {
  const key = uniqueViolation(error);
  if (key === 'containerId') return containerTaken(context.containerId ?? null, null, error);
  if (key === 'tmuxSession') return sessionTaken(context.tmuxSession ?? null, null, error);
  if (key === 'name') return nameTaken(context.name ?? null, null, error);
  return error;
}

/**
 * `holder`: the existing instance's name when known; names are unique regardless of case, so it
 * may be spelled differently from `name`.
 */
export function nameTaken(name: string | null, holder: string | null = null, cause?: unknown): CcBridgeError {
  if (name !== null && holder !== null && holder !== name) {
    return new CcBridgeError('NAME_TAKEN', `The name "${name}" is taken by "${holder}"`, {
      cause,
      fieldErrors: { name: [`is taken by "${holder}"`] },
    });
  }
  const message = name === null ? 'An instance with this name already exists' : `An instance named "${name}" already exists`;
  return new CcBridgeError('NAME_TAKEN', message, { cause, fieldErrors: { name: ['is taken by another instance'] } });
}

/** `holder`: the instance that has the container, when known. */
export function containerTaken(containerId: string | null, holder: string | null, cause?: unknown): CcBridgeError {
  const container = containerId ? `Container ${shortContainerId(containerId)}` : 'This container';
  const owner = holder ? `as "${holder}"` : 'under another name';
  return new CcBridgeError('CONTAINER_TAKEN', `${container} is already registered ${owner}`, {
    cause,
    fieldErrors: { containerId: [`is already registered ${owner}`] },
  });
}

/** `holder`: the instance whose record names the tmux session, when known. */
export function sessionTaken(session: string | null, holder: string | null, cause?: unknown): CcBridgeError {
  const subject = session ? `The tmux session ${session}` : 'This tmux session';
  const owner = holder ? `as "${holder}"` : 'under another name';
  return new CcBridgeError('SESSION_TAKEN', `${subject} is already registered ${owner}`, {
    cause,
    fieldErrors: { tmuxSession: [`is already registered ${owner}`] },
  });
}

/** Where the registry lives and how long a change waits there for its turn, for messages. */
export interface DatabasePlace {
  kind: 'embedded' | 'server';
  /** The embedded data folder, or the server URL without its password. */
  location: string;
  /** How long a transaction may wait to start, and to finish, before it is given up (ms). */
  waitMs: number;
}

function placeName(place: DatabasePlace): string {
  return place.kind === 'embedded' ? `The embedded database in ${place.location}` : `The database server at ${place.location}`;
}

function isPrismaError(error: object): boolean {
  // By name, not instanceof: a bundler may load a second copy of the client (see errors.ts).
  const { name } = error as { name?: unknown };
  return typeof name === 'string' && name.startsWith('PrismaClient') && name !== 'PrismaClientValidationError';
}

// What pg and pg-pool throw as plain Errors (no SQLSTATE) when a connection fails or times out;
// the driver adapter passes them through as they are.
const connectionTimeouts = ['timeout exceeded when trying to connect', 'Connection terminated due to connection timeout'];
const connectionFailures = [
  'Connection terminated',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
];

/** Why the database is busy, if that is what `error` says. */
function busyReason(error: object, place: DatabasePlace): string | null {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  const seconds = Math.round(place.waitMs / 1000);
  // P2028 is every transaction-manager error; only these two are a wait that ran out: one to
  // start (maxWait), one to finish (timeout).
  if (code === 'P2028' && /Unable to start a transaction in the given time|expired transaction/.test(text)) {
    return `a change waited more than ${seconds} s for its turn`;
  }
  if (connectionTimeouts.some((prefix) => text.startsWith(prefix))) return `connecting took more than ${seconds} s`;
  const sqlState = adapterCause(error)?.originalCode;
  if (code === 'P2034' || sqlState === '40001' || sqlState === '40P01') return 'a change collided with another (a write conflict or a deadlock)';
  if (code === 'P2037' || sqlState === '53300') return 'it has too many connections open';
  if (sqlState === '55P03') return 'a lock it needed was held by another connection';
  if (code === 'P1008') return 'it did not answer in time';
  return null;
}

/** The database's own words for `error`, if it is a database error at all. */
function failureDetail(error: object): string | null {
  const { message } = error as { message?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (isPrismaError(error)) {
    const original = adapterCause(error)?.originalMessage;
    if (typeof original === 'string' && original !== '') return original;
    // Prisma puts the invocation (call site, source lines) first and the reason on the last line.
    return text.split('\n').map((line) => line.trim()).filter((line) => line !== '').at(-1) ?? 'unknown error';
  }
  if (connectionFailures.some((prefix) => text.startsWith(prefix))) return text;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  // A PostgreSQL error straight from pg: a severity and a five-character SQLSTATE.
  if (typeof severity === 'string' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return text;
  return null;
}

/**
 * The boundary translation of any error from the database: a unique rule broken (without the
 * context translateDatabaseError has) is NAME_TAKEN, CONTAINER_TAKEN or SESSION_TAKEN; a wait
 * that ran out, a write conflict or a full server is DATABASE_BUSY; any other failure of Prisma,
 * the driver or the connection is DATABASE_ERROR, in the database's words and naming which
 * database. core's own errors and anything else (a bug) go on unchanged.
 */
export function translateDatabaseFailure(error: unknown, place: DatabasePlace): unknown {
  if (typeof error !== 'object' || error === null || isCcBridgeError(error)) return error;
  if (uniqueViolation(error)) return translateDatabaseError(error, {});
  const busy = busyReason(error, place);
  if (busy !== null) return new CcBridgeError('DATABASE_BUSY', `${placeName(place)} is busy: ${busy}; try again in a moment`, { cause: error });
  const detail = failureDetail(error);
  if (detail !== null) return new CcBridgeError('DATABASE_ERROR', `${placeName(place)} failed: ${detail}`, { cause: error });
  return error;
}

/**
 * `target` with every method's failure passed through translateDatabaseFailure, thrown or
 * rejected: the one boundary where database errors become CcBridgeErrors, so none reaches a
 * person as an unexpected error, whichever method (read, write, status, discovery, import) met it.
 */
export function guardDatabaseErrors<T extends object>(target: T, place: DatabasePlace): T {
  const translate = (error: unknown): unknown => translateDatabaseFailure(error, place);
  return new Proxy(target, {
    get(object, property) {
      // The target as receiver: its getters and methods reach their private fields.
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        let result: unknown;
        try {
          result = Reflect.apply(value, object, args);
        } catch (error) {
          throw translate(error);
        }
        return result instanceof Promise
          ? result.catch((error: unknown) => {
              throw translate(error);
            })
          : result;
      };
    },
  });
}
