'use client';

import { useEffect, useState } from 'react';

/**
 * One clock for a whole table: "3 min ago" keeps moving without each row owning a timer.
 * A fixed `override` (tests, stories) stops the ticking.
 */
export function useNow(override: Date | undefined, intervalMs = 60_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    if (override) return;
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [override, intervalMs]);
  return override ?? now;
}
