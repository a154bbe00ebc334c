import { withRole } from '@/lib/auth/route-guard';
import { respondWith } from '@/lib/api-response';
import { readFleetSummary } from '@/lib/reads';

/** GET /api/fleet — the fleet's token use and whether cc-bridge's hooks are installed (`FleetSummary`). */
export const GET = withRole('viewer', () => respondWith(readFleetSummary));
