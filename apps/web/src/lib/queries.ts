import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { fetchDockerHealth, fetchInbox, fetchInstanceDetail, fetchInstanceList } from './api-client';
import { serializeListParams, type InstanceListParams } from './list-params';
import { backgroundRefetchMs } from './query-client';

export const instanceKeys = {
  all: ['instances'] as const,
  lists: () => [...instanceKeys.all, 'list'] as const,
  list: (params: InstanceListParams) => [...instanceKeys.lists(), params] as const,
  details: () => [...instanceKeys.all, 'detail'] as const,
  detail: (name: string) => [...instanceKeys.details(), name] as const,
  inbox: () => [...instanceKeys.all, 'inbox'] as const,
};

export const dockerHealthKey = ['docker-health'] as const;

// Reads are GETs of app/api's route handlers (lib/api-client.ts); the server pages prefetch the
// same keys with lib/reads.ts, which those handlers answer with.

/** One page of /instances: GET /api/instances with the page URL's own query string. */
export function instanceListQuery(params: InstanceListParams) {
  return queryOptions({
    queryKey: instanceKeys.list(params),
    queryFn: ({ signal }) => fetchInstanceList(serializeListParams('/api/instances', params), signal),
    refetchInterval: backgroundRefetchMs,
    // Changing a filter keeps the old rows on screen until the new page arrives.
    placeholderData: keepPreviousData,
  });
}

/** GET /api/instances/NAME; null when there is no such instance. */
export function instanceDetailQuery(name: string) {
  return queryOptions({
    queryKey: instanceKeys.detail(name),
    queryFn: ({ signal }) => fetchInstanceDetail(name, signal),
    refetchInterval: backgroundRefetchMs,
  });
}

/**
 * GET /api/inbox: the waiting instances. Read by every page (the navigation's count, the tab
 * title, notifications); pushed changes update it in place (lib/inbox-cache.ts).
 */
export function inboxQuery() {
  return queryOptions({
    queryKey: instanceKeys.inbox(),
    queryFn: ({ signal }) => fetchInbox(signal),
    refetchInterval: backgroundRefetchMs,
  });
}

export function dockerHealthQuery() {
  return queryOptions({
    queryKey: dockerHealthKey,
    queryFn: ({ signal }) => fetchDockerHealth(signal),
    refetchInterval: 10_000,
  });
}
