'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useState } from 'react';
import { parseListParams, toSearchParams, type InstanceListParams } from '@/lib/list-params';

/**
 * The view state of /instances, read from and written to the URL. Writes go through the History
 * API, which Next keeps in step with useSearchParams without a server round trip: the list query
 * fetches what it needs, and the server component runs again only on a real navigation.
 * The state also lives here so a click shows at once: the URL catches up a moment later (in a
 * transition), and a checkbox that waited for it would flick back meanwhile.
 */
export function useListParams(): [InstanceListParams, (next: InstanceListParams, options?: { replace?: boolean }) => void] {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const query = searchParams.toString();
  const [params, setLocalParams] = useState(() => parseListParams(new URLSearchParams(query)));

  // Back and forward (or a link) change the URL without going through setParams: adopt the new
  // URL while rendering (React's pattern for state that follows a prop), not in an effect that
  // would render once more with the old params first.
  const [followedQuery, setFollowedQuery] = useState(query);
  if (query !== followedQuery) {
    setFollowedQuery(query);
    setLocalParams(parseListParams(new URLSearchParams(query)));
  }

  const setParams = useCallback(
    (next: InstanceListParams, { replace = false }: { replace?: boolean } = {}) => {
      setLocalParams(next);
      const search = toSearchParams(next).toString();
      const url = search ? `${pathname}?${search}` : pathname;
      if (replace) window.history.replaceState(null, '', url);
      else window.history.pushState(null, '', url);
    },
    [pathname],
  );

  return [params, setParams];
}
