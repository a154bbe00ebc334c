/** Adds or removes one name, leaving the caller's set untouched. */
export function toggleName(selected: ReadonlySet<string>, name: string): Set<string> {
  const next = new Set(selected);
  if (next.has(name)) next.delete(name);
  else next.add(name);
  return next;
}

export type PageSelection = 'none' | 'some' | 'all';

export function pageSelection(selected: ReadonlySet<string>, names: readonly string[]): PageSelection {
  if (names.length === 0) return 'none';
  let count = 0;
  for (const name of names) if (selected.has(name)) count += 1;
  if (count === 0) return 'none';
  return count === names.length ? 'all' : 'some';
}

/**
 * "Select all" acts on the rows shown. Names selected on other pages are kept either way,
 * so paging back and forth does not silently drop a selection.
 */
export function toggleAll(selected: ReadonlySet<string>, names: readonly string[]): Set<string> {
  const next = new Set(selected);
  if (pageSelection(selected, names) === 'all') {
    for (const name of names) next.delete(name);
  } else {
    for (const name of names) next.add(name);
  }
  return next;
}
