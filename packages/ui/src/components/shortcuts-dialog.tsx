'use client';

import { useEffect, useId, useRef, type MouseEvent, type SyntheticEvent } from 'react';
import { Button } from './button.tsx';

export interface Shortcut {
  /** The keys as a person presses them, e.g. `['j']` or `['Enter']`. */
  keys: readonly string[];
  description: string;
}

export interface ShortcutsDialogProps {
  open: boolean;
  shortcuts: readonly Shortcut[];
  onClose: () => void;
  title?: string;
}

/**
 * Lists a page's keyboard shortcuts in a modal on the native <dialog> (focus trap, Escape, focus
 * back to where it was on close), as `?` opens it.
 */
export function ShortcutsDialog({ open, shortcuts, onClose, title = 'Keyboard shortcuts' }: ShortcutsDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    else if (!open && dialog.open) dialog.close();
  }, [open]);

  function handleCancel(event: SyntheticEvent<HTMLDialogElement>) {
    // The parent owns `open`: closing here would leave it out of step with the prop.
    event.preventDefault();
    onClose();
  }

  function handleBackdropClick(event: MouseEvent<HTMLDialogElement>) {
    if (event.target === event.currentTarget) onClose();
  }

  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      onCancel={handleCancel}
      onClick={handleBackdropClick}
      className="m-auto w-full max-w-sm rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <div className="flex flex-col gap-4 p-6">
        <h2 id={titleId} className="text-lg font-semibold">
          {title}
        </h2>
        <dl className="grid grid-cols-[max-content_1fr] items-baseline gap-x-4 gap-y-2 text-sm">
          {shortcuts.map((shortcut) => (
            <div key={shortcut.keys.join('+')} className="contents">
              <dt className="flex gap-1">
                {shortcut.keys.map((key) => (
                  <kbd
                    key={key}
                    className="rounded border border-zinc-300 bg-zinc-50 px-1.5 py-0.5 font-mono text-xs dark:border-zinc-600 dark:bg-zinc-800"
                  >
                    {key}
                  </kbd>
                ))}
              </dt>
              <dd className="text-zinc-700 dark:text-zinc-300">{shortcut.description}</dd>
            </div>
          ))}
        </dl>
        <div className="flex justify-end">
          <Button variant="primary" onClick={onClose} autoFocus>
            Close
          </Button>
        </div>
      </div>
    </dialog>
  );
}
