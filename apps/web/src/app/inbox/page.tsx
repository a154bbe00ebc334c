import { dehydrate, HydrationBoundary, noop } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { inboxQuery } from '@/lib/queries';
import { getQueryClient } from '@/lib/query-client';
import { readInbox } from '@/lib/reads';
import { InboxView } from './_components/inbox-view';

export const metadata: Metadata = { title: 'Inbox' };

export default async function InboxPage() {
  const queryClient = getQueryClient();
  // The client's inbox query, filled by what GET /api/inbox answers with, so the items arrive in the HTML.
  await queryClient.query({ ...inboxQuery(), queryFn: readInbox }).catch(noop);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <InboxView />
    </HydrationBoundary>
  );
}
