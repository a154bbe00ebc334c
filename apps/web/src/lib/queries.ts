import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { fetchDockerHealth, fetchFleetSummary, fetchInbox, fetchInstanceDetail, fetchInstanceList } from './api-client';
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
export const fleetSummaryKey = ['fleet-summary'] as const;

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

/** How often (ms) the Docker health is asked for while no push connection tells of outages. */
export const dockerHealthPollMs = 10_000;

export function dockerHealthQuery() {
  return queryOptions({
    queryKey: dockerHealthKey,
    queryFn: ({ signal }) => fetchDockerHealth(signal),
    refetchInterval: dockerHealthPollMs,
  });
}

/** How often (ms) the fleet's token use is asked for while an agent is busy, or while no push connection is up. */
export const fleetPollMs = 5_000;

/**
 * GET /api/fleet: token totals and the hooks' state. A transcript grows with every model call
 * without any record changing, so while an agent is busy this asks every `fleetPollMs`; an idle
 * fleet's transcripts do not grow, and the push reloads this on every change (an agent turning
 * busy among them), so then it asks nothing.
 */
export function fleetSummaryQuery() {
  return queryOptions({
    queryKey: fleetSummaryKey,
    queryFn: ({ signal }) => fetchFleetSummary(signal),
    refetchInterval: (query) => ((query.state.data?.busy ?? 0) > 0 ? fleetPollMs : false),
  });
}
