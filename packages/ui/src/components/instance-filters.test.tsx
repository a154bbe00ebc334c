import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { act } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { emptyInstanceFilters, type InstanceFiltersValue } from '../types.ts';
import { InstanceFilters } from './instance-filters.tsx';

function renderFilters(value: InstanceFiltersValue = emptyInstanceFilters, counts = { matched: 3, total: 10 }) {
  const onChange = vi.fn();
  const onReset = vi.fn();
  render(<InstanceFilters value={value} onChange={onChange} onReset={onReset} {...counts} />);
  return { onChange, onReset };
}

describe('InstanceFilters', () => {
  it('emits the chosen type, and null for "All"', async () => {
    const user = userEvent.setup();
    const { onChange } = renderFilters({ ...emptyInstanceFilters, status: ['running'] });
    const type = screen.getByRole('combobox', { name: 'Type' });
    expect(within(type).getAllByRole('option').map((option) => option.textContent)).toEqual(['All', 'tmux', 'docker']);
    await user.selectOptions(type, 'docker');
    expect(onChange).toHaveBeenLastCalledWith({ ...emptyInstanceFilters, status: ['running'], type: 'docker' });
  });

  it('offers every activity and emits the one chosen, null for "All"', async () => {
    const user = userEvent.setup();
    const { onChange } = renderFilters({ ...emptyInstanceFilters, activity: 'idle' });
    const activity = screen.getByRole('combobox', { name: 'Activity' });
    expect(within(activity).getAllByRole('option').map((option) => option.textContent)).toEqual(['All', 'busy', 'waiting', 'idle', 'exited', 'unknown']);
    await user.selectOptions(activity, 'waiting');
    expect(onChange).toHaveBeenLastCalledWith({ ...emptyInstanceFilters, activity: 'waiting' });
    await user.selectOptions(activity, 'All');
    expect(onChange).toHaveBeenLastCalledWith(emptyInstanceFilters);
  });

  it('emits null when the origin goes back to "All"', async () => {
    const user = userEvent.setup();
    const { onChange } = renderFilters({ ...emptyInstanceFilters, origin: 'discovered' });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Origin' }), 'All');
    expect(onChange).toHaveBeenLastCalledWith(emptyInstanceFilters);
  });

  it('has a Status group with one checkbox per status, adding and removing in a stable order', async () => {
    const user = userEvent.setup();
    const { onChange } = renderFilters({ ...emptyInstanceFilters, status: ['error'] });
    const group = screen.getByRole('group', { name: 'Status' });
    expect(within(group).getAllByRole('checkbox').map((box) => box.parentElement?.textContent)).toEqual([
      'created',
      'running',
      'stopped',
      'unknown',
      'error',
    ]);
    await user.click(within(group).getByRole('checkbox', { name: 'running' }));
    expect(onChange).toHaveBeenLastCalledWith({ ...emptyInstanceFilters, status: ['running', 'error'] });
    await user.click(within(group).getByRole('checkbox', { name: 'error' }));
    expect(onChange).toHaveBeenLastCalledWith({ ...emptyInstanceFilters, status: [] });
  });

  it('emits the search text on every keystroke (debouncing is the caller\'s choice)', async () => {
    const user = userEvent.setup();
    const { onChange } = renderFilters();
    const search = screen.getByRole('searchbox', { name: 'Search' });
    await user.type(search, 'ab');
    expect(onChange).toHaveBeenCalledTimes(2);
    // Controlled: the value prop did not change, so each keystroke is relative to "".
    expect(onChange).toHaveBeenLastCalledWith({ ...emptyInstanceFilters, search: 'b' });
  });

  it('disables "Reset filters" when nothing is filtered', () => {
    renderFilters();
    expect(screen.getByRole('button', { name: 'Reset filters' })).toHaveProperty('disabled', true);
  });

  it('resets when any filter is set', async () => {
    const user = userEvent.setup();
    const { onReset } = renderFilters({ ...emptyInstanceFilters, search: 'x' });
    await user.click(screen.getByRole('button', { name: 'Reset filters' }));
    expect(onReset).toHaveBeenCalledOnce();
  });

  it('announces how many instances match in a polite live region', () => {
    renderFilters(emptyInstanceFilters, { matched: 42, total: 5000 });
    const count = screen.getByRole('status');
    expect(count.textContent).toBe('42 of 5000 instances');
    expect(count.getAttribute('aria-live')).toBe('polite');
  });

  describe('used before the page is interactive', () => {
    /** Server markup in the document, changed by `before` the way a quick user would, then hydrated. */
    async function hydrateAfter(value: InstanceFiltersValue, before: (container: HTMLElement) => void) {
      const onChange = vi.fn();
      const element = <InstanceFilters value={value} onChange={onChange} onReset={() => {}} matched={0} total={0} />;
      const container = document.createElement('div');
      container.innerHTML = renderToString(element);
      document.body.append(container);
      before(container);
      // The async form of act also waits for the work hydration schedules after render returns.
      // eslint-disable-next-line @typescript-eslint/require-await
      await act(async () => {
        render(element, { container, hydrate: true });
      });
      return onChange;
    }

    it('takes up text typed into the search box before hydration', async () => {
      const onChange = await hydrateAfter(emptyInstanceFilters, (container) => {
        const search = within(container).getByRole('searchbox', { name: 'Search' });
        if (!(search instanceof HTMLInputElement)) throw new Error('the search box is not an input');
        search.value = 'billing';
      });
      expect(onChange).toHaveBeenCalledOnce();
      expect(onChange).toHaveBeenCalledWith({ ...emptyInstanceFilters, search: 'billing' });
    });

    it('takes up a type chosen and a status ticked before hydration, keeping the rest', async () => {
      const onChange = await hydrateAfter({ ...emptyInstanceFilters, search: 'api', status: ['error'] }, (container) => {
        const type = within(container).getByRole('combobox', { name: 'Type' });
        if (!(type instanceof HTMLSelectElement)) throw new Error('Type is not a select');
        type.value = 'docker';
        const running = within(container).getByRole('checkbox', { name: 'running' });
        if (!(running instanceof HTMLInputElement)) throw new Error('running is not a checkbox');
        running.checked = true;
      });
      expect(onChange).toHaveBeenCalledWith({ type: 'docker', status: ['running', 'error'], activity: null, origin: null, search: 'api' });
    });

    it('says nothing when the controls still show the value', async () => {
      const onChange = await hydrateAfter({ ...emptyInstanceFilters, type: 'tmux', status: ['stopped'], search: 'x' }, () => {});
      expect(onChange).not.toHaveBeenCalled();
    });
  });
});
