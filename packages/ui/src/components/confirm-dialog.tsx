'use client';

import { useEffect, useId, useRef, type MouseEvent, type ReactNode, type SyntheticEvent } from 'react';
import { Button } from './button.tsx';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  description?: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  isDestructive?: boolean;
  isPending?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children?: ReactNode;
}

/**
 * A modal confirmation on the native <dialog>: the browser provides the focus trap, the inert
 * page behind it, Escape, and returning focus to the opener on close.
 */
export function ConfirmDialog({
  open,
  title,
  description,
  confirmLabel,
  cancelLabel = 'Cancel',
  isDestructive = false,
  isPending = false,
  onConfirm,
  onCancel,
  children,
}: ConfirmDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // A destructive action must never be one stray Enter away, so it starts on Cancel.
      (isDestructive ? cancelRef : confirmRef).current?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open, isDestructive]);

  function handleCancel(event: SyntheticEvent<HTMLDialogElement>) {
    // The parent owns `open`; closing here would leave it out of step with the prop.
    event.preventDefault();
    // An Escape mid-request would hide a dialog whose action still goes ahead.
    if (!isPending) onCancel();
  }

  function handleBackdropClick(event: MouseEvent<HTMLDialogElement>) {
    // The dialog has no padding of its own, so a click whose target is the dialog itself
    // landed on the ::backdrop.
    if (event.target === event.currentTarget && !isPending) onCancel();
  }

  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={handleCancel}
      onClick={handleBackdropClick}
      className="m-auto w-full max-w-md rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <div className="flex flex-col gap-4 p-6">
        <h2 id={titleId} className="text-lg font-semibold">
          {title}
        </h2>
        {description ? (
          <div id={descriptionId} className="text-sm text-zinc-600 dark:text-zinc-400">
            {description}
          </div>
        ) : null}
        {children}
        <div className="flex justify-end gap-2">
          <Button ref={cancelRef} variant="secondary" onClick={onCancel} disabled={isPending}>
            {cancelLabel}
          </Button>
          <Button
            ref={confirmRef}
            variant={isDestructive ? 'danger' : 'primary'}
            onClick={onConfirm}
            disabled={isPending}
            aria-busy={isPending || undefined}
          >
            {isPending ? (
              <span aria-hidden="true" className="size-3.5 animate-spin rounded-full border-2 border-current border-t-transparent" />
            ) : null}
            {confirmLabel}
          </Button>
        </div>
      </div>
    </dialog>
  );
}
