import { describe, expect, it } from 'vitest';

import { instanceTypes } from '../instance.ts';
import { createDockerRuntime } from './docker/docker-runtime.ts';
import { createDockerClient } from './docker/docker-client.ts';
import { createRuntimes, groupByRuntime, runtimeFor, runtimeKeyOf } from './runtimes.ts';
import { createTmuxRuntime } from './tmux/tmux-runtime.ts';

const config = { tmux: { command: ['claude'] }, docker: { containerLabel: 'cc-bridge.instance', network: null } };
const tmux = createTmuxRuntime({ socket: null });

describe('runtimeFor', () => {
  it('gives every instance type the runtime of that type; only Docker has a change feed', () => {
    const runtimes = createRuntimes({ tmux, dockerHosts: [{ name: 'local', docker: createDockerRuntime(createDockerClient(null)) }], config });
    for (const type of instanceTypes) expect(runtimeFor(runtimes, { type }).type).toBe(type);
    expect(runtimeFor(runtimes, { type: 'tmux' }).changes).toBeUndefined();
    expect(runtimeFor(runtimes, { type: 'docker' }).changes).toBeTypeOf('function');
    expect(runtimeFor(runtimes, { type: 'docker' }).label).toBe('the Docker Engine');
  });

  it("gives a Docker record its own host's runtime, the first host's when it names none", () => {
    const dockerHosts = [
      { name: 'local', docker: createDockerRuntime(createDockerClient(null)) },
      { name: 'build', docker: createDockerRuntime(createDockerClient('unix:///tmp/build.sock')) },
    ];
    const runtimes = createRuntimes({ tmux, dockerHosts, config });
    expect(runtimeFor(runtimes, { type: 'docker', dockerHost: null }).label).toBe('the Docker Engine "local"');
    expect(runtimeFor(runtimes, { type: 'docker', dockerHost: 'build' }).label).toBe('the Docker Engine "build"');
    expect(runtimeKeyOf(runtimes, { type: 'docker', dockerHost: 'local' })).toBe('docker');
    expect(runtimeKeyOf(runtimes, { type: 'docker', dockerHost: 'build' })).toBe('docker:build');
    expect(runtimeKeyOf(runtimes, { type: 'tmux', dockerHost: null })).toBe('tmux');
  });

  it('fails every call of a record whose host is no longer configured, naming it and the hosts there are', async () => {
    const runtimes = createRuntimes({ tmux, dockerHosts: [{ name: 'local', docker: null }], config });
    const runtime = runtimeFor(runtimes, { type: 'docker', dockerHost: 'gone' });
    await expect(runtime.observeAll([], new Map())).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('Docker host "gone" is not configured (hosts: local)') });
  });

  it('groups records by the runtime that answers for them, every configured runtime included', () => {
    const dockerHosts = [
      { name: 'local', docker: null },
      { name: 'build', docker: null },
    ];
    const runtimes = createRuntimes({ tmux, dockerHosts, config });
    const records = [
      { id: 'a', type: 'docker' as const, dockerHost: 'build' },
      { id: 'b', type: 'docker' as const, dockerHost: null },
      { id: 'c', type: 'tmux' as const, dockerHost: null },
      { id: 'd', type: 'docker' as const, dockerHost: 'gone' },
    ];
    const groups = groupByRuntime(runtimes, records).map(({ key, records: of }) => [key, of.map((record) => record.id)]);
    expect(groups).toEqual([
      ['tmux', ['c']],
      ['docker', ['b']],
      ['docker:build', ['a']],
      ['docker:gone', ['d']],
    ]);
  });
});
