import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ConfirmDialog, type ConfirmDialogProps } from './confirm-dialog.tsx';

function renderDialog(props: Partial<ConfirmDialogProps> = {}) {
  const onConfirm = vi.fn();
  const onCancel = vi.fn();
  const all: ConfirmDialogProps = {
    open: true,
    title: 'Delete alpha?',
    description: 'The instance record is removed.',
    confirmLabel: 'Delete',
    onConfirm,
    onCancel,
    ...props,
  };
  const result = render(<ConfirmDialog {...all} />);
  return { ...result, onConfirm, onCancel, props: all };
}

describe('ConfirmDialog', () => {
  it('opens as a modal named by its title and described by its description', () => {
    renderDialog();
    const dialog = screen.getByRole('dialog', { name: 'Delete alpha?' });
    expect(dialog).toHaveProperty('open', true);
    expect(dialog.getAttribute('aria-describedby')).toBe(screen.getByText('The instance record is removed.').id);
  });

  it('is closed while `open` is false and closes when it turns false', () => {
    const { rerender, props } = renderDialog({ open: false });
    expect(screen.queryByRole('dialog')).toBeNull();
    rerender(<ConfirmDialog {...props} open />);
    expect(screen.getByRole('dialog')).toHaveProperty('open', true);
    rerender(<ConfirmDialog {...props} open={false} />);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('starts on Cancel for a destructive action', () => {
    renderDialog({ isDestructive: true });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));
  });

  it('starts on the confirm button otherwise', () => {
    renderDialog({ confirmLabel: 'Refresh' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Refresh' }));
  });

  it('calls onConfirm and onCancel from its buttons', async () => {
    const user = userEvent.setup();
    const { onConfirm, onCancel } = renderDialog({ cancelLabel: 'Keep it' });
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    expect(onConfirm).toHaveBeenCalledOnce();
    await user.click(screen.getByRole('button', { name: 'Keep it' }));
    expect(onCancel).toHaveBeenCalledOnce();
  });

  it('cancels on Escape, leaving the parent to close it', () => {
    const { onCancel } = renderDialog();
    const dialog = screen.getByRole('dialog');
    const escape = new Event('cancel', { cancelable: true });
    dialog.dispatchEvent(escape);
    expect(onCancel).toHaveBeenCalledOnce();
    expect(escape.defaultPrevented).toBe(true);
    expect(dialog).toHaveProperty('open', true);
  });

  it('ignores Escape and disables both buttons while the action is pending', () => {
    const { onCancel } = renderDialog({ isPending: true });
    screen.getByRole('dialog').dispatchEvent(new Event('cancel', { cancelable: true }));
    expect(onCancel).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Delete' })).toHaveProperty('disabled', true);
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveProperty('disabled', true);
  });
});
