'use client';

import { ToastProvider } from '@cc-bridge/ui';
import { QueryClientProvider } from '@tanstack/react-query';
import { NuqsAdapter } from 'nuqs/adapters/next/app';
import { useEffect, type ReactNode } from 'react';
import { LiveUpdatesProvider } from '@/lib/live-updates';
import { getQueryClient } from '@/lib/query-client';

export function Providers({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  // Until hydration, buttons do nothing and typing is not heard. Tests and the demo wait for this
  // mark before they act, as a person would wait for the page to respond.
  useEffect(() => {
    document.documentElement.dataset.hydrated = 'true';
  }, []);
  return (
    <QueryClientProvider client={queryClient}>
      <LiveUpdatesProvider>
        <NuqsAdapter>
          <ToastProvider>{children}</ToastProvider>
        </NuqsAdapter>
      </LiveUpdatesProvider>
    </QueryClientProvider>
  );
}
