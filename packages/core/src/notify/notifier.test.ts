import { describe, expect, it } from 'vitest';
import type { Change } from '../changes/payload.ts';
import { createLogger } from '../logger.ts';
import type { PendingEvent } from '../registry/notifications.ts';
import { Notifier } from './notifier.ts';
import type { Notification } from './notification.ts';
import type { NotifyTarget } from './targets.ts';

const now = Date.parse('2026-12-03T12:00:00.000Z');
const waiting = (id: number, ageMs = 0): PendingEvent => ({
  id,
  instanceId: null,
  instanceName: `agent-${String(id)}`,
  kind: 'activity_changed',
  from: 'busy',
  to: 'waiting',
  message: null,
  at: new Date(now - ageMs),
});

/** A notifier over a queue held in memory; `wake()` is a change announced by the feed. */
function setup(queue: PendingEvent[], target: NotifyTarget, retry = { attempts: 3, firstDelayMs: 1, maxDelayMs: 4 }) {
  const lines: string[] = [];
  let wake: (() => void) | null = null;
  async function* watchChanges(options: { signal?: AbortSignal }): AsyncGenerator<Change> {
    yield { all: true, reason: 'connected' };
    while (!options.signal?.aborted) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        options.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      if (!options.signal?.aborted) yield { all: false, ids: [], deleted: [] };
    }
  }
  const notifier = new Notifier({
    registry: { takePendingEvents: (limit) => Promise.resolve(queue.splice(0, limit)) },
    watchChanges,
    live: null,
    settings: { on: ['waiting'], dashboardUrl: 'http://127.0.0.1:3000' },
    targets: [target],
    logger: createLogger('debug', (line) => lines.push(line.trim())),
    retry,
    now: () => now,
  });
  return { notifier, lines, wake: () => wake?.() };
}

/** A target that fails the first `failures` sends, and records the ones it takes. */
function flakyTarget(failures: number): NotifyTarget & { taken: Notification[]; calls: number } {
  const target = {
    label: 'webhook http://127.0.0.1:1',
    taken: [] as Notification[],
    calls: 0,
    send(notification: Notification) {
      target.calls += 1;
      if (target.calls <= failures) return Promise.reject(new Error('answered 503'));
      target.taken.push(notification);
      return Promise.resolve();
    },
  };
  return target;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('Notifier', () => {
  it('sends in order what the queue holds when it starts listening, and drops what is too old to matter', async () => {
    const target = flakyTarget(0);
    const { notifier, lines } = setup([waiting(1), waiting(2, 11 * 60_000), waiting(3)], target);
    notifier.start();
    await settle();
    await notifier.idle();
    expect(target.taken.map((notification) => notification.eventId)).toEqual([1, 3]);
    expect(lines.filter((line) => line.includes('too old'))).toHaveLength(1);
    await notifier.close();
  });

  it('gives up after the bounded attempts, and logs a failing target once across notifications until it works', async () => {
    const target = flakyTarget(4);
    const queue = [waiting(1), waiting(2)];
    const { notifier, lines, wake } = setup(queue, target);
    notifier.start();
    await settle();
    await notifier.idle();
    // 1: three attempts, all failed (given up); 2: fails once more, then taken.
    expect(target.calls).toBe(5);
    expect(target.taken.map((notification) => notification.eventId)).toEqual([2]);
    expect(lines.filter((line) => line.startsWith('cc-bridge warn:'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('works again'))).toHaveLength(1);

    queue.push(waiting(3));
    wake();
    await settle();
    await notifier.idle();
    expect(target.taken.map((notification) => notification.eventId)).toEqual([2, 3]);
    expect(lines.filter((line) => line.startsWith('cc-bridge warn:'))).toHaveLength(1);
    await notifier.close();
  });

  it('stops retrying when closed, without waiting for the next attempt', async () => {
    const target = flakyTarget(Number.POSITIVE_INFINITY);
    const { notifier } = setup([waiting(1)], target, { attempts: 5, firstDelayMs: 500, maxDelayMs: 500 });
    notifier.start();
    await settle();
    expect(target.calls).toBe(1);
    const closing = Date.now();
    await notifier.close();
    expect(Date.now() - closing).toBeLessThan(300);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(target.calls).toBe(1);
  });
});
