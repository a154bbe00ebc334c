'use client';

import { memo, useCallback, useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';
import { cx, focusRing } from '../lib/cx.ts';
import { columnFieldNames, fieldSpec, runtimeIdentity, typeSpecs } from '@cc-bridge/core/schemas';
import { ariaSort, nextSort } from '../lib/sort.ts';
import { pageSelection, toggleAll, toggleName } from '../lib/selection.ts';
import { useNow } from '../lib/use-now.ts';
import type { InstanceRow, SortField, SortOrder } from '../types.ts';
import { ActivityBadge } from './activity-badge.tsx';
import { Button } from './button.tsx';
import { RelativeTime } from './relative-time.tsx';
import { StatusBadge } from './status-badge.tsx';
import { TypeIcon } from './type-icon.tsx';

export type InstanceTableState = 'ready' | 'loading' | 'error';

export interface InstanceTableProps {
  rows: readonly InstanceRow[];
  sortBy: SortField;
  sortOrder: SortOrder;
  onSortChange: (sortBy: SortField, sortOrder: SortOrder) => void;
  selectedNames: ReadonlySet<string>;
  onSelectionChange: (next: Set<string>) => void;
  state?: InstanceTableState;
  errorMessage?: string;
  onRetry?: () => void;
  /** Shown when ready and `rows` is empty. */
  emptyState?: ReactNode;
  /** Keep it stable (module-level or useCallback): rows re-render only when a prop they get changes. */
  renderName?: (row: InstanceRow) => ReactNode;
  renderRowActions?: (row: InstanceRow) => ReactNode;
  /**
   * The row (by id) that keyboard navigation is on: it takes the browser's focus when this
   * changes to it, and shows a ring. Controlled by the app (its `j`/`k` shortcuts).
   */
  focusedId?: string | null;
  /** A row itself took focus (a click on it, or the script): keeps the app's `focusedId` in step. */
  onFocusedIdChange?: (id: string) => void;
  /** Fixes the clock for relative times; otherwise it ticks once a minute. */
  now?: Date;
  className?: string;
}

const checkboxClasses = cx('size-4 shrink-0 rounded accent-blue-600 dark:accent-blue-400', focusRing);
const headerCellClasses =
  'px-3 py-2 text-left text-xs font-semibold whitespace-nowrap text-zinc-600 dark:text-zinc-400';
const cellClasses = 'px-3 py-2 align-middle whitespace-nowrap';
const skeletonRowCount = 5;

function SortHeader({
  label,
  field,
  sortBy,
  sortOrder,
  onSortChange,
  children,
}: {
  label: string;
  field: SortField;
  sortBy: SortField;
  sortOrder: SortOrder;
  onSortChange: (sortBy: SortField, sortOrder: SortOrder) => void;
  children?: ReactNode;
}) {
  const sort = ariaSort({ sortBy, sortOrder }, field);
  const arrow = sort === 'ascending' ? '↑' : sort === 'descending' ? '↓' : '↕';
  return (
    <th scope="col" aria-sort={sort} className={headerCellClasses}>
      <span className="inline-flex items-center gap-2">
        {children}
        <button
          type="button"
          onClick={() => {
            const next = nextSort({ sortBy, sortOrder }, field);
            onSortChange(next.sortBy, next.sortOrder);
          }}
          className={cx(
            'inline-flex items-center gap-1 rounded hover:text-zinc-900 dark:hover:text-zinc-100',
            sort === 'none' ? undefined : 'text-zinc-900 dark:text-zinc-100',
            focusRing,
          )}
        >
          {label}
          <span aria-hidden="true" className={sort === 'none' ? 'opacity-40' : undefined}>
            {arrow}
          </span>
        </button>
      </span>
    </th>
  );
}

/** The session, or the container by name and short id (the whole id on hover). */
function SessionOrContainer({ row }: { row: InstanceRow }) {
  const { name, shortId, fullId } = runtimeIdentity(row);
  if (name === null && shortId === null) return <Missing />;
  const isNameCode = fieldSpec(typeSpecs[row.type].identity.name).detail?.isCode === true;
  return (
    <span className="inline-flex items-baseline gap-2">
      {name === null ? null : isNameCode ? <code className="font-mono text-xs">{name}</code> : <span>{name}</span>}
      {shortId === null ? null : (
        <code title={fullId ?? undefined} className="font-mono text-xs text-zinc-500 dark:text-zinc-400">
          {shortId}
        </code>
      )}
    </span>
  );
}

function Missing() {
  return (
    <span className="text-zinc-400 dark:text-zinc-500">
      <span aria-hidden="true">—</span>
      <span className="sr-only">none</span>
    </span>
  );
}

interface RowProps {
  row: InstanceRow;
  isSelected: boolean;
  onToggle: (name: string) => void;
  renderName: ((row: InstanceRow) => ReactNode) | undefined;
  renderRowActions: ((row: InstanceRow) => ReactNode) | undefined;
  isFocused: boolean;
  onRowFocus: (id: string) => void;
  now: Date;
}

// Memoised so that ticking one checkbox on a 500-row page re-renders one row, not five hundred.
const InstanceTableRow = memo(function InstanceTableRow({ row, isSelected, onToggle, renderName, renderRowActions, isFocused, onRowFocus, now }: RowProps) {
  const rowRef = useRef<HTMLTableRowElement>(null);
  // Only when the keyboard moves onto this row: a refetch re-rendering it must not steal focus.
  useEffect(() => {
    if (isFocused) rowRef.current?.focus();
  }, [isFocused]);
  return (
    <tr
      ref={rowRef}
      // Focusable by script only (j/k), so Tab still walks the controls and not every row.
      tabIndex={-1}
      data-focused={isFocused || undefined}
      onFocus={(event) => {
        if (event.target === event.currentTarget) onRowFocus(row.id);
      }}
      className={cx(
        'border-t border-zinc-200 dark:border-zinc-800',
        isSelected ? 'bg-blue-50 dark:bg-blue-500/10' : 'hover:bg-zinc-50 dark:hover:bg-zinc-800/50',
        'outline-none focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-blue-600 dark:focus-visible:outline-blue-400',
        isFocused ? 'outline-2 -outline-offset-2 outline-blue-600/60 dark:outline-blue-400/60' : undefined,
      )}
    >
      <td className={cx(cellClasses, 'font-medium text-zinc-900 dark:text-zinc-100')}>
        <span className="inline-flex items-center gap-3">
          <input
            type="checkbox"
            aria-label={`Select ${row.name}`}
            checked={isSelected}
            onChange={() => onToggle(row.name)}
            className={checkboxClasses}
          />
          {renderName ? renderName(row) : row.name}
        </span>
      </td>
      <td className={cellClasses}>
        <TypeIcon type={row.type} />
      </td>
      <td className={cellClasses}>
        <StatusBadge status={row.status} />
      </td>
      <td className={cellClasses}>
        <span className="inline-flex items-baseline gap-2">
          <ActivityBadge activity={row.activity} reason={row.activityReason} />
          {row.activitySince === null ? null : <RelativeTime date={row.activitySince} now={now} className="text-xs text-zinc-500 tabular-nums dark:text-zinc-400" />}
        </span>
      </td>
      <td className={cx(cellClasses, 'text-zinc-700 dark:text-zinc-300')}>{row.origin}</td>
      <td className={cx(cellClasses, 'text-zinc-700 dark:text-zinc-300')}>
        <SessionOrContainer row={row} />
      </td>
      {columnFieldNames.map((field) => {
        const value = row[field];
        return (
          <td key={field} className={cx(cellClasses, 'max-w-64 truncate text-zinc-700 dark:text-zinc-300')} title={value ?? undefined}>
            {value ?? <Missing />}
          </td>
        );
      })}
      <td className={cx(cellClasses, 'text-zinc-700 tabular-nums dark:text-zinc-300')}>
        <RelativeTime date={row.createdAt} now={now} />
      </td>
      <td className={cx(cellClasses, 'text-zinc-700 tabular-nums dark:text-zinc-300')}>
        <RelativeTime date={row.lastSeenAt} now={now} />
      </td>
      {renderRowActions ? (
        <td className={cx(cellClasses, 'text-right')}>
          <div className="inline-flex items-center justify-end gap-1">{renderRowActions(row)}</div>
        </td>
      ) : null}
    </tr>
  );
});

function SkeletonRows({ columnCount }: { columnCount: number }) {
  const bars = ['w-28', 'w-16', 'w-20', 'w-20', 'w-20', 'w-32', 'w-36', 'w-16', 'w-16', 'w-24'];
  return (
    <>
      {Array.from({ length: skeletonRowCount }, (_, rowIndex) => (
        <tr key={rowIndex} aria-hidden="true" className="border-t border-zinc-200 dark:border-zinc-800">
          {Array.from({ length: columnCount }, (_, columnIndex) => (
            <td key={columnIndex} className={cellClasses}>
              <span className={cx('block h-4 animate-pulse rounded bg-zinc-200 dark:bg-zinc-700', bars[columnIndex] ?? 'w-16')} />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

export function InstanceTable({
  rows,
  sortBy,
  sortOrder,
  onSortChange,
  selectedNames,
  onSelectionChange,
  state = 'ready',
  errorMessage,
  onRetry,
  emptyState,
  renderName,
  renderRowActions,
  focusedId = null,
  onFocusedIdChange,
  now: nowOverride,
  className,
}: InstanceTableProps) {
  const now = useNow(nowOverride);
  const hasActions = renderRowActions !== undefined;
  // Name, type, status, activity, origin, session/container, the declared columns, created, last seen.
  const columnCount = 8 + columnFieldNames.length + (hasActions ? 1 : 0);

  // Rows get one toggle function for the table's lifetime (so memo holds); it reads the latest
  // selection through a ref instead of closing over a stale one.
  const latest = useRef({ selectedNames, onSelectionChange, onFocusedIdChange });
  useLayoutEffect(() => {
    latest.current = { selectedNames, onSelectionChange, onFocusedIdChange };
  });
  const toggleRow = useCallback((name: string) => {
    latest.current.onSelectionChange(toggleName(latest.current.selectedNames, name));
  }, []);
  const focusRow = useCallback((id: string) => latest.current.onFocusedIdChange?.(id), []);

  const isReady = state === 'ready';
  const names = isReady ? rows.map((row) => row.name) : [];
  const selection = pageSelection(selectedNames, names);

  const selectAllRef = useCallback(
    (input: HTMLInputElement | null) => {
      // `indeterminate` exists only as a DOM property, not as an attribute React can render.
      if (input) input.indeterminate = selection === 'some';
    },
    [selection],
  );

  const sortProps = { sortBy, sortOrder, onSortChange };

  let body: ReactNode;
  if (state === 'loading') {
    body = (
      <>
        <tr className="sr-only">
          <td colSpan={columnCount}>Loading instances…</td>
        </tr>
        <SkeletonRows columnCount={columnCount} />
      </>
    );
  } else if (state === 'error') {
    body = (
      <tr>
        <td colSpan={columnCount} className="px-3 py-8">
          <div role="alert" className="flex flex-col items-center gap-3 text-center text-sm text-red-800 dark:text-red-300">
            <p>{errorMessage ?? 'The instances could not be loaded.'}</p>
            {onRetry ? <Button onClick={onRetry}>Try again</Button> : null}
          </div>
        </td>
      </tr>
    );
  } else if (rows.length === 0) {
    body = (
      <tr>
        <td colSpan={columnCount} className="px-3 py-10 text-center text-sm text-zinc-600 dark:text-zinc-400">
          {emptyState ?? 'No instances.'}
        </td>
      </tr>
    );
  } else {
    body = rows.map((row) => (
      <InstanceTableRow
        key={row.id}
        row={row}
        isSelected={selectedNames.has(row.name)}
        onToggle={toggleRow}
        renderName={renderName}
        renderRowActions={renderRowActions}
        isFocused={row.id === focusedId}
        onRowFocus={focusRow}
        now={now}
      />
    ));
  }

  return (
    <div className={cx('overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800', className)}>
      <table
        aria-label="Instances"
        aria-busy={state === 'loading' || undefined}
        className="w-full border-collapse bg-white text-sm text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <thead className="bg-zinc-50 dark:bg-zinc-800/60">
          <tr>
            <SortHeader label="Name" field="name" {...sortProps}>
              <input
                ref={selectAllRef}
                type="checkbox"
                aria-label="Select all"
                checked={selection === 'all'}
                disabled={!isReady || rows.length === 0}
                onChange={() => onSelectionChange(toggleAll(selectedNames, names))}
                className={checkboxClasses}
              />
            </SortHeader>
            <SortHeader label="Type" field="type" {...sortProps} />
            <SortHeader label="Status" field="status" {...sortProps} />
            <SortHeader label="Activity" field="activity" {...sortProps} />
            <th scope="col" className={headerCellClasses}>
              Origin
            </th>
            <th scope="col" className={headerCellClasses}>
              Session / container
            </th>
            {columnFieldNames.map((field) => (
              <th key={field} scope="col" className={headerCellClasses}>
                {fieldSpec(field).column?.label}
              </th>
            ))}
            <SortHeader label="Created" field="createdAt" {...sortProps} />
            <SortHeader label="Last seen" field="lastSeenAt" {...sortProps} />
            {hasActions ? (
              <th scope="col" className={cx(headerCellClasses, 'text-right')}>
                Actions
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>{body}</tbody>
      </table>
    </div>
  );
}
