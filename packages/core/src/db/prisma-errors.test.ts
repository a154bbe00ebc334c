import { describe, expect, it } from 'vitest';
import { CcBridgeError } from '../errors.ts';
import { containerTaken, translateDatabaseError } from './prisma-errors.ts';

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

  it('names the instance that holds the container when it is known', () => {
    expect(containerTaken('f'.repeat(64), 'billing', null)).toMatchObject({
      code: 'CONTAINER_TAKEN',
      message: 'Container ffffffffffff is already registered as "billing"',
      fieldErrors: { containerId: ['is already registered as "billing"'] },
    });
  });

  it('passes anything else on unchanged', () => {
    const other = new Error('connection lost');
    expect(translateDatabaseError(other, { name: 'x' })).toBe(other);
  });
});
