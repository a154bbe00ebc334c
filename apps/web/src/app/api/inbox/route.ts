import { withRole } from '@/lib/auth/route-guard';
import { respondWith } from '@/lib/api-response';
import { readInbox } from '@/lib/reads';

/** GET /api/inbox — the instances waiting for an answer (`{ items }`, longest waiting first). */
export const GET = withRole('viewer', () => respondWith(readInbox));
