import { isCcBridgeError, serializeError, type InstanceManager, type SerializedError } from '@cc-bridge/core';
import { z } from 'zod';
import { getBridge, getServerLogger } from '@/lib/bridge';
import { fieldErrorsOf } from '@/lib/field-errors';
import { requestActor } from '@/lib/request-actor';

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: SerializedError };

/**
 * Turns a handler into a server action: validates the input with `schema`, hands the handler the
 * process-wide InstanceManager acting as the request's caller (`requestActor`), and returns a result instead of throwing, so the client always
 * gets a code it can explain. Errors core did not throw on purpose are logged here and reach the
 * browser only as a short INTERNAL message.
 */
export function defineAction<Schema extends z.ZodType, T>(
  schema: Schema,
  handler: (input: z.output<Schema>, context: { manager: InstanceManager }) => Promise<T>,
): (input: z.input<Schema>) => Promise<ActionResult<T>> {
  return async (input) => {
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'Some fields are not valid', fieldErrors: fieldErrorsOf(parsed.error) },
      };
    }
    try {
      // The manager acting as the request's caller: what the handler changes is theirs in the audit log.
      const manager = (await getBridge()).as(await requestActor());
      return { ok: true, data: await handler(parsed.data, { manager }) };
    } catch (error) {
      if (!isCcBridgeError(error)) {
        getServerLogger().error('server action failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
      return { ok: false, error: serializeError(error) };
    }
  };
}
