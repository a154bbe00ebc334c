import { routeOf } from '@/lib/api-v1';
import { operations } from '@/lib/api-v1-operations';

/** POST /api/v1/instances/NAME/restart (operator): core's restartInstance, the dashboard's Restart. */
export const POST = routeOf(operations.restartInstance, ({ name, manager, principal }) => manager.restartInstance(name, { actor: principal.actor }));
