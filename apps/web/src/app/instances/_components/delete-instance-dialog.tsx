'use client';

import { CheckboxField, ConfirmDialog, useToast } from '@cc-bridge/ui';
import { useState } from 'react';
import type { Instance } from '@/lib/core-schemas';
import { errorSentence, toSerializedError } from '@/lib/error-messages';
import { useDeleteInstance } from '@/lib/mutations';

export interface DeleteInstanceDialogProps {
  /** null: closed. */
  instance: Instance | null;
  onClose: () => void;
  onDeleted?: (instance: Instance) => void;
}

const runtimeLabel = {
  docker: 'Also stop and remove the container',
  tmux: 'Also kill the tmux session',
} as const;

export function DeleteInstanceDialog({ instance, onClose, onDeleted }: DeleteInstanceDialogProps) {
  const [removeRuntime, setRemoveRuntime] = useState(false);
  const remove = useDeleteInstance();
  const { toast } = useToast();

  function close() {
    setRemoveRuntime(false);
    onClose();
  }

  function handleConfirm() {
    if (!instance) return;
    const { name, type } = instance;
    // The row disappears at once (optimistic); on failure the cache is put back and a toast says why.
    remove.mutate(
      { name, removeRuntime },
      {
        onSuccess: ({ runtime }) => {
          const what = type === 'docker' ? 'container' : 'tmux session';
          const description = {
            kept: `The record is gone; the ${what} was left as it was.`,
            removed: `The record is gone and ${type === 'docker' ? 'its container was stopped and removed' : 'its tmux session was killed'}.`,
            gone: `The record is gone; its ${what} was already gone.`,
          }[runtime];
          toast({ variant: 'success', title: `Deleted ${name}`, description });
          onDeleted?.(instance);
        },
        onError: (error) => toast({ variant: 'error', title: `Could not delete ${name}`, description: errorSentence(toSerializedError(error)) }),
      },
    );
    close();
  }

  // A tmux record without a session (cleared) has no runtime to keep or remove.
  const runtime =
    instance?.type === 'docker' ? `container ${instance.containerName ?? instance.containerId ?? ''}` : instance?.tmuxSession ? `tmux session ${instance.tmuxSession}` : null;

  return (
    <ConfirmDialog
      open={instance !== null}
      title={instance ? `Delete ${instance.name}?` : 'Delete'}
      description={`This removes the record and keeps its history.${runtime ? ` The ${runtime.trim()} keeps running unless you tick the box.` : ''}`}
      confirmLabel="Delete"
      isDestructive
      onConfirm={handleConfirm}
      onCancel={close}
    >
      {instance ? (
        <CheckboxField
          label={runtimeLabel[instance.type]}
          name="removeRuntime"
          checked={removeRuntime}
          onChange={(event) => setRemoveRuntime(event.target.checked)}
        />
      ) : null}
    </ConfirmDialog>
  );
}
