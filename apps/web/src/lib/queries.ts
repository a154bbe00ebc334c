import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { getDockerHealthAction } from '@/actions/get-docker-health';
import { getInstanceDetailAction } from '@/actions/get-instance-detail';
import { listInstancesAction } from '@/actions/list-instances';
import type { ActionResult } from '@/actions/safe-action';
import { ActionError } from './error-messages';
import { toListQuery, type InstanceListParams } from './list-params';
import { backgroundRefetchMs } from './query-client';

/** Query functions throw, so TanStack Query sees a failed action as an error state. */
export function unwrap<T>(result: ActionResult<T>): T {
  if (!result.ok) throw new ActionError(result.error);
  return result.data;
}

export const instanceKeys = {
  all: ['instances'] as const,
  lists: () => [...instanceKeys.all, 'list'] as const,
  list: (params: InstanceListParams) => [...instanceKeys.lists(), params] as const,
  details: () => [...instanceKeys.all, 'detail'] as const,
  detail: (name: string) => [...instanceKeys.details(), name] as const,
};

/** One page of /instances. The server page prefetches through this very object. */
export function instanceListQuery(params: InstanceListParams) {
  return queryOptions({
    queryKey: instanceKeys.list(params),
    queryFn: async () => unwrap(await listInstancesAction(toListQuery(params))),
    refetchInterval: backgroundRefetchMs,
    // Changing a filter keeps the old rows on screen until the new page arrives.
    placeholderData: keepPreviousData,
  });
}

export function instanceDetailQuery(name: string) {
  return queryOptions({
    queryKey: instanceKeys.detail(name),
    queryFn: async () => unwrap(await getInstanceDetailAction({ name })),
    refetchInterval: backgroundRefetchMs,
  });
}

export function dockerHealthQuery() {
  return queryOptions({
    queryKey: ['docker-health'] as const,
    queryFn: async () => unwrap(await getDockerHealthAction({})),
    refetchInterval: 10_000,
  });
}
