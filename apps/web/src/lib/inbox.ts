import type { Instance } from './core-schemas';

/** The inbox: every instance whose agent waits for an answer (activity `waiting`), longest waiting first. */
export interface Inbox {
  items: Instance[];
}

/** Longest waiting first (`activitySince`; a record without one last), then by name. */
export function sortInbox(items: readonly Instance[]): Instance[] {
  const since = (instance: Instance) => (instance.activitySince === null ? Number.POSITIVE_INFINITY : new Date(instance.activitySince).getTime());
  return [...items].sort((a, b) => since(a) - since(b) || a.name.localeCompare(b.name));
}
