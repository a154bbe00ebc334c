import { isCcBridgeError, type CcBridgeError } from '../errors.ts';

/**
 * The CcBridgeError `promise` rejects with, for tests that check a failure's code and message.
 * Throws whatever else it rejects with, and an Error when it resolves.
 */
export async function caught(promise: Promise<unknown>): Promise<CcBridgeError> {
  try {
    await promise;
  } catch (error) {
    if (isCcBridgeError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
