import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCoalescer } from '../src/coalesce.ts';

/** A run that stays under way until the test ends it: `runs` counts starts, `finish()` ends the oldest. */
function controlledRun() {
  const pending: (() => void)[] = [];
  let runs = 0;
  return {
    run: () => {
      runs += 1;
      return new Promise<void>((resolve) => pending.push(resolve));
    },
    get runs() {
      return runs;
    },
    finish: async () => {
      pending.shift()?.();
      await vi.advanceTimersByTimeAsync(0);
    },
  };
}

describe('createCoalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs the first request at once and folds the requests of a burst into one more run', async () => {
    const work = controlledRun();
    const coalescer = createCoalescer(work.run, { minIntervalMs: 100, onError: () => {}, now: Date.now });
    coalescer.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(work.runs).toBe(1);
    for (let i = 0; i < 10; i += 1) coalescer.request();
    await work.finish();
    // 100 ms from the first start have not passed yet.
    expect(work.runs).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(work.runs).toBe(2);
    await work.finish();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(work.runs).toBe(2);
  });

  it('never has two runs under way, however long one takes', async () => {
    const work = controlledRun();
    const coalescer = createCoalescer(work.run, { minIntervalMs: 100, onError: () => {} });
    coalescer.request();
    await vi.advanceTimersByTimeAsync(0);
    coalescer.request();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(work.runs).toBe(1);
    // The interval has long passed: the next run starts as soon as this one ends.
    await work.finish();
    expect(work.runs).toBe(2);
  });

  it('spaces runs by the interval from start to start', async () => {
    const starts: number[] = [];
    const coalescer = createCoalescer(
      () => {
        starts.push(Date.now());
        return Promise.resolve();
      },
      { minIntervalMs: 100, onError: () => {} },
    );
    const origin = Date.now();
    for (let ms = 0; ms < 500; ms += 10) {
      coalescer.request();
      await vi.advanceTimersByTimeAsync(10);
    }
    await vi.advanceTimersByTimeAsync(1_000);
    // Requests every 10 ms for 500 ms: one run per 100 ms, the last (for the request at 490 ms) at 500.
    expect(starts.map((start) => start - origin)).toEqual([0, 100, 200, 300, 400, 500]);
  });

  it('reports a failed run and keeps serving later requests', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const coalescer = createCoalescer(
      () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('database gone')) : Promise.resolve();
      },
      { minIntervalMs: 0, onError: (error) => errors.push(error) },
    );
    coalescer.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual([new Error('database gone')]);
    coalescer.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(2);
  });

  it('starts nothing after stop; idle() waits for the run under way', async () => {
    const work = controlledRun();
    const coalescer = createCoalescer(work.run, { minIntervalMs: 100, onError: () => {} });
    coalescer.request();
    await vi.advanceTimersByTimeAsync(0);
    coalescer.request();
    coalescer.stop();
    let isIdle = false;
    void coalescer.idle().then(() => (isIdle = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(isIdle).toBe(false);
    await work.finish();
    expect(isIdle).toBe(true);
    coalescer.request();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(work.runs).toBe(1);
  });
});
