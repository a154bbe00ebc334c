'use client';

import { Button } from '@cc-bridge/ui';
import { actionWords, type InstanceActionKind } from '@/lib/action-text';

export interface SelectionBarProps {
  count: number;
  isDeleting: boolean;
  isRefreshing: boolean;
  onDelete: () => void;
  onRefresh: () => void;
  /** Start, stop or restart the ticked rows (a confirm lists them first). */
  onAction: (kind: InstanceActionKind) => void;
  onClear: () => void;
}

/** What can be done to the ticked rows; rendered only while at least one is ticked. */
export function SelectionBar({ count, isDeleting, isRefreshing, onDelete, onRefresh, onAction, onClear }: SelectionBarProps) {
  return (
    <section
      aria-label="Selected instances"
      className="flex flex-wrap items-center gap-3 rounded-lg border border-blue-200 bg-blue-50 px-4 py-2 text-sm dark:border-blue-500/30 dark:bg-blue-500/10"
    >
      <p className="font-medium" aria-live="polite">
        {count} selected
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <Button size="sm" variant="danger" onClick={onDelete} disabled={isDeleting} aria-busy={isDeleting || undefined}>
          Delete selected
        </Button>
        <Button size="sm" onClick={onRefresh} disabled={isRefreshing} aria-busy={isRefreshing || undefined}>
          Refresh selected
        </Button>
        {(['start', 'stop', 'restart'] as const).map((kind) => (
          <Button key={kind} size="sm" onClick={() => onAction(kind)}>
            {`${actionWords[kind].label} selected`}
          </Button>
        ))}
        <Button size="sm" variant="ghost" onClick={onClear}>
          Clear selection
        </Button>
      </div>
    </section>
  );
}
