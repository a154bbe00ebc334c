import { describe, expect, it } from 'vitest';
import { CcBridgeError, isCcBridgeError, serializeError } from './errors.ts';

describe('CcBridgeError', () => {
  it('is recognised by code, and serialises with its field errors', () => {
    const error = new CcBridgeError('INVALID_INPUT', 'Invalid instance: name is reserved', { fieldErrors: { name: ['is reserved'] } });
    expect(isCcBridgeError(error)).toBe(true);
    expect(isCcBridgeError(error, 'INVALID_INPUT')).toBe(true);
    expect(isCcBridgeError(error, 'CONFLICT')).toBe(false);
    expect(serializeError(error)).toEqual({ code: 'INVALID_INPUT', message: 'Invalid instance: name is reserved', fieldErrors: { name: ['is reserved'] } });
  });

  it('is recognised when it comes from a second copy of core (a bundler loading the module twice)', () => {
    const foreign = Object.assign(new Error('taken'), { [Symbol.for('cc-bridge.error')]: true, code: 'NAME_TAKEN' });
    expect(isCcBridgeError(foreign, 'NAME_TAKEN')).toBe(true);
    expect(serializeError(foreign)).toMatchObject({ code: 'NAME_TAKEN', message: 'taken' });
  });

  it('hides the message of anything else behind INTERNAL', () => {
    expect(isCcBridgeError(new Error('x'))).toBe(false);
    expect(serializeError(new TypeError('secret detail'))).toEqual({ code: 'INTERNAL', message: 'Unexpected error; see the server log' });
  });
});
