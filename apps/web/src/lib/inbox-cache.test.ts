import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { Instance } from './core-schemas';
import { applyInboxChanges, nextInbox } from './inbox-cache';
import { instanceKeys } from './queries';

function record(name: string, overrides: Partial<Instance> = {}): Instance {
  return {
    id: `00000000-0000-4000-8000-${name.padStart(12, '0').slice(-12)}`,
    name,
    type: 'tmux',
    status: 'running',
    origin: 'manual',
    createdAt: new Date('2026-11-30T06:00:00Z'),
    updatedAt: new Date('2026-11-30T06:00:00Z'),
    activity: 'waiting',
    activitySince: new Date('2026-11-30T06:00:00Z'),
    activityReason: 'Bash: rm -f x',
    version: 1,
    ...overrides,
  } as Instance;
}

const at = (minute: number) => new Date(`2026-11-30T06:${String(minute).padStart(2, '0')}:00Z`);

describe('nextInbox', () => {
  it('takes in an agent that starts waiting, longest waiting first', () => {
    const inbox = { items: [record('b', { activitySince: at(2) })] };
    const next = nextInbox(inbox, { records: [record('a', { activitySince: at(1) }), record('c', { activity: 'busy' })], goneIds: [] });
    expect(next.items.map((item) => item.name)).toEqual(['a', 'b']);
  });

  it('lets go of an agent that moved on or is gone, and keeps the rest', () => {
    const inbox = { items: [record('a'), record('b'), record('c')] };
    const next = nextInbox(inbox, { records: [record('a', { activity: 'busy', updatedAt: at(5) })], goneIds: [record('c').id] });
    expect(next.items.map((item) => item.name)).toEqual(['b']);
  });

  it('replaces a waiting agent with its newer copy (a new question), never with an older one', () => {
    const inbox = { items: [record('a', { updatedAt: at(3), activityReason: 'Bash: ls' })] };
    expect(nextInbox(inbox, { records: [record('a', { updatedAt: at(4), activityReason: 'Bash: pwd' })], goneIds: [] }).items[0]?.activityReason).toBe('Bash: pwd');
    expect(nextInbox(inbox, { records: [record('a', { updatedAt: at(2), activity: 'busy' })], goneIds: [] })).toBe(inbox);
  });

  it('is the same object when nothing it holds changed', () => {
    const inbox = { items: [record('a')] };
    expect(nextInbox(inbox, { records: [record('z', { activity: 'idle' })], goneIds: ['00000000-0000-4000-8000-00000000dead'] })).toBe(inbox);
  });
});

describe('applyInboxChanges', () => {
  it('writes the cached inbox in place, and leaves an inbox never read alone', () => {
    const queryClient = new QueryClient();
    expect(applyInboxChanges(queryClient, { records: [record('a')], goneIds: [] })).toBe(false);
    expect(queryClient.getQueryData(instanceKeys.inbox())).toBeUndefined();
    queryClient.setQueryData(instanceKeys.inbox(), { items: [] });
    expect(applyInboxChanges(queryClient, { records: [record('a')], goneIds: [] })).toBe(true);
    expect(queryClient.getQueryData<{ items: Instance[] }>(instanceKeys.inbox())?.items.map((item) => item.name)).toEqual(['a']);
  });
});
