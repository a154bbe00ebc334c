import { parseListRequest, readInstanceList } from '@/lib/reads';
import { respondWith } from '@/lib/api-response';

/**
 * GET /api/instances?type=&status=a,b&origin=&search=&sort=&order=&page= — one page of the list
 * (`ListInstancesResult`), with the page URL's parameters. 400 for a parameter core refuses.
 */
export function GET(request: Request): Promise<Response> {
  return respondWith(() => readInstanceList(parseListRequest(new URL(request.url).searchParams)));
}
