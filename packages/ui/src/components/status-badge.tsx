import type { InstanceStatus } from '../types.ts';
import { cx } from '../lib/cx.ts';

const statusClasses: Record<InstanceStatus, { badge: string; dot: string }> = {
  running: {
    badge: 'bg-green-50 text-green-800 ring-green-600/20 dark:bg-green-500/10 dark:text-green-300 dark:ring-green-400/30',
    dot: 'bg-green-600 dark:bg-green-400',
  },
  created: {
    badge: 'bg-blue-50 text-blue-800 ring-blue-600/20 dark:bg-blue-500/10 dark:text-blue-300 dark:ring-blue-400/30',
    dot: 'bg-blue-600 dark:bg-blue-400',
  },
  stopped: {
    badge: 'bg-zinc-100 text-zinc-700 ring-zinc-500/20 dark:bg-zinc-500/10 dark:text-zinc-300 dark:ring-zinc-400/30',
    dot: 'bg-zinc-500 dark:bg-zinc-400',
  },
  unknown: {
    badge: 'bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-400/30',
    dot: 'bg-amber-500 dark:bg-amber-400',
  },
  error: {
    badge: 'bg-red-50 text-red-800 ring-red-600/20 dark:bg-red-500/10 dark:text-red-300 dark:ring-red-400/30',
    dot: 'bg-red-600 dark:bg-red-400',
  },
};

/** The status word is the content; colour and dot only repeat it. */
export function StatusBadge({ status, className }: { status: InstanceStatus; className?: string }) {
  const classes = statusClasses[status];
  return (
    <span
      className={cx(
        'inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset',
        classes.badge,
        className,
      )}
    >
      <span aria-hidden="true" className={cx('size-1.5 rounded-full', classes.dot)} />
      {status}
    </span>
  );
}
