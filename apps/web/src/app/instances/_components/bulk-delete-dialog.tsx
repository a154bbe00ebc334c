'use client';

import { CheckboxField, ConfirmDialog } from '@cc-bridge/ui';

export interface BulkDeleteDialogProps {
  /** Empty: closed. */
  names: readonly string[];
  removeRuntime: boolean;
  onRemoveRuntimeChange: (removeRuntime: boolean) => void;
  isPending: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Confirms deleting the selected records, listing every name the action will be sent. */
export function BulkDeleteDialog({ names, removeRuntime, onRemoveRuntimeChange, isPending, onConfirm, onCancel }: BulkDeleteDialogProps) {
  const count = names.length;
  const noun = count === 1 ? 'instance' : 'instances';
  return (
    <ConfirmDialog
      open={count > 0}
      title={`Delete ${count} ${noun}?`}
      description="This removes the records and keeps their history. Their containers and tmux sessions keep running unless you tick the box."
      confirmLabel={`Delete ${count} ${noun}`}
      isDestructive
      isPending={isPending}
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <ul aria-label="Will be deleted" className="max-h-60 overflow-y-auto rounded-md border border-zinc-200 text-sm dark:border-zinc-700">
        {names.map((name) => (
          <li key={name} className="border-b border-zinc-100 px-3 py-1.5 font-medium last:border-b-0 dark:border-zinc-800">
            {name}
          </li>
        ))}
      </ul>
      <CheckboxField
        label="Also stop and remove containers / kill tmux sessions"
        name="removeRuntime"
        checked={removeRuntime}
        disabled={isPending}
        onChange={(event) => onRemoveRuntimeChange(event.target.checked)}
      />
    </ConfirmDialog>
  );
}
