import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { settleEach } from './bulk.ts';

describe('settleEach', () => {
  it('never runs more than the bound at once, and answers in the items order', async () => {
    let running = 0;
    let most = 0;
    const items = Array.from({ length: 20 }, (_, index) => index);
    const answers = await settleEach(items, 3, async (item) => {
      running += 1;
      most = Math.max(most, running);
      // Later items finish sooner: the order of answers must not follow the order of finishing.
      await sleep(20 - item);
      running -= 1;
      return item * 2;
    });
    expect(most).toBe(3);
    expect(answers).toEqual(items.map((item) => item * 2));
  });

  it('stops starting items after one throws, and throws once those under way have finished', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = settleEach([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      if (item === 1) throw new Error('the database went away');
      await sleep(30);
      finished.push(item);
      return item;
    });
    await expect(run).rejects.toThrow('the database went away');
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([0]);
  });
});
