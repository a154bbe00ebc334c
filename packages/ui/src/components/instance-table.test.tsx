import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { InstanceRow } from '../types.ts';
import { InstanceTable, type InstanceTableProps } from './instance-table.tsx';

const now = new Date('2026-11-28T12:00:00.000Z');

function row(overrides: Partial<InstanceRow> & Pick<InstanceRow, 'name'>): InstanceRow {
  return {
    id: `id-${overrides.name}`,
    type: 'tmux',
    status: 'running',
    activity: 'unknown',
    activitySince: null,
    activityReason: null,
    origin: 'manual',
    tmuxSession: overrides.name,
    containerId: null,
    containerName: null,
    imageName: null,
    dockerHost: null,
    createdAt: new Date('2026-11-28T11:57:00.000Z'),
    lastSeenAt: null,
    version: 1,
    ...overrides,
  };
}

const rows: InstanceRow[] = [
  row({
    name: 'alpha',
    tmuxSession: 'alpha-session',
    lastSeenAt: '2026-11-28T11:59:30.000Z',
    activity: 'waiting',
    activitySince: '2026-11-28T11:55:00.000Z',
    activityReason: 'Bash: rm -rf build',
  }),
  row({
    name: 'bravo',
    type: 'docker',
    status: 'stopped',
    origin: 'discovered',
    tmuxSession: null,
    containerId: '4f1c2b3a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a',
    containerName: 'cc-bravo',
    imageName: 'claude-code:latest',
    dockerHost: 'build',
    createdAt: '2026-11-26T12:00:00.000Z',
  }),
];

function renderTable(props: Partial<InstanceTableProps> = {}) {
  const onSortChange = vi.fn();
  const onSelectionChange = vi.fn();
  const result = render(
    <InstanceTable
      rows={rows}
      sortBy="name"
      sortOrder="asc"
      onSortChange={onSortChange}
      selectedNames={new Set()}
      onSelectionChange={onSelectionChange}
      now={now}
      {...props}
    />,
  );
  return { ...result, onSortChange, onSelectionChange };
}

function bodyRows() {
  const table = screen.getByRole('table', { name: 'Instances' });
  // The first rowgroup is the header.
  const groups = within(table).getAllByRole('rowgroup');
  const body = groups[1];
  if (!body) throw new Error('table has no body');
  return within(body).getAllByRole('row');
}

describe('InstanceTable', () => {
  it('renders one row per instance whose first cell is just the name', () => {
    renderTable();
    const [first, second] = bodyRows();
    expect(within(first ?? document.body).getAllByRole('cell')[0]?.textContent).toBe('alpha');
    expect(within(second ?? document.body).getAllByRole('cell')[0]?.textContent).toBe('bravo');
  });

  it('shows type, status, activity, origin, session or container with short id, image, Docker host and times as text', () => {
    renderTable();
    const [tmuxRow, dockerRow] = bodyRows();
    const tmuxCells = within(tmuxRow ?? document.body).getAllByRole('cell').map((cell) => cell.textContent);
    expect(tmuxCells.slice(1)).toEqual(['tmux', 'running', 'waiting: Bash: rm -rf build5 min ago', 'manual', 'alpha-session', '—none', '—none', '3 min ago', 'just now']);
    const dockerCells = within(dockerRow ?? document.body).getAllByRole('cell').map((cell) => cell.textContent);
    expect(dockerCells.slice(1)).toEqual([
      'docker',
      'stopped',
      'unknown',
      'discovered',
      'cc-bravo4f1c2b3a9d8e',
      'claude-code:latest',
      'build',
      '2 days ago',
      'never',
    ]);
  });

  it('puts the exact time on the <time> element for hover and machines', () => {
    renderTable();
    const time = screen.getByText('2 days ago');
    expect(time.tagName).toBe('TIME');
    expect(time.getAttribute('dateTime')).toBe('2026-11-26T12:00:00.000Z');
    expect(time.getAttribute('title')).toBe('2026-11-26 12:00:00 UTC');
  });

  it('marks the sorted column with aria-sort and the others with none', () => {
    renderTable({ sortBy: 'createdAt', sortOrder: 'desc' });
    const header = (name: string) => screen.getByRole('button', { name }).closest('th');
    expect(header('Created')?.getAttribute('aria-sort')).toBe('descending');
    for (const name of ['Name', 'Type', 'Status', 'Activity', 'Last seen']) {
      expect(header(name)?.getAttribute('aria-sort')).toBe('none');
    }
  });

  it('flips the order when the sorted column is clicked and starts another column ascending', async () => {
    const user = userEvent.setup();
    const { onSortChange } = renderTable({ sortBy: 'name', sortOrder: 'asc' });
    await user.click(screen.getByRole('button', { name: 'Name' }));
    expect(onSortChange).toHaveBeenLastCalledWith('name', 'desc');
    await user.click(screen.getByRole('button', { name: 'Last seen' }));
    expect(onSortChange).toHaveBeenLastCalledWith('lastSeenAt', 'asc');
  });

  it('sorts by activity from its header button', async () => {
    const user = userEvent.setup();
    const { onSortChange } = renderTable({ sortBy: 'activity', sortOrder: 'asc' });
    expect(screen.getByRole('button', { name: 'Activity' }).closest('th')?.getAttribute('aria-sort')).toBe('ascending');
    await user.click(screen.getByRole('button', { name: 'Activity' }));
    expect(onSortChange).toHaveBeenLastCalledWith('activity', 'desc');
  });

  it('says what a waiting agent asks on hover, and since when it waits', () => {
    renderTable();
    const badge = screen.getByText('waiting');
    expect(badge.getAttribute('title')).toBe('waiting on Bash: rm -rf build');
    expect(screen.getByText('5 min ago').getAttribute('dateTime')).toBe('2026-11-28T11:55:00.000Z');
    // No reason, no title: an unknown agent is just that.
    expect(screen.getByText('unknown').getAttribute('title')).toBeNull();
  });

  it('sorts from the keyboard', async () => {
    const user = userEvent.setup();
    const { onSortChange } = renderTable();
    screen.getByRole('button', { name: 'Status' }).focus();
    await user.keyboard('{Enter}');
    expect(onSortChange).toHaveBeenCalledWith('status', 'asc');
  });

  it('selects one row by its named checkbox and keeps the other selections', async () => {
    const user = userEvent.setup();
    const { onSelectionChange } = renderTable({ selectedNames: new Set(['alpha']) });
    expect(screen.getByRole('checkbox', { name: 'Select alpha' })).toHaveProperty('checked', true);
    await user.click(screen.getByRole('checkbox', { name: 'Select bravo' }));
    expect(onSelectionChange).toHaveBeenCalledWith(new Set(['alpha', 'bravo']));
  });

  it('reads the latest selection after re-rendering with a new one', async () => {
    const user = userEvent.setup();
    const { onSelectionChange, rerender } = renderTable();
    rerender(
      <InstanceTable
        rows={rows}
        sortBy="name"
        sortOrder="asc"
        onSortChange={vi.fn()}
        selectedNames={new Set(['bravo'])}
        onSelectionChange={onSelectionChange}
        now={now}
      />,
    );
    await user.click(screen.getByRole('checkbox', { name: 'Select alpha' }));
    expect(onSelectionChange).toHaveBeenCalledWith(new Set(['bravo', 'alpha']));
  });

  it('"Select all" selects every row, then clears them, and is mixed when some are selected', async () => {
    const user = userEvent.setup();
    const { onSelectionChange, rerender } = renderTable({ selectedNames: new Set(['alpha']) });
    const selectAll = screen.getByRole('checkbox', { name: 'Select all' });
    expect(selectAll).toHaveProperty('indeterminate', true);
    await user.click(selectAll);
    expect(onSelectionChange).toHaveBeenLastCalledWith(new Set(['alpha', 'bravo']));

    rerender(
      <InstanceTable
        rows={rows}
        sortBy="name"
        sortOrder="asc"
        onSortChange={vi.fn()}
        selectedNames={new Set(['alpha', 'bravo'])}
        onSelectionChange={onSelectionChange}
        now={now}
      />,
    );
    expect(selectAll).toHaveProperty('indeterminate', false);
    expect(selectAll).toHaveProperty('checked', true);
    await user.click(selectAll);
    expect(onSelectionChange).toHaveBeenLastCalledWith(new Set());
  });

  it('lets the app render the name (a link) and per-row actions', () => {
    renderTable({
      renderName: (r) => <a href={`/instances/${r.name}`}>{r.name}</a>,
      renderRowActions: (r) => <button type="button">Edit {r.name}</button>,
    });
    expect(screen.getByRole('link', { name: 'alpha' }).getAttribute('href')).toBe('/instances/alpha');
    expect(screen.getByRole('columnheader', { name: 'Actions' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Edit bravo' })).toBeTruthy();
    expect(within(bodyRows()[0] ?? document.body).getAllByRole('cell')[0]?.textContent).toBe('alpha');
  });

  it('has no Actions column without renderRowActions', () => {
    renderTable();
    expect(screen.queryByRole('columnheader', { name: 'Actions' })).toBeNull();
  });

  it('shows skeleton rows and marks the table busy while loading', () => {
    renderTable({ state: 'loading' });
    const table = screen.getByRole('table', { name: 'Instances' });
    expect(table.getAttribute('aria-busy')).toBe('true');
    expect(screen.queryByRole('checkbox', { name: 'Select alpha' })).toBeNull();
    expect(screen.getByText('Loading instances…')).toBeTruthy();
  });

  it('shows the error and a "Try again" button that retries', async () => {
    const user = userEvent.setup();
    const onRetry = vi.fn();
    renderTable({ state: 'error', errorMessage: 'Database unreachable', onRetry });
    expect(screen.getByRole('alert').textContent).toContain('Database unreachable');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(onRetry).toHaveBeenCalledOnce();
    expect(screen.getByRole('table').getAttribute('aria-busy')).toBeNull();
  });

  it('shows the empty state when ready with no rows, and disables "Select all"', () => {
    renderTable({ rows: [], emptyState: <p>No instances yet. Create one.</p> });
    expect(screen.getByText('No instances yet. Create one.')).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: 'Select all' })).toHaveProperty('disabled', true);
  });

  it('re-renders only the row whose selection changed', () => {
    let calls = 0;
    const renderName = (r: InstanceRow) => {
      calls += 1;
      return r.name;
    };
    const props = {
      rows,
      sortBy: 'name' as const,
      sortOrder: 'asc' as const,
      onSortChange: vi.fn(),
      onSelectionChange: vi.fn(),
      now,
      renderName,
    };
    const { rerender } = render(<InstanceTable {...props} selectedNames={new Set()} />);
    calls = 0;
    rerender(<InstanceTable {...props} selectedNames={new Set(['alpha'])} />);
    expect(calls).toBe(1);
  });
});

describe('InstanceTable row focus', () => {
  it('moves the browser focus to the row `focusedId` names, and only when that changes', () => {
    const { rerender, onSortChange, onSelectionChange } = renderTable();
    const rowOf = (name: string) => screen.getByRole('checkbox', { name: `Select ${name}` }).closest('tr');
    expect(document.activeElement).toBe(document.body);
    const props = { rows, sortBy: 'name', sortOrder: 'asc', onSortChange, selectedNames: new Set<string>(), onSelectionChange, now } as const;
    rerender(<InstanceTable {...props} focusedId="id-bravo" />);
    expect(document.activeElement).toBe(rowOf('bravo'));
    expect(rowOf('bravo')?.dataset.focused).toBe('true');
    // A refetch re-rendering the rows with the same focus does not pull focus back from elsewhere.
    screen.getByRole('button', { name: /^Name/ }).focus();
    rerender(<InstanceTable {...props} rows={[...rows]} focusedId="id-bravo" />);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: /^Name/ }));
  });

  it('tells the app when a row itself takes focus, as a click does', () => {
    const onFocusedIdChange = vi.fn();
    renderTable({ onFocusedIdChange });
    screen.getByRole('checkbox', { name: 'Select alpha' }).closest('tr')?.focus();
    expect(onFocusedIdChange).toHaveBeenCalledWith('id-alpha');
    // Focus on a control inside the row is that control's, not the row's.
    onFocusedIdChange.mockClear();
    screen.getByRole('checkbox', { name: 'Select bravo' }).focus();
    expect(onFocusedIdChange).not.toHaveBeenCalled();
  });
});
