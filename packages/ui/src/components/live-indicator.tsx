import { cx } from '../lib/cx.ts';

export type LiveIndicatorState = 'connecting' | 'live' | 'reconnecting';

const dotClasses: Record<LiveIndicatorState, string> = {
  live: 'bg-emerald-500',
  connecting: 'bg-zinc-400 animate-pulse',
  reconnecting: 'bg-amber-500 animate-pulse',
};

export interface LiveIndicatorProps {
  state: LiveIndicatorState;
  className?: string;
}

/**
 * Whether changes reach the page by push: named `Live updates`, its text is the state itself
 * (`live`, `reconnecting`, `connecting`), so the dot's colour is never the only sign. A polite
 * live region: a screen reader hears when it drops and when it is back.
 */
export function LiveIndicator({ state, className }: LiveIndicatorProps) {
  return (
    <p
      role="status"
      aria-label="Live updates"
      className={cx('inline-flex items-center gap-1.5 text-xs font-medium text-zinc-600 dark:text-zinc-400', className)}
    >
      <span aria-hidden="true" className={cx('size-2 rounded-full', dotClasses[state])} />
      {state}
    </p>
  );
}
