import type { Change } from '@cc-bridge/core';
import { describe, expect, it, vi } from 'vitest';
import { changeEvent, changeStream, reconnectDelayMs } from './event-stream';

/** A feed the test pushes into; it ends when the stream's signal aborts, as core's does. */
function fakeFeed() {
  const queue: Change[] = [];
  let wake: (() => void) | null = null;
  let watchedSignal: AbortSignal | null = null;
  async function* watch(signal: AbortSignal): AsyncGenerator<Change> {
    watchedSignal = signal;
    signal.addEventListener('abort', () => wake?.());
    while (!signal.aborted) {
      const next = queue.shift();
      if (next) yield next;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  return {
    watch,
    push(change: Change) {
      queue.push(change);
      wake?.();
    },
    signal: () => watchedSignal,
  };
}

async function readText(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const { value } = await reader.read();
  return new TextDecoder().decode(value);
}

describe('changeStream', () => {
  it('sends retry first, then each change as one `change` event of JSON', async () => {
    const feed = fakeFeed();
    const request = new AbortController();
    const reader = changeStream(feed.watch, { signal: request.signal }).getReader();
    expect(await readText(reader)).toBe(`retry: ${reconnectDelayMs}\n\n`);
    feed.push({ all: true, reason: 'connected' });
    expect(await readText(reader)).toBe('event: change\ndata: {"all":true,"reason":"connected"}\n\n');
    feed.push({ all: false, ids: ['a', 'b'], deleted: ['c'] });
    expect(await readText(reader)).toBe(changeEvent({ all: false, ids: ['a', 'b'], deleted: ['c'] }));
    request.abort();
  });

  it('sends a heartbeat comment on its interval', async () => {
    vi.useFakeTimers();
    try {
      const feed = fakeFeed();
      const request = new AbortController();
      const reader = changeStream(feed.watch, { signal: request.signal, heartbeatMs: 15_000 }).getReader();
      await readText(reader);
      vi.advanceTimersByTime(15_000);
      expect(await readText(reader)).toBe(': heartbeat\n\n');
      request.abort();
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops watching and closes when the request aborts', async () => {
    const feed = fakeFeed();
    const request = new AbortController();
    const reader = changeStream(feed.watch, { signal: request.signal }).getReader();
    await readText(reader);
    request.abort();
    expect(feed.signal()?.aborted).toBe(true);
    expect((await reader.read()).done).toBe(true);
  });

  it('stops watching when the reader cancels', async () => {
    const feed = fakeFeed();
    const reader = changeStream(feed.watch, { signal: new AbortController().signal }).getReader();
    await readText(reader);
    await reader.cancel();
    expect(feed.signal()?.aborted).toBe(true);
  });

  it('closes, reporting the error, when the feed fails', async () => {
    const onError = vi.fn();
    // eslint-disable-next-line require-yield -- a feed that fails before its first change
    async function* failing(): AsyncGenerator<Change> {
      await Promise.resolve();
      throw new Error('lost');
    }
    const reader = changeStream(failing, { signal: new AbortController().signal, onError }).getReader();
    await readText(reader);
    expect((await reader.read()).done).toBe(true);
    expect(onError).toHaveBeenCalledWith(new Error('lost'));
  });
});
