import { routeOf } from '@/lib/api-v1';
import { operations } from '@/lib/api-v1-operations';

/** POST /api/v1/instances/NAME/start (operator): core's startInstance, the dashboard's Start. */
export const POST = routeOf(operations.startInstance, ({ name, manager, principal }) => manager.startInstance(name, { actor: principal.actor }));
