'use client';

import type { RemovalReport } from '@cc-bridge/core';
import { ConfirmDialog } from '@cc-bridge/ui';

export interface RemovalDialogProps {
  /** The dry run's answer; null: closed. */
  preview: RemovalReport | null;
  title: string;
  description: string;
  isPending: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Shows what a clean-up would remove (its dry run) before anything is removed. */
export function RemovalDialog({ preview, title, description, isPending, onConfirm, onCancel }: RemovalDialogProps) {
  const count = preview?.removed.length ?? 0;
  return (
    <ConfirmDialog
      open={preview !== null}
      title={title}
      description={description}
      confirmLabel={`Remove ${count} ${count === 1 ? 'instance' : 'instances'}`}
      isDestructive
      isPending={isPending}
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <ul aria-label="Will be removed" className="max-h-60 overflow-y-auto rounded-md border border-zinc-200 text-sm dark:border-zinc-700">
        {preview?.removed.map((instance) => (
          <li key={instance.id} className="flex items-center justify-between gap-3 border-b border-zinc-100 px-3 py-1.5 last:border-b-0 dark:border-zinc-800">
            <span className="font-medium">{instance.name}</span>
            <span className="text-zinc-600 dark:text-zinc-400">
              {instance.type} · {instance.status}
            </span>
          </li>
        ))}
      </ul>
    </ConfirmDialog>
  );
}
