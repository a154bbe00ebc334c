import { describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../runtimes/runtime.ts';
import { nameFromContainer, planMerge, type RegistryEntry } from './merge.ts';

function container(overrides: Partial<ContainerInfo> & { id: string; name: string }): ContainerInfo {
  return { image: 'cc-bridge:latest', state: 'running', labels: {}, networks: [], createdAt: new Date(0), ...overrides };
}

function entry(overrides: Partial<RegistryEntry> & { name: string }): RegistryEntry {
  return {
    id: `id-${overrides.name}`,
    type: 'docker',
    status: 'running',
    containerId: null,
    containerName: null,
    imageName: null,
    dockerNetwork: null,
    ...overrides,
  };
}

const idA = `a${'1'.repeat(63)}`;
const idB = `b${'2'.repeat(63)}`;
const idDigit = `9${'3'.repeat(63)}`;

describe('planMerge', () => {
  it('adds a new container under its wanted name', () => {
    const box = container({ id: idA, name: 'box' });
    const plan = planMerge([], [{ container: box, wantedName: 'reviewer' }], [box]);
    expect(plan.creates).toEqual([{ name: 'reviewer', container: box, status: 'running', conflict: null }]);
  });

  it('matches an existing record by container id before container name', () => {
    const box = container({ id: idA, name: 'renamed-box' });
    const byId = entry({ name: 'one', containerId: idA, containerName: 'old-name', imageName: 'cc-bridge:latest' });
    const byName = entry({ name: 'two', containerId: idB, containerName: 'renamed-box' });
    const plan = planMerge([byId, byName], [{ container: box, wantedName: 'x' }], [box]);
    expect(plan.creates).toEqual([]);
    expect(plan.updates).toEqual([{ entry: byId, container: box, fields: { containerName: 'renamed-box' }, status: 'running' }]);
    expect(plan.markStopped).toEqual([byName]);
  });

  it('matches a record that stored a short container id', () => {
    const box = container({ id: idA, name: 'box' });
    const short = entry({ name: 'short', containerId: idA.slice(0, 12), containerName: 'box', imageName: 'cc-bridge:latest' });
    const plan = planMerge([short], [{ container: box, wantedName: 'box' }], [box]);
    expect(plan.updates[0]?.fields).toEqual({ containerId: idA });
    expect(plan.seen).toEqual(['id-short']);
  });

  it('gives a name held by a tmux record NAME-docker, then the short id', () => {
    const first = container({ id: idA, name: 'c1' });
    const second = container({ id: idB, name: 'c2' });
    const plan = planMerge(
      [entry({ name: 'worker', type: 'tmux' })],
      [
        { container: first, wantedName: 'worker' },
        { container: second, wantedName: 'worker' },
      ],
      [first, second],
    );
    expect(plan.creates.map((create) => [create.name, create.conflict])).toEqual([
      ['worker-docker', { wanted: 'worker', heldBy: 'tmux' }],
      [idB.slice(0, 12), { wanted: 'worker', heldBy: 'tmux' }],
    ]);
  });

  it('treats a name held in another case as held: Alpha is taken by alpha', () => {
    const first = container({ id: idA, name: 'c1' });
    const second = container({ id: idB, name: 'c2' });
    const plan = planMerge(
      [entry({ name: 'alpha', type: 'tmux' })],
      [
        { container: first, wantedName: 'Alpha' },
        { container: second, wantedName: 'ALPHA-docker' },
      ],
      [first, second],
    );
    expect(plan.creates.map((create) => [create.name, create.conflict])).toEqual([
      ['Alpha-docker', { wanted: 'Alpha', heldBy: 'tmux' }],
      ['ALPHA-docker-docker', { wanted: 'ALPHA-docker', heldBy: 'docker' }],
    ]);
  });

  it('puts a letter before a short id that starts with a digit', () => {
    const box = container({ id: idDigit, name: 'c' });
    const plan = planMerge([entry({ name: 'x' }), entry({ name: 'x-docker', containerId: idA })], [{ container: box, wantedName: 'x' }], [box]);
    expect(plan.creates[0]?.name).toBe(`c${idDigit.slice(0, 12)}`);
  });

  it('reports a reserved name as not allowed rather than held', () => {
    const box = container({ id: idA, name: 'list' });
    const plan = planMerge([], [{ container: box, wantedName: 'list' }], [box]);
    expect(plan.creates[0]).toMatchObject({ name: 'list-docker', conflict: { wanted: 'list', heldBy: null } });
  });

  it('marks a record stopped only when its container is gone, not when it merely stopped matching', () => {
    const kept = container({ id: idA, name: 'kept', image: 'something-else' });
    const present = entry({ name: 'present', containerId: idA, containerName: 'kept', imageName: 'something-else' });
    const vanished = entry({ name: 'vanished', containerId: idB, containerName: 'gone' });
    const alreadyStopped = entry({ name: 'old', status: 'stopped', containerId: `c${'4'.repeat(63)}`, containerName: 'older' });
    const plan = planMerge([present, vanished, alreadyStopped, entry({ name: 'tmux-one', type: 'tmux' })], [], [kept]);
    expect(plan.markStopped.map((e) => e.name)).toEqual(['vanished']);
    expect(plan.updates).toEqual([]);
  });

  it('maps the container state onto the record status', () => {
    const exited = container({ id: idA, name: 'box', state: 'exited' });
    const record = entry({ name: 'box', containerId: idA, containerName: 'box', imageName: 'cc-bridge:latest' });
    expect(planMerge([record], [], [exited]).updates).toEqual([{ entry: record, container: exited, fields: {}, status: 'stopped' }]);
  });
});

describe('nameFromContainer', () => {
  it.each([
    ['web.1', 'web-1'],
    ['1st', 'c1st'],
    ['_x', 'c_x'],
    ['a'.repeat(80), 'a'.repeat(64)],
  ])('turns %s into %s', (raw, name) => expect(nameFromContainer(raw)).toBe(name));
});
