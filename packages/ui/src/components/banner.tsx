import type { ReactNode } from 'react';
import { cx } from '../lib/cx.ts';

export type BannerVariant = 'info' | 'success' | 'warning' | 'error';

export interface BannerProps {
  variant: BannerVariant;
  title: string;
  children?: ReactNode;
  /** Buttons or links beside the message, e.g. "Try again". */
  actions?: ReactNode;
  className?: string;
}

const variantClasses: Record<BannerVariant, string> = {
  info: 'border-blue-200 bg-blue-50 text-blue-900 dark:border-blue-400/30 dark:bg-blue-500/10 dark:text-blue-100',
  success: 'border-green-200 bg-green-50 text-green-900 dark:border-green-400/30 dark:bg-green-500/10 dark:text-green-100',
  warning: 'border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-400/30 dark:bg-amber-500/10 dark:text-amber-100',
  error: 'border-red-200 bg-red-50 text-red-900 dark:border-red-400/30 dark:bg-red-500/10 dark:text-red-100',
};

const variantLabel: Record<BannerVariant, string> = {
  info: 'Note',
  success: 'Done',
  warning: 'Warning',
  error: 'Error',
};

export function Banner({ variant, title, children, actions, className }: BannerProps) {
  const isUrgent = variant === 'warning' || variant === 'error';
  return (
    <div
      role={isUrgent ? 'alert' : 'status'}
      className={cx('flex flex-wrap items-start gap-3 rounded-md border px-4 py-3 text-sm', variantClasses[variant], className)}
    >
      <div className="min-w-0 flex-1">
        <p className="font-semibold">
          {/* Colour alone would not tell a screen reader or a colour-blind reader how serious this is. */}
          <span className="sr-only">{variantLabel[variant]}: </span>
          {title}
        </p>
        {children ? <div className="mt-1">{children}</div> : null}
      </div>
      {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
    </div>
  );
}
