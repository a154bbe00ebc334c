import { AsyncLocalStorage } from 'node:async_hooks';
import { z } from 'zod';
import { parseInput } from '../validation.ts';

/**
 * Who makes a call and from where, as the audit log records them. `actor`: `user:alice`,
 * `token:ci/42`, `cli:alice`, `web`, `discovery`, `events`, `retention`. `origin`: the client's IP
 * for the dashboard, `cli@HOST` for the CLI, null when there is no caller to name (a timer).
 */
export interface Caller {
  actor: string;
  origin: string | null;
}

export const caller = z.object({
  actor: z.string().trim().min(1).max(200),
  origin: z.string().trim().min(1).max(200).nullable(),
});

// One store per process, not per copy of this module: the dashboard's bundler gives its server
// actions and its instrumentation (which opens the process's CcBridge) copies of their own, and a
// caller set by an action's copy must be read by the AuthService that instrumentation's copy made.
const callsKey = Symbol.for('cc-bridge.audit.callers');
const calls: AsyncLocalStorage<Caller> = ((globalThis as Record<symbol, unknown>)[callsKey] as AsyncLocalStorage<Caller> | undefined) ?? new AsyncLocalStorage<Caller>();
(globalThis as Record<symbol, unknown>)[callsKey] = calls;

/** The caller of the call running now (set by `actingAs`), or null outside any. */
export function currentCaller(): Caller | null {
  return calls.getStore() ?? null;
}

/**
 * `target` whose every method runs as `who`: what the methods write (events, audit entries) names
 * that actor and origin unless a call names its own actor. One object per caller, no reopening;
 * the target's state (status cache, live follower) stays shared. INVALID_INPUT for a bad caller.
 */
export function actingAs<T extends object>(target: T, who: Caller): T {
  const valid = parseInput(caller, who, 'caller');
  return new Proxy(target, {
    get(object, property) {
      // The target as receiver: its getters and methods reach their private fields.
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => calls.run(valid, () => Reflect.apply(value, object, args) as unknown);
    },
  });
}
