import { describe, expect, it } from 'vitest';
import { describeDockerEngine, describeRuntimeState } from './instance.ts';

describe('describeRuntimeState', () => {
  const state = (runtimeState: string | null, details: { runtimeHealth?: string | null; exitCode?: number | null; oomKilled?: boolean | null } = {}) =>
    describeRuntimeState({ runtimeState, runtimeHealth: null, exitCode: null, oomKilled: null, ...details });

  it.each([
    [state('exited', { exitCode: 3, oomKilled: false }), 'exited (3)'],
    [state('exited', { exitCode: 137, oomKilled: true }), 'exited (137, out of memory)'],
    [state('restarting', { exitCode: 3 }), 'restarting (3)'],
    [state('running', { runtimeHealth: 'unhealthy' }), 'running (unhealthy)'],
    [state('running', { runtimeHealth: 'starting' }), 'running (health: starting)'],
    [state('paused'), 'paused'],
    [state(null), null],
  ])('reads %j', (text, expected) => expect(text).toBe(expected));
});

describe('describeDockerEngine', () => {
  it('names the Engine by ID and endpoint, and nothing before any Engine saw the container', () => {
    expect(describeDockerEngine({ dockerEngineId: 'KMQC:RRWF', dockerEndpoint: 'unix:///var/run/docker.sock' })).toBe('KMQC:RRWF at unix:///var/run/docker.sock');
    expect(describeDockerEngine({ dockerEngineId: null, dockerEndpoint: null })).toBeNull();
  });
});
