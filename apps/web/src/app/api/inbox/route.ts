import { respondWith } from '@/lib/api-response';
import { readInbox } from '@/lib/reads';

/** GET /api/inbox — the instances waiting for an answer (`{ items }`, longest waiting first). */
export function GET(): Promise<Response> {
  return respondWith(readInbox);
}
