import { describe, expect, it } from 'vitest';
import type { ContainerInfo, DockerEngine } from '../runtimes/runtime.ts';
import { nameFromContainer, planMerge, type Candidate, type MergePlan, type RegistryEntry } from './merge.ts';
import { unobservedContainer } from '../instance.ts';

function container(overrides: Partial<ContainerInfo> & { id: string; name: string }): ContainerInfo {
  return {
    image: 'cc-bridge:latest',
    state: 'running',
    health: null,
    exitCode: null,
    oomKilled: false,
    labels: {},
    networks: [],
    createdAt: new Date(0),
    ...overrides,
  };
}

const here: DockerEngine = { id: 'HERE:ENGINE', name: 'vm', endpoint: 'unix:///var/run/docker.sock' };
const elsewhere: DockerEngine = { id: 'OTHER:ENGINE', name: 'vm', endpoint: 'unix:///tmp/other.sock' };

/** The fields a record of `engine` holds once it has seen a running container. */
function seenOn(engine: DockerEngine, state = 'running') {
  return { runtimeState: state, runtimeHealth: null, exitCode: null, oomKilled: false, dockerEngineId: engine.id, dockerEndpoint: engine.endpoint };
}

function merge(entries: RegistryEntry[], candidates: Candidate[], all: ContainerInfo[], engine = here): MergePlan {
  return planMerge(entries, candidates, all, engine);
}

const candidate = (box: ContainerInfo, wantedName: string, label: string | null = null): Candidate => ({ container: box, wantedName, label });

function entry(overrides: Partial<RegistryEntry> & { name: string }): RegistryEntry {
  return {
    id: `id-${overrides.name}`,
    type: 'docker',
    status: 'running',
    containerId: null,
    containerName: null,
    imageName: null,
    dockerNetwork: null,
    dockerHost: null,
    ...unobservedContainer,
    ...overrides,
  };
}

const idA = `a${'1'.repeat(63)}`;
const idB = `b${'2'.repeat(63)}`;
const idDigit = `9${'3'.repeat(63)}`;

describe('planMerge', () => {
  it('adds a new container under its wanted name', () => {
    const box = container({ id: idA, name: 'box' });
    const plan = merge([], [candidate(box, 'reviewer')], [box]);
    expect(plan.creates).toEqual([{ name: 'reviewer', container: box, status: 'running', observed: seenOn(here), conflict: null, invalidLabel: null }]);
  });

  it('matches an existing record by container id before container name', () => {
    const box = container({ id: idA, name: 'renamed-box' });
    const byId = entry({ name: 'one', containerId: idA, containerName: 'old-name', imageName: 'cc-bridge:latest' });
    const byName = entry({ name: 'two', containerId: idB, containerName: 'renamed-box' });
    const plan = merge([byId, byName], [candidate(box, 'x')], [box]);
    expect(plan.creates).toEqual([]);
    expect(plan.updates).toEqual([{ entry: byId, container: box, fields: { containerName: 'renamed-box' }, status: 'running', observed: seenOn(here) }]);
    expect(plan.markStopped).toEqual([byName]);
  });

  it('matches a record that stored a short container id', () => {
    const box = container({ id: idA, name: 'box' });
    const short = entry({ name: 'short', containerId: idA.slice(0, 12), containerName: 'box', imageName: 'cc-bridge:latest' });
    const plan = merge([short], [candidate(box, 'box')], [box]);
    expect(plan.updates[0]?.fields).toEqual({ containerId: idA });
    expect(plan.seen).toEqual(['id-short']);
  });

  it('gives a name held by a tmux record NAME-docker, then the short id', () => {
    const first = container({ id: idA, name: 'c1' });
    const second = container({ id: idB, name: 'c2' });
    const plan = merge(
      [entry({ name: 'worker', type: 'tmux' })],
      [
        candidate(first, 'worker'),
        candidate(second, 'worker'),
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
    const plan = merge(
      [entry({ name: 'alpha', type: 'tmux' })],
      [
        candidate(first, 'Alpha'),
        candidate(second, 'ALPHA-docker'),
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
    const plan = merge([entry({ name: 'x' }), entry({ name: 'x-docker', containerId: idA })], [candidate(box, 'x')], [box]);
    expect(plan.creates[0]?.name).toBe(`c${idDigit.slice(0, 12)}`);
  });

  it('reports a reserved name as not allowed rather than held', () => {
    const box = container({ id: idA, name: 'list' });
    const plan = merge([], [candidate(box, 'list')], [box]);
    expect(plan.creates[0]).toMatchObject({ name: 'list-docker', conflict: { wanted: 'list', heldBy: null } });
  });

  it('marks a record stopped only when its container is gone, not when it merely stopped matching', () => {
    const kept = container({ id: idA, name: 'kept', image: 'something-else' });
    const present = entry({ name: 'present', containerId: idA, containerName: 'kept', imageName: 'something-else', ...seenOn(here) });
    const vanished = entry({ name: 'vanished', containerId: idB, containerName: 'gone' });
    const alreadyStopped = entry({ name: 'old', status: 'stopped', containerId: `c${'4'.repeat(63)}`, containerName: 'older' });
    const plan = merge([present, vanished, alreadyStopped, entry({ name: 'tmux-one', type: 'tmux' })], [], [kept]);
    expect(plan.markStopped.map((e) => e.name)).toEqual(['vanished']);
    expect(plan.updates).toEqual([]);
  });

  it('maps the container state onto the record status, and keeps the Engine\'s own words beside it', () => {
    const exited = container({ id: idA, name: 'box', state: 'exited', exitCode: 3 });
    const record = entry({ name: 'box', containerId: idA, containerName: 'box', imageName: 'cc-bridge:latest' });
    expect(merge([record], [], [exited]).updates).toEqual([
      { entry: record, container: exited, fields: {}, status: 'error', observed: { ...seenOn(here, 'exited'), exitCode: 3 } },
    ]);
  });

  it('writes a new exit code even when the status stays the same', () => {
    const exited = container({ id: idA, name: 'box', state: 'exited', exitCode: 2 });
    const record = entry({ name: 'box', status: 'error', containerId: idA, containerName: 'box', imageName: 'cc-bridge:latest', ...seenOn(here, 'exited'), exitCode: 1 });
    expect(merge([record], [], [exited]).updates).toEqual([
      { entry: record, container: exited, fields: {}, status: 'error', observed: { ...seenOn(here, 'exited'), exitCode: 2 } },
    ]);
  });

  it('never marks stopped a record another Engine claimed, nor matches it by container name', () => {
    const keep = entry({ name: 'keep', containerId: idA, containerName: 'keep', imageName: 'cc-bridge:latest', ...seenOn(elsewhere) });
    const sameName = container({ id: idB, name: 'keep' });
    const plan = merge([keep], [candidate(sameName, 'keep', 'keep')], [sameName]);
    expect(plan.markStopped).toEqual([]);
    expect(plan.otherEngine).toEqual([keep]);
    expect(plan.updates).toEqual([]);
    // A container of the same name on this Engine is another container: a record of its own.
    expect(plan.creates).toMatchObject([{ name: 'keep-docker', container: sameName, conflict: { wanted: 'keep', heldBy: 'docker' } }]);
  });

  it('leaves alone a record of another Engine when this one lists nothing at all', () => {
    const keep = entry({ name: 'keep', containerId: idA, containerName: 'keep', ...seenOn(elsewhere) });
    expect(merge([keep], [], [])).toEqual({ creates: [], updates: [], markStopped: [], otherEngine: [keep], seen: [] });
  });

  it('claims a record no Engine has seen yet, and follows a container id to the Engine that lists it', () => {
    const unclaimed = entry({ name: 'fresh', containerId: idA, containerName: 'fresh', imageName: 'cc-bridge:latest' });
    const moved = entry({ name: 'moved', containerId: idB, containerName: 'moved', imageName: 'cc-bridge:latest', ...seenOn(elsewhere) });
    const boxes = [container({ id: idA, name: 'fresh' }), container({ id: idB, name: 'moved' })];
    const plan = merge([unclaimed, moved], [], boxes);
    expect(plan.updates.map((update) => [update.entry.name, update.observed.dockerEngineId, update.fields])).toEqual([
      ['fresh', here.id, {}],
      ['moved', here.id, {}],
    ]);
    expect(plan.otherEngine).toEqual([]);
  });

  it('marks stopped a record no Engine has claimed when its container is not listed', () => {
    const unclaimed = entry({ name: 'fresh', containerId: idA, containerName: 'fresh' });
    expect(merge([unclaimed], [], []).markStopped).toEqual([unclaimed]);
  });

  it('clears the last state of a gone container from a record that was stopped already', () => {
    const stopped = entry({ name: 'done', status: 'stopped', containerId: idA, containerName: 'done', ...seenOn(here, 'exited'), exitCode: 0 });
    expect(merge([stopped], [], []).markStopped).toEqual([stopped]);
  });

  it('says which label value was not a valid name as it stood', () => {
    const spaced = container({ id: idA, name: 'c1' });
    const padded = container({ id: idB, name: 'c2' });
    const valid = container({ id: idDigit, name: 'c3' });
    const plan = merge(
      [],
      [candidate(spaced, 'my agent', 'my agent'), candidate(padded, 'reviewer', ' reviewer '), candidate(valid, 'fine', 'fine')],
      [spaced, padded, valid],
    );
    expect(plan.creates.map((create) => [create.name, create.invalidLabel])).toEqual([
      ['my-agent', 'my agent'],
      ['reviewer', ' reviewer '],
      ['fine', null],
    ]);
  });

  it('does not call a container name made into an instance name an invalid label', () => {
    const box = container({ id: idA, name: 'web.1' });
    expect(merge([], [candidate(box, 'web.1')], [box]).creates).toMatchObject([{ name: 'web-1', invalidLabel: null }]);
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
