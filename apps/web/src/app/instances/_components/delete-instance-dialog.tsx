'use client';

import { CheckboxField, ConfirmDialog, useToast } from '@cc-bridge/ui';
import { useState } from 'react';
import { runtimeIdentity, typeSpecs, type Instance } from '@/lib/core-schemas';
import { errorSentence, toSerializedError } from '@/lib/error-messages';
import { useDeleteInstance } from '@/lib/mutations';

export interface DeleteInstanceDialogProps {
  /** null: closed. */
  instance: Instance | null;
  onClose: () => void;
  onDeleted?: (instance: Instance) => void;
}

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
          const { runtimeNoun, removedSentence } = typeSpecs[type];
          const description = {
            kept: `The record is gone; the ${runtimeNoun} was left as it was.`,
            removed: `The record is gone and ${removedSentence}.`,
            gone: `The record is gone; its ${runtimeNoun} was already gone.`,
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
  const identity = instance ? runtimeIdentity(instance) : null;
  const runtimeName = identity?.name ?? identity?.fullId ?? null;
  const runtime = instance && runtimeName !== null ? `${typeSpecs[instance.type].runtimeNoun} ${runtimeName}` : null;

  return (
    <ConfirmDialog
      open={instance !== null}
      title={instance ? `Delete ${instance.name}?` : 'Delete'}
      description={`This removes the record and keeps its history.${runtime ? ` The ${runtime} keeps running unless you tick the box.` : ''}`}
      confirmLabel="Delete"
      isDestructive
      onConfirm={handleConfirm}
      onCancel={close}
    >
      {instance ? (
        <CheckboxField
          label={typeSpecs[instance.type].removeRuntimeLabel}
          name="removeRuntime"
          checked={removeRuntime}
          onChange={(event) => setRemoveRuntime(event.target.checked)}
        />
      ) : null}
    </ConfirmDialog>
  );
}
