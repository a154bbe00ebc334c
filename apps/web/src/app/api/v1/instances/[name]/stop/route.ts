import { routeOf } from '@/lib/api-v1';
import { operations } from '@/lib/api-v1-operations';

/** POST /api/v1/instances/NAME/stop (operator): core's stopInstance, the dashboard's Stop. */
export const POST = routeOf(operations.stopInstance, ({ name, manager, principal }) => manager.stopInstance(name, { actor: principal.actor }));
