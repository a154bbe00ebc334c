'use client';

import { Button } from '@cc-bridge/ui';
import { useEffect, useId, useRef, type SubmitEvent, type ReactNode } from 'react';

export interface FormDialogProps {
  title: string;
  description?: ReactNode;
  submitLabel: string;
  isPending: boolean;
  onSubmit: () => void;
  onClose: () => void;
  children: ReactNode;
}

/**
 * A modal form on the native <dialog> (focus trap, inert page, Escape for free). Mounted only while
 * open, so every opening starts from fresh state; the ui ConfirmDialog has no submit button of its
 * own, which a form needs for Enter to submit.
 */
export function FormDialog({ title, description, submitLabel, isPending, onSubmit, onClose, children }: FormDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!isPending) onSubmit();
  }

  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      onCancel={(event) => {
        // The parent owns whether this is open; Escape asks it, and is ignored mid-request.
        event.preventDefault();
        if (!isPending) onClose();
      }}
      className="m-auto w-full max-w-lg rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <form noValidate onSubmit={handleSubmit} className="flex flex-col gap-4 p-6">
        <div>
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          {description ? <div className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{description}</div> : null}
        </div>
        {children}
        <div className="flex justify-end gap-2 pt-2">
          <Button variant="secondary" onClick={onClose} disabled={isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" disabled={isPending} aria-busy={isPending || undefined}>
            {isPending ? (
              <span aria-hidden="true" className="size-3.5 animate-spin rounded-full border-2 border-current border-t-transparent" />
            ) : null}
            {submitLabel}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
