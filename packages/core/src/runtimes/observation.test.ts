import { describe, expect, it } from 'vitest';

import { testInstance } from '../testing/instances.ts';
import { findContainer, indexContainers, observeContainer, observeTmux } from './observation.ts';
import type { ContainerInfo } from './runtime.ts';

const engine = { id: 'HERE', name: 'vm', endpoint: 'unix:///var/run/docker.sock' };
const container: ContainerInfo = {
  id: 'f0cce306ee28f60d2d4a0b7ff0f66f724b5cfdec143108d84476a20d0a690a21',
  name: 'probe',
  image: 'cc-bridge-test:latest',
  state: 'exited',
  health: null,
  exitCode: 3,
  oomKilled: false,
  labels: {},
  networks: ['none'],
  createdAt: new Date(0),
};

describe('observeTmux', () => {
  it('keeps a never-started record created while it has no session, and reads a gone one as stopped', () => {
    expect(observeTmux('created', null)).toEqual({ status: 'created', isSeen: false });
    expect(observeTmux('running', null)).toEqual({ status: 'stopped', isSeen: false });
  });

  it('reads a live pane as running with its pid', () => {
    const session = { name: 'api', panePid: 42, isAlive: true, createdAt: null, lastActivityAt: null };
    expect(observeTmux('stopped', session)).toEqual({ status: 'running', isSeen: true, pid: 42 });
  });
});

describe('observeContainer', () => {
  const record = testInstance({ name: 'probe', type: 'docker', containerId: container.id, status: 'running' });

  it('observes a container the Engine has, claiming the record for that Engine', () => {
    expect(observeContainer(record, container, engine)).toMatchObject({ status: 'error', isSeen: true, docker: { exitCode: 3, dockerEngineId: 'HERE' } });
  });

  it('reads a missing container as gone, unless another Engine claimed the record', () => {
    expect(observeContainer(record, null, engine)).toMatchObject({ status: 'stopped', isSeen: false, docker: { runtimeState: null } });
    expect(observeContainer({ ...record, dockerEngineId: 'ELSEWHERE' }, null, engine)).toEqual({ status: 'running', isSeen: false, otherEngine: engine });
  });
});

describe('findContainer', () => {
  const index = indexContainers([container]);

  it('finds by full id and by a short id it starts with', () => {
    expect(findContainer(index, container.id)).toBe(container);
    expect(findContainer(index, container.id.slice(0, 12))).toBe(container);
  });

  it('finds nothing for no id, or a full id it does not hold', () => {
    expect(findContainer(index, null)).toBeNull();
    expect(findContainer(index, 'a'.repeat(64))).toBeNull();
  });
});
