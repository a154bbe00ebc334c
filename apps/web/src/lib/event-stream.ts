import type { Change } from '@cc-bridge/core';

/** A comment line every this often (ms) keeps proxies and the browser from calling the stream idle. */
export const heartbeatMs = 15_000;

/**
 * How long (ms) the browser waits before it connects again after the stream ends or breaks
 * (the `retry:` field; EventSource's own default is browser-defined, about 3 s).
 */
export const reconnectDelayMs = 1_000;

const encoder = new TextEncoder();

/** One Server-Sent Event: `event: change` with the change as one line of JSON. */
export function changeEvent(change: Change): string {
  return `event: change\ndata: ${JSON.stringify(change)}\n\n`;
}

export interface ChangeStreamOptions {
  /** The request's signal: the stream ends (and stops watching) when the browser goes away. */
  signal: AbortSignal;
  heartbeatMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * The body of GET /api/events: `retry:` first, then one `change` event per item of `changes`
 * (core's feed: `{ all: true, reason }` first, then `{ all: false, ids, deleted }`), and a
 * `: heartbeat` comment every `heartbeatMs`. `watch(signal)` is called once with a signal that
 * aborts when the request's does or the reader cancels, which ends the iteration; the stream
 * then closes. A failing feed closes the stream too (the browser reconnects).
 */
export function changeStream(watch: (signal: AbortSignal) => AsyncIterable<Change>, options: ChangeStreamOptions): ReadableStream<Uint8Array> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const cleanUp = () => {
    clearInterval(heartbeat);
    options.signal.removeEventListener('abort', onAbort);
    stop.abort();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (options.signal.aborted) {
        controller.close();
        return;
      }
      options.signal.addEventListener('abort', onAbort, { once: true });
      const send = (text: string) => {
        if (!stop.signal.aborted) controller.enqueue(encoder.encode(text));
      };
      send(`retry: ${reconnectDelayMs}\n\n`);
      heartbeat = setInterval(() => send(': heartbeat\n\n'), options.heartbeatMs ?? heartbeatMs);
      void (async () => {
        try {
          for await (const change of watch(stop.signal)) send(changeEvent(change));
        } catch (error) {
          options.onError?.(error);
        } finally {
          cleanUp();
          try {
            controller.close();
          } catch {
            // Already closed or errored by a cancel: nothing is left to end.
          }
        }
      })();
    },
    cancel() {
      cleanUp();
    },
  });
}
