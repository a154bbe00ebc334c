import { parseIdsRequest, parseListRequest, readInstanceList, readInstancesByIds } from '@/lib/reads';
import { withRole } from '@/lib/auth/route-guard';
import { respondWith } from '@/lib/api-response';

/**
 * GET /api/instances?type=&status=a,b&activity=&origin=&search=&sort=&order=&page= — one page of the list
 * (`ListInstancesResult`), with the page URL's parameters. 400 for a parameter core refuses.
 *
 * GET /api/instances?ids=ID,ID — the records with these ids (`{ items }`, at most 200 ids, no
 * other parameter): what a page fetches when the change feed names records it shows.
 */
export const GET = withRole('viewer', (request) => {
  const searchParams = new URL(request.url).searchParams;
  if (searchParams.has('ids')) return respondWith(() => readInstancesByIds(parseIdsRequest(searchParams)));
  return respondWith(() => readInstanceList(parseListRequest(searchParams)));
});
