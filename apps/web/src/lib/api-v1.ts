import { CcBridgeError, parseInput, type InstanceManager } from '@cc-bridge/core';
import type { z } from 'zod';
import { errorResponse, respondWith } from './api-response';
import type { Operation } from './api-v1-operations';
import { authorize, type Principal } from './auth/authorize';
import { getBridge } from './bridge';
import { requestOrigin } from './request-actor';

/** What a handler is given: the checked caller, the process's manager acting as them, and the request's parts. */
export interface OperationInput<Body extends z.ZodType> {
  principal: Principal;
  manager: InstanceManager;
  /** The `{name}` path segment, decoded; '' on paths without one. */
  name: string;
  body: z.output<Body>;
  searchParams: URLSearchParams;
}

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

/**
 * The route handler of `operation`: authorizes the caller first (401 without credentials, 403
 * for a weaker role), then validates the JSON body (INVALID_INPUT, 400, with `fieldErrors` keyed
 * by the field's path), then runs `run`, whose value is the JSON answer. Errors are
 * `{ error: { code, message, fieldErrors? } }` with the code's HTTP status (api-response.ts).
 */
export function routeOf<Body extends z.ZodType>(
  operation: Operation<Body>,
  run: (input: OperationInput<Body>) => Promise<unknown>,
): (request: Request, context: RouteContext) => Promise<Response> {
  return async (request, context) => {
    const authorization = await authorize(request.headers, operation.role);
    if (!authorization.ok) {
      return errorResponse({ code: authorization.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', message: authorization.reason });
    }
    return respondWith(async () => {
      // Next.js gives routes without a dynamic segment no params.
      const params = (await context.params) as Record<string, string | string[] | undefined> | undefined;
      const name = typeof params?.name === 'string' ? params.name : '';
      const body = operation.body ? parseInput(operation.body, await readJson(request), 'body') : undefined;
      // The manager acting as the caller: what the call changes is theirs in the audit log.
      const manager = (await getBridge()).as({ actor: authorization.principal.actor, origin: requestOrigin(request.headers) });
      return run({ principal: authorization.principal, manager, name, body: body as z.output<Body>, searchParams: new URL(request.url).searchParams });
    }, operation.successStatus);
  };
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CcBridgeError('INVALID_INPUT', 'The body is not JSON: send Content-Type: application/json and a JSON object', { fieldErrors: { body: ['is not JSON'] } });
  }
}
