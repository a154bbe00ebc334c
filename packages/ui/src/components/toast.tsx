'use client';

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { cx, focusRing } from '../lib/cx.ts';

export type ToastVariant = 'success' | 'error' | 'info';

export interface ToastOptions {
  title: string;
  description?: string;
  variant?: ToastVariant;
}

interface ToastItem {
  id: number;
  title: string;
  description: string | undefined;
  variant: ToastVariant;
}

export interface ToastApi {
  /** Shows a toast and returns its id (for `dismiss`). */
  toast: (options: ToastOptions) => number;
  dismiss: (id: number) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (api === null) throw new Error('useToast() needs a <ToastProvider> (or <Toaster>) above it');
  return api;
}

export interface ToastProviderProps {
  children?: ReactNode;
  /** How long a toast stays, in ms; errors stay twice as long, being the ones that need reading. */
  duration?: number;
}

export function ToastProvider({ children, duration = 5000 }: ToastProviderProps) {
  const [toasts, setToasts] = useState<ToastItem[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => {
    setToasts((current) => current.filter((item) => item.id !== id));
  }, []);

  const toast = useCallback(({ title, description, variant = 'info' }: ToastOptions) => {
    const id = nextId.current;
    nextId.current += 1;
    setToasts((current) => [...current, { id, title, description, variant }]);
    return id;
  }, []);

  const api = useMemo<ToastApi>(() => ({ toast, dismiss }), [toast, dismiss]);
  const polite = toasts.filter((item) => item.variant !== 'error');
  const urgent = toasts.filter((item) => item.variant === 'error');

  return (
    <ToastContext.Provider value={api}>
      {children}
      {/* Both regions exist before any toast does: screen readers only announce changes to a
          live region they already know about. */}
      <div className="pointer-events-none fixed inset-x-0 bottom-0 z-50 flex flex-col items-end gap-2 p-4 sm:bottom-4 sm:right-4 sm:left-auto">
        <div role="alert" aria-live="assertive" className="flex flex-col gap-2">
          {urgent.map((item) => (
            <ToastCard key={item.id} item={item} duration={duration * 2} onDismiss={dismiss} />
          ))}
        </div>
        <div role="status" aria-live="polite" className="flex flex-col gap-2">
          {polite.map((item) => (
            <ToastCard key={item.id} item={item} duration={duration} onDismiss={dismiss} />
          ))}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

/** Same component under the name the app may reach for; it provides `useToast()` and renders the toasts. */
export const Toaster = ToastProvider;

const variantClasses: Record<ToastVariant, string> = {
  success: 'border-green-300 dark:border-green-500/40',
  error: 'border-red-300 dark:border-red-500/40',
  info: 'border-zinc-200 dark:border-zinc-700',
};

const variantLabel: Record<ToastVariant, string> = { success: 'Success', error: 'Error', info: 'Info' };

const variantDot: Record<ToastVariant, string> = {
  success: 'bg-green-600 dark:bg-green-400',
  error: 'bg-red-600 dark:bg-red-400',
  info: 'bg-blue-600 dark:bg-blue-400',
};

function ToastCard({ item, duration, onDismiss }: { item: ToastItem; duration: number; onDismiss: (id: number) => void }) {
  // Paused while pointed at or focused, so nobody loses a message they are in the middle of reading (WCAG 2.2.1).
  const [isPaused, setIsPaused] = useState(false);

  useEffect(() => {
    if (isPaused) return;
    const timer = setTimeout(() => onDismiss(item.id), duration);
    return () => clearTimeout(timer);
  }, [isPaused, duration, item.id, onDismiss]);

  return (
    <div
      onMouseEnter={() => setIsPaused(true)}
      onMouseLeave={() => setIsPaused(false)}
      onFocus={() => setIsPaused(true)}
      onBlur={() => setIsPaused(false)}
      className={cx(
        'pointer-events-auto flex w-80 max-w-full items-start gap-3 rounded-lg border bg-white p-3 text-sm text-zinc-900 shadow-lg dark:bg-zinc-900 dark:text-zinc-100',
        variantClasses[item.variant],
      )}
    >
      <span aria-hidden="true" className={cx('mt-1.5 size-2 shrink-0 rounded-full', variantDot[item.variant])} />
      <div className="min-w-0 flex-1">
        <p className="font-medium">
          <span className="sr-only">{variantLabel[item.variant]}: </span>
          {item.title}
        </p>
        {item.description ? <p className="mt-0.5 text-zinc-600 dark:text-zinc-400">{item.description}</p> : null}
      </div>
      <button
        type="button"
        onClick={() => onDismiss(item.id)}
        aria-label="Dismiss notification"
        className={cx(
          'shrink-0 rounded p-0.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100',
          focusRing,
        )}
      >
        <svg aria-hidden="true" focusable="false" viewBox="0 0 16 16" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.5">
          <path d="m4 4 8 8M12 4l-8 8" strokeLinecap="round" />
        </svg>
      </button>
    </div>
  );
}
