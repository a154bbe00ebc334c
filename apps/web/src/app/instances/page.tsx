import { dehydrate, HydrationBoundary, noop } from '@tanstack/react-query';
import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { loadListParams, toListQuery } from '@/lib/list-params';
import { dockerHealthQuery, fleetSummaryQuery, instanceListQuery } from '@/lib/queries';
import { getQueryClient } from '@/lib/query-client';
import { readDockerHealth, readFleetSummary, readInstanceList } from '@/lib/reads';
import { InstancesView } from './_components/instances-view';

export const metadata: Metadata = { title: 'Instances' };

export default async function InstancesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await loadListParams(searchParams);
  const queryClient = getQueryClient();
  // The client's query keys, filled by what the API routes answer with (read here directly, not
  // over HTTP), so the first page arrives in the HTML and hydrates. A failure is left for the
  // client's own query to show.
  await Promise.all([
    queryClient.query({ ...instanceListQuery(params), queryFn: () => readInstanceList(toListQuery(params)) }).catch(noop),
    queryClient.query({ ...dockerHealthQuery(), queryFn: readDockerHealth }).catch(noop),
    queryClient.query({ ...fleetSummaryQuery(), queryFn: readFleetSummary }).catch(noop),
  ]);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <InstancesView />
    </HydrationBoundary>
  );
}
