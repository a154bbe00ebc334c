import { describe, expect, it } from 'vitest';
import type { InstanceStatus } from '../instance.ts';
import { belongsToOtherEngine, statusFromContainerState, type ContainerInfo } from './runtime.ts';

type State = Pick<ContainerInfo, 'state' | 'health' | 'exitCode' | 'oomKilled'>;
const at = (state: string, details: Partial<State> = {}): State => ({ state, health: null, exitCode: null, oomKilled: false, ...details });

describe('statusFromContainerState', () => {
  it.each<[string, State, InstanceStatus]>([
    ['created', at('created'), 'created'],
    ['running', at('running'), 'running'],
    ['running, health starting', at('running', { health: 'starting' }), 'running'],
    ['running, healthy', at('running', { health: 'healthy' }), 'running'],
    ['running, unhealthy', at('running', { health: 'unhealthy' }), 'error'],
    ['paused', at('paused'), 'stopped'],
    ['restarting (a crash loop)', at('restarting', { exitCode: 3 }), 'error'],
    ['restarting after exit 0', at('restarting', { exitCode: 0 }), 'error'],
    ['removing', at('removing'), 'stopped'],
    ['exited 0', at('exited', { exitCode: 0 }), 'stopped'],
    ['exited 143 (SIGTERM from docker stop)', at('exited', { exitCode: 143 }), 'stopped'],
    ['exited 137 (SIGKILL after the stop grace period)', at('exited', { exitCode: 137 }), 'stopped'],
    ['exited 137, OOM-killed', at('exited', { exitCode: 137, oomKilled: true }), 'error'],
    ['exited 1', at('exited', { exitCode: 1 }), 'error'],
    ['exited 3', at('exited', { exitCode: 3 }), 'error'],
    ['exited, exit code unknown (imported)', at('exited'), 'stopped'],
    ['dead', at('dead'), 'error'],
    ['a state no Engine documents', at('hibernating'), 'unknown'],
  ])('%s → %s', (_, state, status) => {
    expect(statusFromContainerState(state)).toBe(status);
  });
});

describe('belongsToOtherEngine', () => {
  const engine = { id: 'HERE', name: 'vm', endpoint: 'unix:///var/run/docker.sock' };

  it('is true only for a record another Engine has claimed', () => {
    expect(belongsToOtherEngine({ dockerEngineId: 'ELSEWHERE' }, engine)).toBe(true);
    expect(belongsToOtherEngine({ dockerEngineId: 'HERE' }, engine)).toBe(false);
    // Never seen by any Engine: the first to see its container claims it.
    expect(belongsToOtherEngine({ dockerEngineId: null }, engine)).toBe(false);
  });
});
