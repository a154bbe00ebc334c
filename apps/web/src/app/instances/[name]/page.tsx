import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { instanceDetailQuery } from '@/lib/queries';
import { getQueryClient } from '@/lib/query-client';
import { readInstanceDetail } from '@/lib/reads';
import { InstanceDetailView } from './_components/instance-detail-view';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

export default async function InstancePage({ params }: Props) {
  const name = decodeURIComponent((await params).name);
  const queryClient = getQueryClient();
  // The client's query key, filled by what GET /api/instances/NAME answers with (read directly).
  const detail = await queryClient.query({ ...instanceDetailQuery(name), queryFn: () => readInstanceDetail(name) });
  if (!detail) notFound();
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <InstanceDetailView name={name} />
    </HydrationBoundary>
  );
}
