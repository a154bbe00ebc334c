import { routeOf } from '@/lib/api-v1';
import { operations } from '@/lib/api-v1-operations';

/** GET /api/v1/instances/NAME/events (viewer): `{ items }`, the history oldest first. */
export const GET = routeOf(operations.listInstanceEvents, async ({ name, manager }) => ({ items: await manager.listEvents(name) }));
