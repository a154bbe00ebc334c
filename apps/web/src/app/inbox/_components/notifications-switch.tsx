'use client';

import { Button } from '@cc-bridge/ui';
import { useSyncExternalStore } from 'react';

type Permission = NotificationPermission | 'unsupported';

const currentPermission = (): Permission => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);

// The browser says nothing when the permission changes; this page's own request is what changes it.
const listeners = new Set<() => void>();
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

async function requestPermission(): Promise<void> {
  await Notification.requestPermission();
  for (const listener of listeners) listener();
}

/**
 * Asks the browser for permission to notify, only when the user presses the button (browsers
 * refuse a request without a gesture); once granted, a new waiting agent is announced
 * (app/_components/inbox-watch.tsx).
 */
export function NotificationsSwitch() {
  // 'default' on the server, which cannot know; the browser's own answer once hydrated.
  const permission = useSyncExternalStore(subscribe, currentPermission, (): Permission => 'default');

  if (permission === 'unsupported') return <p className="text-sm text-zinc-600 dark:text-zinc-400">This browser has no notifications.</p>;
  if (permission === 'granted') return <p className="text-sm text-zinc-600 dark:text-zinc-400">Notifications are on for new waiting agents.</p>;
  if (permission === 'denied') return <p className="text-sm text-zinc-600 dark:text-zinc-400">Notifications are blocked for this site in the browser&apos;s settings.</p>;
  return (
    <Button size="sm" onClick={() => void requestPermission()}>
      Enable notifications
    </Button>
  );
}
