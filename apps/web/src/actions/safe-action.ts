import { isCcBridgeError, serializeError, type InstanceManager, type SerializedError } from '@cc-bridge/core';
import type { Role } from '@cc-bridge/core/auth/roles';
import { headers } from 'next/headers';
import { z } from 'zod';
import { authorize, type Principal } from '@/lib/auth/authorize';
import { getBridge, getServerLogger } from '@/lib/bridge';
import { fieldErrorsOf } from '@/lib/field-errors';
import { requestActor } from '@/lib/request-actor';

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: SerializedError };

/**
 * Who may call an action: a role (the caller's session or token must hold it), or `anyone` for
 * the few that work signed out (sign-in, setup), which check what they need themselves.
 */
export type ActionAccess = Role | 'anyone';

/**
 * Turns a handler into a server action: checks the caller holds `access` (401/403 become
 * UNAUTHENTICATED/FORBIDDEN with a one-line reason, before the input is even read), validates the
 * input with `schema`, hands the handler the caller and the process-wide InstanceManager acting as
 * them (`requestActor`), and
 * returns a result instead of throwing, so the client always gets a code it can explain. Errors
 * core did not throw on purpose are logged here and reach the browser only as a short INTERNAL message.
 */
export function defineAction<Schema extends z.ZodType, T>(
  access: ActionAccess,
  schema: Schema,
  handler: (input: z.output<Schema>, context: { manager: InstanceManager; principal: Principal | null }) => Promise<T>,
): (input: z.input<Schema>) => Promise<ActionResult<T>> {
  return async (input) => {
    let principal: Principal | null = null;
    try {
      if (access !== 'anyone') {
        const verdict = await authorize(await headers(), access);
        if (!verdict.ok) return { ok: false, error: { code: verdict.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', message: verdict.reason } };
        principal = verdict.principal;
      }
    } catch (error) {
      getServerLogger().error('server action authorization failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      return { ok: false, error: serializeError(error) };
    }
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'INVALID_INPUT', message: 'Some fields are not valid', fieldErrors: fieldErrorsOf(parsed.error) },
      };
    }
    try {
      // The manager acting as the caller: what the handler changes is theirs in the audit log.
      const manager = (await getBridge()).as(await requestActor(principal));
      return { ok: true, data: await handler(parsed.data, { manager, principal }) };
    } catch (error) {
      if (!isCcBridgeError(error)) {
        getServerLogger().error('server action failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
      return { ok: false, error: serializeError(error) };
    }
  };
}
