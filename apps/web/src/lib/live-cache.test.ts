import type { ListInstancesResult } from '@cc-bridge/core';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { Instance } from './core-schemas';
import { applyRecordChanges, contradictsDockerHealth, KnownRecords, placingFields } from './live-cache';
import { defaultListParams, type InstanceListParams } from './list-params';
import { dockerHealthKey, instanceKeys } from './queries';

function record(name: string, overrides: Partial<Instance> = {}): Instance {
  return {
    id: `00000000-0000-4000-8000-${name.padStart(12, '0').slice(-12)}`,
    name,
    type: 'tmux',
    status: 'running',
    origin: 'manual',
    createdAt: new Date('2026-11-30T06:00:00Z'),
    updatedAt: new Date('2026-11-30T06:00:00Z'),
    lastSeenAt: null,
    lastActivityAt: null,
    tmuxSession: name,
    pid: null,
    cwd: null,
    containerId: null,
    containerName: null,
    imageName: null,
    dockerNetwork: null,
    version: 1,
    ...overrides,
  } as Instance;
}

function setup(params: InstanceListParams, items: Instance[]) {
  const queryClient = new QueryClient();
  const key = instanceKeys.list(params);
  queryClient.setQueryData<ListInstancesResult>(key, { items, matched: items.length, total: items.length, nextCursor: null });
  return { queryClient, key, list: () => queryClient.getQueryData<ListInstancesResult>(key), isStale: () => queryClient.getQueryState(key)?.isInvalidated === true };
}

const later = new Date('2026-11-30T06:05:00Z');

describe('applyRecordChanges', () => {
  it('replaces a row the page holds, in place, keeping the other rows’ objects, without a refetch', () => {
    const a = record('aa');
    const b = record('bb');
    const { queryClient, list, isStale } = setup(defaultListParams, [a, b]);
    const stopped = { ...a, status: 'stopped' as const, updatedAt: later };
    applyRecordChanges(queryClient, { records: [stopped], goneIds: [] }, new KnownRecords());
    expect(list()?.items[0]).toEqual(stopped);
    expect(list()?.items[1]).toBe(b);
    expect(isStale()).toBe(false);
  });

  it('refetches a page whose filter or sort reads the changed field', () => {
    const a = record('aa');
    const params = { ...defaultListParams, status: ['running' as const] };
    const { queryClient, isStale } = setup(params, [a]);
    applyRecordChanges(queryClient, { records: [{ ...a, status: 'stopped', updatedAt: later }], goneIds: [] }, new KnownRecords());
    expect(isStale()).toBe(true);
  });

  it('refetches a page when a record is gone or new to this browser, and not again for a known off-page record', () => {
    const a = record('aa');
    const { queryClient, isStale, key } = setup(defaultListParams, [a]);
    applyRecordChanges(queryClient, { records: [], goneIds: [a.id] }, new KnownRecords());
    expect(isStale()).toBe(true);

    const known = new KnownRecords();
    const other = setup(defaultListParams, [a]);
    const fresh = record('zz');
    applyRecordChanges(other.queryClient, { records: [fresh], goneIds: [] }, known);
    expect(other.isStale()).toBe(true);
    // Its next change touches nothing the page sorts or filters by: the page stays.
    other.queryClient.setQueryData(key, other.list());
    expect(other.isStale()).toBe(false);
    applyRecordChanges(other.queryClient, { records: [{ ...fresh, status: 'stopped', updatedAt: later }], goneIds: [] }, known);
    expect(other.isStale()).toBe(false);
  });

  it('never puts back an older copy than the one shown', () => {
    const a = record('aa', { updatedAt: later, status: 'stopped' });
    const { queryClient, list } = setup(defaultListParams, [a]);
    applyRecordChanges(queryClient, { records: [{ ...a, status: 'running', updatedAt: new Date('2026-11-30T06:00:00Z') }], goneIds: [] }, new KnownRecords());
    expect(list()?.items[0]?.status).toBe('stopped');
  });
});

describe('placingFields', () => {
  it('is the name and the sort field, plus what the filters read', () => {
    expect([...placingFields(defaultListParams)].sort()).toEqual(['name']);
    expect([...placingFields({ ...defaultListParams, sort: 'lastSeenAt', type: 'docker', origin: 'discovered' })].sort()).toEqual(['lastSeenAt', 'name', 'origin', 'type']);
    expect(placingFields({ ...defaultListParams, search: 'x' }).has('containerName')).toBe(true);
  });
});

describe('contradictsDockerHealth', () => {
  const withHealth = (reachable: boolean, enabled = true) => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(dockerHealthKey, { enabled, reachable, error: null });
    return queryClient;
  };
  const box = (status: Instance['status']) => record('box', { type: 'docker', status, tmuxSession: null });

  it('is true when a Docker record turns unknown while the Engine was reachable, or answers again while it was not', () => {
    expect(contradictsDockerHealth(withHealth(true), [box('unknown')])).toBe(true);
    expect(contradictsDockerHealth(withHealth(false), [box('stopped')])).toBe(true);
  });

  it('is false when the records agree with it, hold no Docker record, Docker is off, or nothing is cached', () => {
    expect(contradictsDockerHealth(withHealth(true), [box('running'), record('t', { status: 'unknown' })])).toBe(false);
    expect(contradictsDockerHealth(withHealth(false), [box('unknown')])).toBe(false);
    expect(contradictsDockerHealth(withHealth(false, false), [box('running')])).toBe(false);
    expect(contradictsDockerHealth(new QueryClient(), [box('unknown')])).toBe(false);
  });
});
