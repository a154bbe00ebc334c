import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { CcBridgeError } from '../errors.ts';
import type { InstanceType } from '../instance.ts';
import { silentLogger } from '../logger.ts';
import type { RefreshReport } from '../reports.ts';
import type { ContainerAction, ContainerChange } from '../runtimes/instance-runtime.ts';
import { LiveFollower, type LiveRegistryPort, type LiveState } from './live-follower.ts';
import type { Reachability } from './live-registry.ts';

const report = (errors: RefreshReport['errors'] = []): RefreshReport => ({ checked: 0, changed: [], errors, engine: null, otherEngine: [] });

function change(action: ContainerAction, containerId = 'a'.repeat(64)): ContainerChange {
  return { runtime: 'docker', action, containerId, containerName: 'api', image: 'busybox', labels: {}, exitCode: null, health: null, at: new Date(0) };
}

/** The registry as the follower sees it, recording every call; the Engine's stream is driven by the test. */
class FakeRegistry implements LiveRegistryPort {
  isDockerEnabled = true;
  calls: string[] = [];
  applied: ContainerAction[][] = [];
  isEngineUp = true;
  tmuxErrors: RefreshReport['errors'] = [];
  /** Hook drains are counted apart from `calls`, which the Docker and tmux tests compare whole. */
  hookDrains = 0;
  onHookReport: (() => void) | null = null;
  #push: ((item: ContainerChange) => void) | null = null;
  #cut: (() => void) | null = null;

  followContainerChanges(signal: AbortSignal): Promise<AsyncIterable<ContainerChange>> {
    this.calls.push('connect');
    if (!this.isEngineUp) return Promise.reject(new CcBridgeError('DOCKER_UNAVAILABLE', 'connect ECONNREFUSED'));
    const stream: { queue: ContainerChange[]; isCut: boolean; wake: () => void } = { queue: [], isCut: false, wake: () => {} };
    this.#push = (item) => {
      stream.queue.push(item);
      stream.wake();
    };
    this.#cut = () => {
      stream.isCut = true;
      stream.wake();
    };
    signal.addEventListener('abort', () => stream.wake());
    return Promise.resolve(
      (async function* items() {
        for (;;) {
          const item = stream.queue.shift();
          if (item) {
            yield item;
            continue;
          }
          if (stream.isCut) throw new CcBridgeError('DOCKER_UNAVAILABLE', 'The Docker Engine ended its event stream');
          if (signal.aborted) return;
          await new Promise<void>((resolve) => (stream.wake = resolve));
        }
      })(),
    );
  }

  applyContainerChanges(changes: readonly ContainerChange[]) {
    this.calls.push('apply');
    this.applied.push(changes.map((item) => item.action));
    return Promise.resolve({ discovery: null, refresh: null });
  }

  refreshRuntime(type: InstanceType) {
    this.calls.push(`refresh ${type}`);
    if (type === 'docker' && !this.isEngineUp) return Promise.resolve(report([{ code: 'DOCKER_UNAVAILABLE', message: 'down' }]));
    return Promise.resolve(report(type === 'tmux' ? this.tmuxErrors : []));
  }

  recordRuntimeReachability(type: InstanceType, reachability: Reachability) {
    this.calls.push(`${type} ${reachability.reachable ? 'reachable' : 'unreachable'}`);
    return Promise.resolve(true);
  }

  applyHookReports() {
    this.hookDrains += 1;
    return Promise.resolve();
  }

  screensSignal: AbortSignal | null = null;

  probeScreens({ signal }: { signal: AbortSignal }) {
    this.calls.push('screens');
    this.screensSignal = signal;
    return Promise.resolve();
  }

  watchHookReports(signal: AbortSignal, onReport: () => void) {
    this.onHookReport = onReport;
    signal.addEventListener('abort', () => (this.onHookReport = null));
  }

  push(...changes: ContainerChange[]): void {
    for (const item of changes) this.#push?.(item);
  }

  cutEngine(): void {
    this.isEngineUp = false;
    this.#cut?.();
  }

  count(call: string): number {
    return this.calls.filter((item) => item === call).length;
  }
}

describe('LiveFollower', () => {
  let registry: FakeRegistry;
  let follower: LiveFollower;

  beforeEach(() => {
    vi.useFakeTimers();
    registry = new FakeRegistry();
    follower = new LiveFollower({ registry, logger: silentLogger, debounceMs: 50, tmuxProbeMs: 2_000, random: () => 0 });
  });

  afterEach(async () => {
    const closed = follower.close();
    await vi.runAllTimersAsync();
    await closed;
    vi.useRealTimers();
  });

  it('does nothing, tmux and Docker alike, while nobody subscribes', async () => {
    await vi.advanceTimersByTimeAsync(60_000);
    expect(registry.calls).toEqual([]);
    expect(follower.state).toEqual({ docker: 'off', tmux: 'off' });
  });

  it('on connecting, closes the gap: the Engine answers (its outage, if any, ends) and every Docker record is refreshed', async () => {
    follower.subscribe();
    await vi.advanceTimersByTimeAsync(0);
    expect(registry.calls).toEqual(expect.arrayContaining(['connect', 'docker reachable', 'refresh docker']));
    expect(registry.calls.indexOf('docker reachable')).toBeLessThan(registry.calls.indexOf('refresh docker'));
    expect(follower.state).toEqual({ docker: 'following', tmux: 'probing' });
  });

  it('applies a docker stop (kill, die, stop within milliseconds) as one batch', async () => {
    follower.subscribe();
    await vi.advanceTimersByTimeAsync(0);
    registry.push(change('kill'), change('die'));
    await vi.advanceTimersByTimeAsync(5);
    registry.push(change('stop'));
    await vi.advanceTimersByTimeAsync(100);
    expect(registry.applied).toEqual([['kill', 'die', 'stop']]);
  });

  it('gathers what arrives while a batch is being applied into the next one', async () => {
    let release = () => {};
    const slow = vi.spyOn(registry, 'applyContainerChanges').mockImplementationOnce(async (changes) => {
      registry.applied.push(changes.map((item) => item.action));
      await new Promise<void>((resolve) => (release = resolve));
      return { discovery: null, refresh: null };
    });
    follower.subscribe();
    await vi.advanceTimersByTimeAsync(0);
    registry.push(change('create'));
    await vi.advanceTimersByTimeAsync(60);
    registry.push(change('start'));
    await vi.advanceTimersByTimeAsync(60);
    registry.push(change('die'));
    await vi.advanceTimersByTimeAsync(60);
    release();
    await vi.advanceTimersByTimeAsync(60);
    expect(registry.applied).toEqual([['create'], ['start', 'die']]);
    slow.mockRestore();
  });

  it('probes tmux at once and every 2 s while subscribed, and stops when the last subscriber leaves', async () => {
    const first = follower.subscribe();
    const second = follower.subscribe();
    await vi.advanceTimersByTimeAsync(0);
    expect(registry.count('refresh tmux')).toBe(1);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(registry.count('refresh tmux')).toBe(4);
    first();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(registry.count('refresh tmux')).toBe(5);
    second();
    second();
    expect(follower.subscribers).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(registry.count('refresh tmux')).toBe(5);
    expect(registry.count('connect')).toBe(1);
    expect(follower.state).toEqual({ docker: 'off', tmux: 'off' });
  });

  it('drains hook reports on subscribing, when one arrives, and with each tmux probe; never after the last subscriber left', async () => {
    const unsubscribe = follower.subscribe();
    await vi.advanceTimersByTimeAsync(0);
    const afterStart = registry.hookDrains;
    expect(afterStart).toBeGreaterThanOrEqual(1);
    // A burst of arrivals while no drain runs becomes one drain.
    registry.onHookReport?.();
    registry.onHookReport?.();
    registry.onHookReport?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(registry.hookDrains).toBe(afterStart + 1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(registry.hookDrains).toBe(afterStart + 2);
    unsubscribe();
    expect(registry.onHookReport).toBeNull();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(registry.hookDrains).toBe(afterStart + 2);
  });

  it('reads the screens after each tmux probe, answered or not (containers have their own), with a signal that ends with the follower', async () => {
    const unsubscribe = follower.subscribe();
    await vi.advanceTimersByTimeAsync(0);
    expect(registry.calls.slice(-1)).toEqual(['screens']);
    expect(registry.calls.indexOf('screens')).toBeGreaterThan(registry.calls.indexOf('refresh tmux'));
    await vi.advanceTimersByTimeAsync(4_000);
    expect(registry.count('screens')).toBe(3);
    registry.tmuxErrors = [{ code: 'TMUX_ERROR', message: 'tmux did not answer' }];
    await vi.advanceTimersByTimeAsync(4_000);
    expect(registry.count('screens')).toBe(5);
    expect(registry.count('refresh tmux')).toBe(5);
    expect(registry.screensSignal?.aborted).toBe(false);
    unsubscribe();
    expect(registry.screensSignal?.aborted).toBe(true);
  });

  it('writes a tmux outage once while probes keep failing, and its end once', async () => {
    follower.subscribe();
    await vi.advanceTimersByTimeAsync(0);
    expect(registry.count('tmux reachable')).toBe(1);
    registry.tmuxErrors = [{ code: 'TMUX_ERROR', message: 'tmux did not answer' }];
    await vi.advanceTimersByTimeAsync(10_000);
    expect(registry.count('tmux unreachable')).toBe(1);
    expect(follower.state.tmux).toBe('unreachable');
    registry.tmuxErrors = [];
    await vi.advanceTimersByTimeAsync(2_000);
    expect(registry.count('tmux reachable')).toBe(2);
    expect(follower.state.tmux).toBe('probing');
  });

  it('turns an Engine outage into one unreachable record and one refresh, however long it lasts; back, one reachable and one refresh', async () => {
    const states: LiveState['docker'][] = [];
    follower.subscribe((state) => states.push(state.docker));
    await vi.advanceTimersByTimeAsync(3_000);
    registry.calls = [];
    registry.cutEngine();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(registry.count('docker unreachable')).toBe(1);
    expect(registry.count('refresh docker')).toBe(1);
    expect(registry.count('connect')).toBeGreaterThan(10);
    expect(follower.state.docker).toBe('unreachable');

    registry.calls = [];
    registry.isEngineUp = true;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(registry.calls.filter((call) => call !== 'refresh tmux' && call !== 'screens')).toEqual(['connect', 'docker reachable', 'refresh docker']);
    expect(states).toEqual(['connecting', 'following', 'unreachable', 'following']);
  });

  it('follows nothing from Docker when it is disabled, and still probes tmux', async () => {
    registry.isDockerEnabled = false;
    follower.subscribe();
    await vi.advanceTimersByTimeAsync(4_000);
    expect(registry.count('connect')).toBe(0);
    expect(registry.count('refresh tmux')).toBe(3);
    expect(follower.state).toEqual({ docker: 'disabled', tmux: 'probing' });
  });

  it('keeps following when the registry fails (a database error is logged, not thrown)', async () => {
    vi.spyOn(registry, 'applyContainerChanges').mockRejectedValueOnce(new CcBridgeError('DATABASE_BUSY', 'busy'));
    follower.subscribe();
    await vi.advanceTimersByTimeAsync(0);
    registry.push(change('stop'));
    await vi.advanceTimersByTimeAsync(100);
    registry.push(change('start'));
    await vi.advanceTimersByTimeAsync(100);
    expect(registry.applied).toEqual([['start']]);
    expect(follower.state.docker).toBe('following');
  });
});
