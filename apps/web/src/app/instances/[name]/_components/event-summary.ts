import type { InstanceEvent } from '@cc-bridge/core';
import { shortContainerId } from '@/lib/core-schemas';

// What an event says in one line. Core stores whole records on created/discovered/imported/deleted
// events and changed fields on updated/merged ones; a reader wants the gist, the rest is a click away.

export interface FieldChange {
  field: string;
  from: string;
  to: string;
}

export type EventSummary =
  /** The record an event brought in or took out, by what identifies it in its runtime. */
  | { kind: 'record'; parts: string[] }
  | { kind: 'changes'; changes: FieldChange[] }
  | { kind: 'none' };

type Payload = Record<string, unknown>;

const isPayload = (value: unknown): value is Payload => typeof value === 'object' && value !== null && !Array.isArray(value);

/** One stored value as text: null clears a field, so it reads as a dash. */
export function formatEventValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function recordParts(record: Payload): string[] {
  const text = (field: string) => {
    const value = record[field];
    return typeof value === 'string' && value !== '' ? value : null;
  };
  const parts: string[] = [];
  const type = text('type');
  if (type) parts.push(type);
  if (type === 'tmux') {
    const session = text('tmuxSession') ?? text('name');
    if (session) parts.push(`session ${session}`);
  } else {
    // A container registered by id alone still needs something to be recognised by.
    const id = text('containerId');
    const container = text('containerName') ?? (id === null ? null : shortContainerId(id));
    if (container) parts.push(`container ${container}`);
  }
  const image = text('imageName');
  if (image) parts.push(`image ${image}`);
  return parts;
}

export function summarizeEvent(event: Pick<InstanceEvent, 'kind' | 'from' | 'to'>): EventSummary {
  switch (event.kind) {
    case 'created':
    case 'discovered':
    case 'imported':
      return isPayload(event.to) ? { kind: 'record', parts: recordParts(event.to) } : { kind: 'none' };
    case 'deleted':
      return isPayload(event.from) ? { kind: 'record', parts: recordParts(event.from) } : { kind: 'none' };
    case 'updated':
    case 'merged': {
      if (!isPayload(event.to)) return { kind: 'none' };
      const before = isPayload(event.from) ? event.from : {};
      return {
        kind: 'changes',
        changes: Object.entries(event.to).map(([field, to]) => ({ field, from: formatEventValue(before[field]), to: formatEventValue(to) })),
      };
    }
    case 'action': {
      // Core writes `to: { action, ok }` (registry/actions.ts): what was asked, and whether it was done.
      if (!isPayload(event.to) || typeof event.to.action !== 'string') return { kind: 'none' };
      return { kind: 'record', parts: [event.to.action, event.to.ok === false ? 'failed' : 'done'] };
    }
    case 'status_changed':
    case 'activity_changed':
    case 'renamed_on_conflict':
      return { kind: 'changes', changes: [{ field: '', from: formatEventValue(event.from), to: formatEventValue(event.to) }] };
    // A runtime's outage belongs to no instance: its message says it all.
    case 'runtime_unreachable':
    case 'runtime_reachable':
      return { kind: 'none' };
    default: {
      const never: never = event.kind;
      return never;
    }
  }
}

/** The sides of an event that carry fields (records, changed fields), for the "All fields" disclosure. */
export function eventPayloads(event: Pick<InstanceEvent, 'from' | 'to'>): { label: string; fields: [string, string][] }[] {
  const sides = [
    { label: 'Before', value: event.from },
    { label: 'After', value: event.to },
  ].filter((side): side is { label: string; value: Payload } => isPayload(side.value));
  return sides.map(({ label, value }) => ({ label, fields: Object.entries(value).map(([field, fieldValue]) => [field, formatEventValue(fieldValue)]) }));
}
