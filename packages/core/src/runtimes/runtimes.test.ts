import { describe, expect, it } from 'vitest';

import { instanceTypes } from '../instance.ts';
import { createDockerRuntime } from './docker/docker-runtime.ts';
import { createDockerClient } from './docker/docker-client.ts';
import { createRuntimes, runtimeFor } from './runtimes.ts';
import { createTmuxRuntime } from './tmux/tmux-runtime.ts';

describe('runtimeFor', () => {
  it('gives every instance type the runtime of that type; only Docker has a change feed', () => {
    const config = { tmux: { command: ['claude'] }, docker: { containerLabel: 'cc-bridge.instance', network: null } };
    const runtimes = createRuntimes({ tmux: createTmuxRuntime({ socket: null }), docker: createDockerRuntime(createDockerClient(null)), config });
    for (const type of instanceTypes) expect(runtimeFor(runtimes, type).type).toBe(type);
    expect(runtimeFor(runtimes, 'tmux').changes).toBeUndefined();
    expect(runtimeFor(runtimes, 'docker').changes).toBeTypeOf('function');
  });
});
