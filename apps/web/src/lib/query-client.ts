import { QueryClient, environmentManager } from '@tanstack/react-query';

/**
 * How often lists and the detail page ask again while the push connection (GET /api/events) is
 * down, so a second browser still sees changes; while it is live they do not poll at all.
 */
export const backgroundRefetchMs = 3_000;

/** The refetch interval for a view, given whether the push connection is live. */
export function pollingInterval(isLive: boolean): number | false {
  return isLive ? false : backgroundRefetchMs;
}

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Above zero so the data the server prefetched is not fetched again the moment it hydrates.
        staleTime: 2_000,
        refetchOnWindowFocus: true,
        retry: 1,
      },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

/** A new client per server request (no data shared between users), one for the browser's lifetime. */
export function getQueryClient(): QueryClient {
  if (environmentManager.isServer()) return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}
