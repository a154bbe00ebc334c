import { cx } from '../lib/cx.ts';
import type { InstanceActivity } from '../types.ts';

const activityClasses: Record<InstanceActivity, { badge: string; dot: string }> = {
  waiting: {
    badge: 'bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-500/10 dark:text-amber-200 dark:ring-amber-400/40',
    dot: 'bg-amber-500 dark:bg-amber-400 animate-pulse',
  },
  busy: {
    badge: 'bg-blue-50 text-blue-800 ring-blue-600/20 dark:bg-blue-500/10 dark:text-blue-300 dark:ring-blue-400/30',
    dot: 'bg-blue-600 dark:bg-blue-400',
  },
  idle: {
    badge: 'bg-green-50 text-green-800 ring-green-600/20 dark:bg-green-500/10 dark:text-green-300 dark:ring-green-400/30',
    dot: 'bg-green-600 dark:bg-green-400',
  },
  exited: {
    badge: 'bg-zinc-100 text-zinc-700 ring-zinc-500/20 dark:bg-zinc-500/10 dark:text-zinc-300 dark:ring-zinc-400/30',
    dot: 'bg-zinc-500 dark:bg-zinc-400',
  },
  unknown: {
    badge: 'bg-white text-zinc-500 ring-zinc-300 dark:bg-transparent dark:text-zinc-400 dark:ring-zinc-600',
    dot: 'bg-zinc-300 dark:bg-zinc-600',
  },
};

export interface ActivityBadgeProps {
  activity: InstanceActivity;
  /** For `waiting`: what the agent asks (the tool and its command, or the question); shown on hover. */
  reason?: string | null;
  className?: string;
}

/** What the agent is doing; the word is the content, colour and dot only repeat it. */
export function ActivityBadge({ activity, reason = null, className }: ActivityBadgeProps) {
  const classes = activityClasses[activity];
  const title = activity === 'waiting' && reason ? `waiting on ${reason}` : undefined;
  return (
    <span
      title={title}
      className={cx('inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', classes.badge, className)}
    >
      <span aria-hidden="true" className={cx('size-1.5 rounded-full', classes.dot)} />
      {activity}
      {title ? <span className="sr-only">{`: ${reason}`}</span> : null}
    </span>
  );
}
