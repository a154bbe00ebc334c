import { dehydrate, HydrationBoundary, noop } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { parseListParams } from '@/lib/list-params';
import { dockerHealthQuery, instanceListQuery } from '@/lib/queries';
import { getQueryClient } from '@/lib/query-client';
import { InstancesView } from './_components/instances-view';

export const metadata: Metadata = { title: 'Instances' };

export default async function InstancesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = parseListParams(await searchParams);
  const queryClient = getQueryClient();
  // The same query objects the client uses, so the first page arrives in the HTML and hydrates.
  // A failure is left for the client's own query to show, as prefetchQuery did.
  await Promise.all([queryClient.query(instanceListQuery(params)).catch(noop), queryClient.query(dockerHealthQuery()).catch(noop)]);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <InstancesView />
    </HydrationBoundary>
  );
}
