import { act, render, screen, within } from '@testing-library/react';
import { useEffect } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ToastProvider, useToast, type ToastOptions } from './toast.tsx';

let show: (options: ToastOptions) => number = () => {
  throw new Error('not rendered');
};

function Capture() {
  const { toast } = useToast();
  useEffect(() => {
    show = toast;
  });
  return null;
}

function renderToaster() {
  return render(
    <ToastProvider duration={1000}>
      <Capture />
    </ToastProvider>,
  );
}

describe('Toaster', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows success and info toasts in the polite status region', () => {
    renderToaster();
    act(() => {
      show({ title: 'Instance created', description: 'alpha is running', variant: 'success' });
    });
    const region = screen.getByRole('status');
    expect(region.getAttribute('aria-live')).toBe('polite');
    expect(within(region).getByText('Instance created')).toBeTruthy();
    expect(within(region).getByText('alpha is running')).toBeTruthy();
  });

  it('shows errors in the assertive alert region', () => {
    renderToaster();
    act(() => {
      show({ title: 'Could not delete', variant: 'error' });
    });
    expect(within(screen.getByRole('alert')).getByText('Could not delete')).toBeTruthy();
    expect(within(screen.getByRole('status')).queryByText('Could not delete')).toBeNull();
  });

  it('dismisses itself after the duration', () => {
    renderToaster();
    act(() => {
      show({ title: 'Saved', variant: 'info' });
    });
    act(() => {
      vi.advanceTimersByTime(999);
    });
    expect(screen.queryByText('Saved')).not.toBeNull();
    act(() => {
      vi.advanceTimersByTime(1);
    });
    expect(screen.queryByText('Saved')).toBeNull();
  });

  it('waits while the pointer is over it', () => {
    renderToaster();
    act(() => {
      show({ title: 'Saved', variant: 'info' });
    });
    const card = screen.getByText('Saved').closest('div')?.parentElement;
    if (!card) throw new Error('no toast card');
    act(() => {
      card.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    });
    act(() => {
      vi.advanceTimersByTime(5000);
    });
    expect(screen.queryByText('Saved')).not.toBeNull();
  });

  it('has a named dismiss button', () => {
    renderToaster();
    act(() => {
      show({ title: 'Saved' });
    });
    act(() => {
      screen.getByRole('button', { name: 'Dismiss notification' }).click();
    });
    expect(screen.queryByText('Saved')).toBeNull();
  });

  it('tells the developer when there is no provider', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(() => render(<Capture />)).toThrow(/ToastProvider/);
  });
});
