import { describe, expect, it } from 'vitest';
import { CcBridgeError } from '../errors.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { containerTaken, guardDatabaseErrors, nameTaken, sessionTaken, translateDatabaseError, translateDatabaseFailure, type DatabasePlace } from './prisma-errors.ts';

const embedded: DatabasePlace = { kind: 'embedded', location: '/home/dev/.local/share/cc-bridge/db', waitMs: 60_000 };
const server: DatabasePlace = { kind: 'server', location: 'postgresql://cc:***@db.internal/cc_bridge', waitMs: 60_000 };

/** A known request error as Prisma 6.19 throws it through a driver adapter. */
function prismaError(code: string, message: string, meta: Record<string, unknown> = {}) {
  return new Prisma.PrismaClientKnownRequestError(message, { code, clientVersion: '6.19.3', meta });
}

function adapterMeta(cause: Record<string, unknown>) {
  return { modelName: 'Instance', driverAdapterError: { name: 'DriverAdapterError', cause } };
}

describe('translateDatabaseError', () => {
  it('turns a unique violation on the name into NAME_TAKEN with a field error', () => {
    const error = translateDatabaseError({ code: 'P2002', meta: { target: ['name'] } }, { name: 'api' });
    expect(error).toBeInstanceOf(CcBridgeError);
    expect(error).toMatchObject({ code: 'NAME_TAKEN', message: 'An instance named "api" already exists', fieldErrors: { name: ['is taken by another instance'] } });
  });

  it('turns one on the container id, as the driver adapter reports it, into CONTAINER_TAKEN', () => {
    const adapterError = { cause: { code: '23505', constraint: 'Instance_containerId_key' } };
    expect(translateDatabaseError(adapterError, { name: 'box', containerId: 'abc123abc123'.repeat(4) })).toMatchObject({
      code: 'CONTAINER_TAKEN',
      message: 'Container abc123abc123 is already registered under another name',
      fieldErrors: { containerId: ['is already registered under another name'] },
    });
  });

  it('turns one on the name in any case (the lower(name) index) into NAME_TAKEN', () => {
    const meta = adapterMeta({
      originalCode: '23505',
      originalMessage: 'duplicate key value violates unique constraint "Instance_name_lower_key"',
      kind: 'UniqueConstraintViolation',
      constraint: { fields: ['lower(name'] },
    });
    expect(translateDatabaseError(prismaError('P2002', 'Unique constraint failed', meta), { name: 'Alpha' })).toMatchObject({ code: 'NAME_TAKEN' });
  });

  it('turns one on the tmux session into SESSION_TAKEN, on the tmuxSession field', () => {
    const meta = adapterMeta({
      originalCode: '23505',
      originalMessage: 'duplicate key value violates unique constraint "Instance_tmuxSession_key"',
      kind: 'UniqueConstraintViolation',
      constraint: { fields: ['"tmuxSession"'] },
    });
    expect(translateDatabaseError(prismaError('P2002', 'Unique constraint failed', meta), { name: 'dup', tmuxSession: 'work' })).toMatchObject({
      code: 'SESSION_TAKEN',
      message: 'The tmux session work is already registered under another name',
      fieldErrors: { tmuxSession: ['is already registered under another name'] },
    });
  });

  it('names the instance that holds the container, the session or the name when it is known', () => {
    expect(containerTaken('f'.repeat(64), 'billing', null)).toMatchObject({
      code: 'CONTAINER_TAKEN',
      message: 'Container ffffffffffff is already registered as "billing"',
      fieldErrors: { containerId: ['is already registered as "billing"'] },
    });
    expect(sessionTaken('work', 'main')).toMatchObject({
      code: 'SESSION_TAKEN',
      message: 'The tmux session work is already registered as "main"',
      fieldErrors: { tmuxSession: ['is already registered as "main"'] },
    });
    expect(nameTaken('Alpha', 'alpha')).toMatchObject({
      code: 'NAME_TAKEN',
      message: 'The name "Alpha" is taken by "alpha"',
      fieldErrors: { name: ['is taken by "alpha"'] },
    });
    expect(nameTaken('alpha', 'alpha')).toMatchObject({ message: 'An instance named "alpha" already exists' });
  });

  it('passes anything else on unchanged', () => {
    const other = new Error('connection lost');
    expect(translateDatabaseError(other, { name: 'x' })).toBe(other);
  });
});

describe('translateDatabaseFailure', () => {
  it('says DATABASE_BUSY, naming the data folder, when a transaction could not start in time (P2028)', () => {
    const error = translateDatabaseFailure(prismaError('P2028', 'Transaction API error: Unable to start a transaction in the given time.'), embedded);
    expect(error).toMatchObject({
      code: 'DATABASE_BUSY',
      message: 'The embedded database in /home/dev/.local/share/cc-bridge/db is busy: a change waited more than 60 s for its turn; try again in a moment',
    });
  });

  it('says DATABASE_BUSY, naming the server, when a transaction ran out of time waiting for a lock', () => {
    const expired = prismaError(
      'P2028',
      'Transaction API error: A commit cannot be executed on an expired transaction. The timeout for this transaction was 60000 ms, however 60012 ms passed since the start of the transaction.',
      { operation: 'commit', timeout: 60_000, timeTaken: 60_012 },
    );
    expect(translateDatabaseFailure(expired, server)).toMatchObject({
      code: 'DATABASE_BUSY',
      message: 'The database server at postgresql://cc:***@db.internal/cc_bridge is busy: a change waited more than 60 s for its turn; try again in a moment',
    });
  });

  it.each([
    ['a connection the pool could not get in time', new Error('timeout exceeded when trying to connect')],
    ['a connection that took too long to open', new Error('Connection terminated due to connection timeout')],
    ['a write conflict or deadlock (P2034)', prismaError('P2034', 'Transaction failed due to a write conflict or a deadlock. Please retry your transaction')],
    ['too many connections (P2037)', prismaError('P2037', 'Too many database connections opened: sorry, too many clients already')],
  ])('says DATABASE_BUSY for %s', (_, error) => {
    expect(translateDatabaseFailure(error, server)).toMatchObject({ code: 'DATABASE_BUSY', message: expect.stringMatching(/^The database server at .* is busy: /) });
  });

  it('says DATABASE_ERROR with the database\'s own words for any other Prisma error', () => {
    const missing = prismaError(
      'P2021',
      '\nInvalid `prisma.instance.findMany()` invocation:\n\n\nThe table `public.Instance` does not exist in the current database.',
      adapterMeta({ originalCode: '42P01', originalMessage: 'relation "public.Instance" does not exist', kind: 'TableDoesNotExist', table: 'public.Instance' }),
    );
    expect(translateDatabaseFailure(missing, embedded)).toMatchObject({
      code: 'DATABASE_ERROR',
      message: 'The embedded database in /home/dev/.local/share/cc-bridge/db failed: relation "public.Instance" does not exist',
    });
    const unreachable = prismaError('P1001', "\nInvalid `prisma.instance.count()` invocation:\n\n\nCan't reach database server at db.internal:5432");
    expect(translateDatabaseFailure(unreachable, server)).toMatchObject({
      code: 'DATABASE_ERROR',
      message: "The database server at postgresql://cc:***@db.internal/cc_bridge failed: Can't reach database server at db.internal:5432",
    });
    const unknown = new Prisma.PrismaClientUnknownRequestError('something odd', { clientVersion: '6.19.3' });
    expect(translateDatabaseFailure(unknown, server)).toMatchObject({ code: 'DATABASE_ERROR' });
    expect(translateDatabaseFailure(new Error('Connection terminated unexpectedly'), embedded)).toMatchObject({
      code: 'DATABASE_ERROR',
      message: 'The embedded database in /home/dev/.local/share/cc-bridge/db failed: Connection terminated unexpectedly',
    });
  });

  it('leaves core\'s own errors and anything that is not the database\'s alone', () => {
    const own = new CcBridgeError('NOT_FOUND', 'No instance named "x"');
    expect(translateDatabaseFailure(own, embedded)).toBe(own);
    const bug = new TypeError('undefined is not a function');
    expect(translateDatabaseFailure(bug, embedded)).toBe(bug);
  });
});

describe('guardDatabaseErrors', () => {
  it('translates what a method throws or rejects with, and passes results, getters and other errors through', async () => {
    class Target {
      readonly #value = 7;
      get value(): number {
        return this.#value;
      }
      read(): Promise<number> {
        return Promise.resolve(this.#value);
      }
      fail(): Promise<never> {
        return Promise.reject(prismaError('P2028', 'Transaction API error: Unable to start a transaction in the given time.'));
      }
      failAtOnce(): never {
        throw new TypeError('a bug');
      }
    }
    const guarded = guardDatabaseErrors(new Target(), embedded);
    expect(guarded.value).toBe(7);
    expect(await guarded.read()).toBe(7);
    await expect(guarded.fail()).rejects.toMatchObject({ code: 'DATABASE_BUSY' });
    expect(() => guarded.failAtOnce()).toThrow(TypeError);
  });
});
