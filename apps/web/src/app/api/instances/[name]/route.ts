import { CcBridgeError } from '@cc-bridge/core';
import { withRole } from '@/lib/auth/route-guard';
import { respondWith } from '@/lib/api-response';
import { readInstanceDetail } from '@/lib/reads';

/** GET /api/instances/NAME — the record, its live status and its events (`InstanceDetail`); 404 when there is none. */
export const GET = withRole('viewer', (_request, _caller, { params }: { params: Promise<{ name: string }> }) =>
  respondWith(async () => {
    const { name } = await params;
    const detail = await readInstanceDetail(name);
    if (!detail) throw new CcBridgeError('NOT_FOUND', `There is no instance named ${name.slice(0, 100)}`);
    return detail;
  }),
);
