import { formatRelativeTime, formatTimestamp, toDate } from '../lib/relative-time.ts';

export interface RelativeTimeProps {
  date: Date | string | null;
  now?: Date;
  /** Shown when there is no date (e.g. an instance never seen). */
  fallback?: string;
  className?: string;
}

export function RelativeTime({ date, now, fallback = 'never', className }: RelativeTimeProps) {
  const parsed = toDate(date);
  if (parsed === null) return <span className={className}>{fallback}</span>;
  return (
    <time
      dateTime={parsed.toISOString()}
      title={formatTimestamp(parsed)}
      className={className}
      // The server's clock and the browser's differ by the time the page takes to arrive,
      // so "just now" may legitimately become "1 min ago" while hydrating.
      suppressHydrationWarning
    >
      {formatRelativeTime(parsed, now ?? new Date())}
    </time>
  );
}
