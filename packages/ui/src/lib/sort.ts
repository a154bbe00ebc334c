import type { SortField, SortOrder } from '../types.ts';

export interface SortState {
  sortBy: SortField;
  sortOrder: SortOrder;
}

/** Clicking the active column flips its order; any other column starts ascending. */
export function nextSort(current: SortState, clicked: SortField): SortState {
  if (current.sortBy === clicked) {
    return { sortBy: clicked, sortOrder: current.sortOrder === 'asc' ? 'desc' : 'asc' };
  }
  return { sortBy: clicked, sortOrder: 'asc' };
}

export function ariaSort(current: SortState, column: SortField): 'ascending' | 'descending' | 'none' {
  if (current.sortBy !== column) return 'none';
  return current.sortOrder === 'asc' ? 'ascending' : 'descending';
}
