import { routeOf } from '@/lib/api-v1';
import { operations } from '@/lib/api-v1-operations';
import { parseListRequest, readInstanceList } from '@/lib/reads';

/** GET /api/v1/instances?type=&status=a,b&activity=&origin=&search=&sort=&order=&page= — as GET /api/instances (viewer). */
export const GET = routeOf(operations.listInstances, ({ searchParams }) => readInstanceList(parseListRequest(searchParams)));

/** POST /api/v1/instances `{ start, fields }` — the create form's request (operator); 201 with the Instance. */
export const POST = routeOf(operations.createInstance, ({ body: { fields, start }, manager, principal }) =>
  manager.createInstance(fields, { start, actor: principal.actor }),
);
