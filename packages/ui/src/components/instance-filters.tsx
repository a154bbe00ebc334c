'use client';

import { useEffect, useEffectEvent, useId, useRef, type Ref } from 'react';
import { cx, focusRing } from '../lib/cx.ts';
import {
  instanceActivities,
  instanceOrigins,
  instanceStatuses,
  instanceTypes,
  type InstanceActivity,
  type InstanceFiltersValue,
  type InstanceOrigin,
  type InstanceStatus,
  type InstanceType,
} from '../types.ts';
import { Button } from './button.tsx';

export interface InstanceFiltersProps {
  value: InstanceFiltersValue;
  onChange: (next: InstanceFiltersValue) => void;
  onReset: () => void;
  /** Instances matching the filters, across all pages. */
  matched: number;
  /** Instances in the registry. */
  total: number;
  /** The search box, for a shortcut that focuses it. */
  searchRef?: Ref<HTMLInputElement>;
  /** Announced on the search box (`aria-keyshortcuts`) when the app binds a key to it. */
  searchShortcut?: string;
  className?: string;
}

const selectClasses =
  'h-9 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100';
const labelClasses = 'text-xs font-medium text-zinc-600 dark:text-zinc-400';

/** Narrows a <select>'s string back to the union without a cast; "" (All) and anything else is null. */
function pick<T extends string>(options: readonly T[], raw: string): T | null {
  return options.find((option) => option === raw) ?? null;
}

export function hasActiveFilters(value: InstanceFiltersValue): boolean {
  return value.type !== null || value.status.length > 0 || value.activity !== null || value.origin !== null || value.search !== '';
}

/** What the controls of a filters form show, whoever set them. */
function readFilters(form: HTMLFormElement): InstanceFiltersValue {
  const data = new FormData(form);
  const text = (key: string) => {
    const entry = data.get(key);
    return typeof entry === 'string' ? entry : '';
  };
  const checked = new Set(data.getAll('status'));
  return {
    type: pick(instanceTypes, text('type')),
    status: instanceStatuses.filter((status) => checked.has(status)),
    activity: pick(instanceActivities, text('activity')),
    origin: pick(instanceOrigins, text('origin')),
    search: text('search'),
  };
}

function sameFilters(a: InstanceFiltersValue, b: InstanceFiltersValue): boolean {
  return a.type === b.type && a.activity === b.activity && a.origin === b.origin && a.search === b.search && a.status.join() === b.status.join();
}

export function InstanceFilters({ value, onChange, onReset, matched, total, searchRef, searchShortcut, className }: InstanceFiltersProps) {
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);

  // Someone may type or tick before the page is interactive. React keeps what the controls show
  // when it hydrates but never hears of those changes, so the box would read "abc" and filter on
  // nothing: on mount, whatever the controls show becomes the value.
  const adoptShownFilters = useEffectEvent(() => {
    if (!formRef.current) return;
    const shown = readFilters(formRef.current);
    if (!sameFilters(shown, value)) onChange(shown);
  });
  // Only once, on mount: afterwards every change arrives through the handlers.
  useEffect(() => {
    adoptShownFilters();
  }, []);

  function toggleStatus(status: InstanceStatus, checked: boolean) {
    // Kept in the canonical order so the URL the app builds from it does not depend on click order.
    const next = instanceStatuses.filter((s) => (s === status ? checked : value.status.includes(s)));
    onChange({ ...value, status: next });
  }

  return (
    <form
      ref={formRef}
      onSubmit={(event) => event.preventDefault()}
      className={cx('flex flex-wrap items-end gap-x-4 gap-y-3', className)}
    >
      <div className="flex min-w-56 flex-1 flex-col gap-1">
        <label htmlFor={`${id}-search`} className={labelClasses}>
          Search
        </label>
        <input
          ref={searchRef}
          id={`${id}-search`}
          aria-keyshortcuts={searchShortcut}
          name="search"
          type="search"
          value={value.search}
          onChange={(event) => onChange({ ...value, search: event.target.value })}
          placeholder="Name, session, container or image"
          autoComplete="off"
          spellCheck={false}
          className={cx(
            'h-9 rounded-md border border-zinc-300 bg-white px-3 text-sm text-zinc-900 placeholder:text-zinc-400 dark:border-zinc-600 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-500',
            focusRing,
          )}
        />
      </div>

      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-type`} className={labelClasses}>
          Type
        </label>
        <select
          id={`${id}-type`}
          name="type"
          value={value.type ?? ''}
          onChange={(event) => onChange({ ...value, type: pick<InstanceType>(instanceTypes, event.target.value) })}
          className={cx(selectClasses, focusRing)}
        >
          <option value="">All</option>
          {instanceTypes.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      </div>

      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-origin`} className={labelClasses}>
          Origin
        </label>
        <select
          id={`${id}-origin`}
          name="origin"
          value={value.origin ?? ''}
          onChange={(event) => onChange({ ...value, origin: pick<InstanceOrigin>(instanceOrigins, event.target.value) })}
          className={cx(selectClasses, focusRing)}
        >
          <option value="">All</option>
          {instanceOrigins.map((origin) => (
            <option key={origin} value={origin}>
              {origin}
            </option>
          ))}
        </select>
      </div>

      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-activity`} className={labelClasses}>
          Activity
        </label>
        <select
          id={`${id}-activity`}
          name="activity"
          value={value.activity ?? ''}
          onChange={(event) => onChange({ ...value, activity: pick<InstanceActivity>(instanceActivities, event.target.value) })}
          className={cx(selectClasses, focusRing)}
        >
          <option value="">All</option>
          {instanceActivities.map((activity) => (
            <option key={activity} value={activity}>
              {activity}
            </option>
          ))}
        </select>
      </div>

      <fieldset className="flex flex-col gap-1">
        <legend className={cx(labelClasses, 'mb-1')}>Status</legend>
        <div className="flex h-9 flex-wrap items-center gap-x-3 gap-y-1">
          {instanceStatuses.map((status) => (
            <label key={status} className="inline-flex items-center gap-1.5 text-sm text-zinc-800 dark:text-zinc-200">
              <input
                type="checkbox"
                name="status"
                value={status}
                checked={value.status.includes(status)}
                onChange={(event) => toggleStatus(status, event.target.checked)}
                className={cx('size-4 rounded accent-blue-600 dark:accent-blue-400', focusRing)}
              />
              {status}
            </label>
          ))}
        </div>
      </fieldset>

      <Button variant="ghost" onClick={onReset} disabled={!hasActiveFilters(value)}>
        Reset filters
      </Button>

      <p role="status" aria-live="polite" className="ml-auto self-center text-sm text-zinc-600 tabular-nums dark:text-zinc-400">
        {`${matched} of ${total} instances`}
      </p>
    </form>
  );
}
