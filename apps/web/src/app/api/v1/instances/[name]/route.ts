import { CcBridgeError, parseInput } from '@cc-bridge/core';
import { routeOf } from '@/lib/api-v1';
import { deleteInstanceQuery, operations } from '@/lib/api-v1-operations';
import { readInstanceDetail } from '@/lib/reads';

/** GET /api/v1/instances/NAME — the detail page's data (viewer); 404 when there is none. */
export const GET = routeOf(operations.getInstance, async ({ name }) => {
  const detail = await readInstanceDetail(name);
  if (!detail) throw new CcBridgeError('NOT_FOUND', `No instance named "${name.slice(0, 100)}"`);
  return detail;
});

/** PATCH /api/v1/instances/NAME `{ version, …fields }` (operator); 409 CONFLICT when the record moved past `version`. */
export const PATCH = routeOf(operations.updateInstance, ({ name, body: { version, ...patch }, manager, principal }) =>
  manager.updateInstance(name, patch, { expectedVersion: version, actor: principal.actor }),
);

/** DELETE /api/v1/instances/NAME[?removeRuntime=true] (operator). */
export const DELETE = routeOf(operations.deleteInstance, ({ name, searchParams, manager, principal }) => {
  const { removeRuntime } = parseInput(deleteInstanceQuery, Object.fromEntries(searchParams), 'query');
  return manager.deleteInstance(name, { removeRuntime: removeRuntime === 'true', actor: principal.actor });
});
