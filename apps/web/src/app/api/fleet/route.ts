import { respondWith } from '@/lib/api-response';
import { readFleetSummary } from '@/lib/reads';

/** GET /api/fleet — the fleet's token use and whether cc-bridge's hooks are installed (`FleetSummary`). */
export function GET(): Promise<Response> {
  return respondWith(readFleetSummary);
}
