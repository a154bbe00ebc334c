'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { useLiveState } from '@/lib/live-updates';
import { inboxQuery } from '@/lib/queries';
import { pollingInterval } from '@/lib/query-client';

// `(3) ` before the tab title while agents wait.
const countPrefix = /^\(\d+\) /;

/**
 * The navigation's `Inbox` link with the number of waiting agents, and on every page: that number
 * before the tab title (`(3) Instances · cc-bridge`), and a browser notification for each agent
 * that starts waiting while the page is open, when the user allowed notifications. Reads the
 * inbox query, which the push connection keeps current.
 */
export function InboxLink({ className }: { className?: string }) {
  const isLive = useLiveState() === 'live';
  const { data } = useQuery({ ...inboxQuery(), refetchInterval: pollingInterval(isLive) });
  const count = data?.items.length ?? 0;
  useTitleCount(count);
  useWaitingNotifications(data?.items);

  return (
    <Link href="/inbox" className={className}>
      Inbox
      {count > 0 ? (
        <span className="ml-1 rounded-full bg-amber-500 px-1.5 py-0.5 text-xs font-semibold text-white tabular-nums dark:bg-amber-400 dark:text-zinc-950">
          {' '}
          {count}
        </span>
      ) : null}
    </Link>
  );
}

/** Keeps `(count) ` before the document's title, also after Next.js sets a new page's title. */
function useTitleCount(count: number): void {
  const pathname = usePathname();
  useEffect(() => {
    const apply = () => {
      const bare = document.title.replace(countPrefix, '');
      const next = count > 0 ? `(${count}) ${bare}` : bare;
      if (document.title !== next) document.title = next;
    };
    apply();
    const title = document.querySelector('title');
    if (!title) return;
    const observer = new MutationObserver(apply);
    observer.observe(title, { childList: true, characterData: true, subtree: true });
    return () => observer.disconnect();
  }, [count, pathname]);
}

/** One notification per agent that starts waiting after the page opened (not for those already waiting then). */
function useWaitingNotifications(items: readonly { id: string; name: string; activityReason: string | null; activitySince: Date | null }[] | undefined): void {
  const router = useRouter();
  const seen = useRef<Map<string, number> | null>(null);
  useEffect(() => {
    if (items === undefined) return;
    const current = new Map(items.map((item) => [item.id, item.activitySince === null ? 0 : new Date(item.activitySince).getTime()]));
    const before = seen.current;
    seen.current = current;
    if (before === null || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    for (const item of items) {
      if (before.get(item.id) === current.get(item.id)) continue;
      const notification = new Notification(`${item.name} is waiting`, { body: item.activityReason ?? 'It waits for an answer', tag: `cc-bridge-inbox-${item.id}` });
      notification.onclick = () => {
        window.focus();
        router.push('/inbox');
      };
    }
  }, [items, router]);
}
