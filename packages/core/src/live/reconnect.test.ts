import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { backoffDelay, defaultBackoff, followWithReconnect, type BackoffOptions } from './reconnect.ts';

const backoff: BackoffOptions = { initialMs: 100, maxMs: 1_000, jitter: 0.2 };

describe('backoffDelay', () => {
  it('doubles from the first wait up to the cap', () => {
    const noJitter = () => 0;
    expect([0, 1, 2, 3, 4, 5, 10, 100].map((attempt) => backoffDelay(attempt, backoff, noJitter))).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000, 1_000]);
  });

  it('takes up to `jitter` of each wait off at random, never more and never above the cap', () => {
    expect(backoffDelay(0, backoff, () => 0.5)).toBe(90);
    expect(backoffDelay(10, backoff, () => 0.999)).toBe(800);
    for (let attempt = 0; attempt < 20; attempt++) {
      const delay = backoffDelay(attempt, backoff);
      expect(delay).toBeGreaterThanOrEqual(Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt) * 0.8);
      expect(delay).toBeLessThanOrEqual(backoff.maxMs);
    }
  });

  it('stays finite for any attempt count', () => {
    expect(backoffDelay(5_000, backoff, () => 0)).toBe(1_000);
    expect(backoffDelay(-1, backoff, () => 0)).toBe(100);
  });

  it('by default reconnects within 2 s during an outage', () => {
    expect(backoffDelay(1_000, defaultBackoff, () => 0)).toBe(2_000);
  });
});

/** A feed the test drives: each connect either fails or opens a stream the test pushes into or breaks. */
class FakeSource {
  readonly connects: number[] = [];
  failNext = 0;
  #push: ((item: string) => void) | null = null;
  #fail: ((error: Error) => void) | null = null;

  connect = (signal: AbortSignal): Promise<AsyncIterable<string>> => {
    this.connects.push(Date.now());
    if (this.failNext > 0) {
      this.failNext -= 1;
      return Promise.reject(new Error('ECONNREFUSED'));
    }
    const stream: { queue: string[]; failure: Error | null; wake: () => void } = { queue: [], failure: null, wake: () => {} };
    this.#push = (item) => {
      stream.queue.push(item);
      stream.wake();
    };
    this.#fail = (error) => {
      stream.failure = error;
      stream.wake();
    };
    signal.addEventListener('abort', () => stream.wake());
    return Promise.resolve(
      (async function* items() {
        for (;;) {
          const item = stream.queue.shift();
          if (item !== undefined) {
            yield item;
            continue;
          }
          if (stream.failure) throw stream.failure;
          if (signal.aborted) return;
          await new Promise<void>((resolve) => (stream.wake = resolve));
        }
      })(),
    );
  };

  push(item: string): void {
    this.#push?.(item);
  }

  breakStream(): void {
    this.#fail?.(new Error('ECONNRESET'));
  }
}

describe('followWithReconnect', () => {
  let stop: AbortController;
  let source: FakeSource;
  let log: string[];
  let loop: Promise<void>;

  beforeEach(() => {
    vi.useFakeTimers();
    stop = new AbortController();
    source = new FakeSource();
    log = [];
  });

  afterEach(async () => {
    stop.abort();
    await vi.runAllTimersAsync();
    await loop;
    vi.useRealTimers();
  });

  const start = () => {
    loop = followWithReconnect<string>({
      signal: stop.signal,
      backoff,
      random: () => 0,
      connect: source.connect,
      onConnected: () => log.push('connected'),
      onItem: (item) => log.push(`item ${item}`),
      onLost: () => log.push('lost'),
      onUnreachable: () => log.push('unreachable'),
    });
  };

  it('hands on items in order once connected', async () => {
    start();
    await vi.advanceTimersByTimeAsync(0);
    source.push('a');
    source.push('b');
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(['connected', 'item a', 'item b']);
  });

  it('announces an outage once however many connects fail, backing off 100, 200, 400, 800, 1000, 1000 ms', async () => {
    source.failNext = 7;
    const startedAt = Date.now();
    start();
    await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 800 + 1_000 + 1_000 + 1_000);
    expect(source.connects.map((at) => at - startedAt)).toEqual([0, 100, 300, 700, 1_500, 2_500, 3_500, 4_500]);
    expect(log).toEqual(['unreachable', 'connected']);
  });

  it('knocks again after the first wait when a stable stream breaks, and announces nothing if that works', async () => {
    start();
    await vi.advanceTimersByTimeAsync(5_000);
    source.breakStream();
    await vi.advanceTimersByTimeAsync(99);
    expect(source.connects).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(source.connects).toHaveLength(2);
    expect(log).toEqual(['connected', 'lost', 'connected']);
  });

  it('announces the outage when the stream broke and the Engine is then gone, and again after it came back and went again', async () => {
    start();
    await vi.advanceTimersByTimeAsync(5_000);
    source.failNext = 2;
    source.breakStream();
    await vi.advanceTimersByTimeAsync(100 + 200 + 400);
    expect(log).toEqual(['connected', 'lost', 'unreachable', 'connected']);
    await vi.advanceTimersByTimeAsync(5_000);
    source.failNext = 1;
    source.breakStream();
    await vi.advanceTimersByTimeAsync(100 + 200);
    expect(log).toEqual(['connected', 'lost', 'unreachable', 'connected', 'lost', 'unreachable', 'connected']);
  });

  it('keeps backing off when each connection drops at once (no hot loop)', async () => {
    start();
    await vi.advanceTimersByTimeAsync(0);
    const startedAt = Date.now();
    for (let drop = 0; drop < 5; drop++) {
      source.breakStream();
      await vi.advanceTimersByTimeAsync(backoffDelay(drop, backoff, () => 0));
    }
    expect(source.connects.slice(1).map((at) => at - startedAt)).toEqual([100, 300, 700, 1_500, 2_500]);
  });

  it('ends at once, without another connect, when the signal aborts during a wait', async () => {
    source.failNext = 100;
    start();
    await vi.advanceTimersByTimeAsync(50);
    stop.abort();
    await loop;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(source.connects).toHaveLength(1);
  });
});
