'use client';

import { LiveIndicator } from '@cc-bridge/ui';
import { useLiveState } from '@/lib/live-updates';

/** The header's `Live updates` indicator, following the tab's push connection. */
export function LiveStatus({ className }: { className?: string }) {
  return <LiveIndicator state={useLiveState()} className={className} />;
}
