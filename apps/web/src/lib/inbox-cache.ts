import type { QueryClient } from '@tanstack/react-query';
import { isNewer, type RecordChanges } from './live-cache';
import { instanceKeys } from './queries';
import { sortInbox, type Inbox } from './inbox';

/**
 * The inbox after pushed changes: a record that waits enters it (or replaces its older copy), one
 * that no longer waits or is gone leaves it. The pushed records are whole, so nothing is fetched
 * again; an older copy arriving late never replaces a newer one. Unchanged: the same object.
 */
export function nextInbox(inbox: Inbox, changes: RecordChanges): Inbox {
  const gone = new Set(changes.goneIds);
  const byId = new Map(changes.records.map((record) => [record.id, record]));
  if (!inbox.items.some((item) => gone.has(item.id)) && byId.size === 0) return inbox;
  const items = inbox.items.filter((item) => !gone.has(item.id));
  const held = new Map(items.map((item, index) => [item.id, index]));
  let isChanged = items.length !== inbox.items.length;
  for (const record of byId.values()) {
    const index = held.get(record.id);
    const current = index === undefined ? undefined : items[index];
    if (current && !isNewer(record, current)) continue;
    if (index !== undefined) {
      items[index] = record;
      isChanged = true;
    } else if (record.activity === 'waiting') {
      items.push(record);
      isChanged = true;
    }
  }
  return isChanged ? { items: sortInbox(items.filter((item) => item.activity === 'waiting')) } : inbox;
}

/** Applies pushed changes to the cached inbox (when one is cached); true when it changed. */
export function applyInboxChanges(queryClient: QueryClient, changes: RecordChanges): boolean {
  const inbox = queryClient.getQueryData<Inbox>(instanceKeys.inbox());
  if (!inbox) return false;
  const next = nextInbox(inbox, changes);
  if (next === inbox) return false;
  queryClient.setQueryData(instanceKeys.inbox(), next);
  return true;
}
