import { routeOf } from '@/lib/api-v1';
import { operations } from '@/lib/api-v1-operations';

/** POST /api/v1/discovery (operator): runs Docker discovery now, as the dashboard's Discover does. */
export const POST = routeOf(operations.runDiscovery, ({ manager, principal }) => manager.refreshDiscovery({ actor: principal.actor }));
