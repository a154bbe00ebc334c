import { describe, expect, it } from 'vitest';
import { CcBridgeError } from '../errors.ts';
import { translateDatabaseError } from './prisma-errors.ts';

describe('translateDatabaseError', () => {
  it('turns a unique violation on the name into NAME_TAKEN with a field error', () => {
    const error = translateDatabaseError({ code: 'P2002', meta: { target: ['name'] } }, { name: 'api' });
    expect(error).toBeInstanceOf(CcBridgeError);
    expect(error).toMatchObject({ code: 'NAME_TAKEN', message: 'An instance named "api" already exists', fieldErrors: { name: ['is taken by another instance'] } });
  });

  it('turns one on the container id, as the driver adapter reports it, into CONFLICT', () => {
    const adapterError = { cause: { code: '23505', constraint: 'Instance_containerId_key' } };
    expect(translateDatabaseError(adapterError, { name: 'box', containerId: 'abc123abc123' })).toMatchObject({
      code: 'CONFLICT',
      message: 'Container abc123abc123 is already registered under another name',
    });
  });

  it('passes anything else on unchanged', () => {
    const other = new Error('connection lost');
    expect(translateDatabaseError(other, { name: 'x' })).toBe(other);
  });
});
