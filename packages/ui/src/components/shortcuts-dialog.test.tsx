import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ShortcutsDialog } from './shortcuts-dialog.tsx';

describe('ShortcutsDialog', () => {
  it('lists each shortcut with its keys and closes from its button', async () => {
    const onClose = vi.fn();
    render(<ShortcutsDialog open shortcuts={[{ keys: ['j'], description: 'Next row' }, { keys: ['/'], description: 'Focus the search box' }]} onClose={onClose} />);
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(dialog.textContent).toContain('jNext row');
    expect(dialog.textContent).toContain('/Focus the search box');
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalledOnce();
  });

  it('is closed while `open` is false', () => {
    render(<ShortcutsDialog open={false} shortcuts={[]} onClose={() => undefined} />);
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
