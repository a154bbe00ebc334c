import { isCcBridgeError, serializeError } from '@cc-bridge/core';
import { errorResponse } from '@/lib/api-response';
import { getBridge, getServerLogger } from '@/lib/bridge';
import { changeStream } from '@/lib/event-stream';
import { withRole } from '@/lib/auth/route-guard';

// A stream, never a cached answer.
export const dynamic = 'force-dynamic';

/**
 * GET /api/events — Server-Sent Events of registry changes by any process (core's change feed):
 * `event: change` with `{ all: true, reason }` first and after every reconnect of the feed,
 * then `{ all: false, ids, deleted }` (Instance ids). A `: heartbeat` comment every 15 s; ends
 * when the browser goes away. One per open tab; the feed holds one LISTEN connection for all of
 * them. While it is open the process's live follower runs (`bridge.live.subscribe()`), so a
 * container stopped outside cc-bridge changes the page without any poll. The request guard
 * (proxy.ts) has checked it like every other read, and withRole that the caller is a viewer at least. 503 while the registry cannot be opened
 * (EventSource then gives up; the page's own retry asks again).
 */
export const GET = withRole('viewer', async (request) => {
  let bridge;
  try {
    bridge = await getBridge();
  } catch (error) {
    if (!isCcBridgeError(error)) getServerLogger().error('the event stream could not open the registry', { error: String(error) });
    return errorResponse(serializeError(error));
  }
  // While a page listens, the live follower keeps records in step with the runtimes (the
  // Engine's event stream, the tmux probe); what it writes reaches this stream through the feed.
  const follow = (signal: AbortSignal) => {
    const unsubscribe = bridge.live.subscribe();
    signal.addEventListener('abort', unsubscribe, { once: true });
    return bridge.watchChanges({ signal });
  };
  const body = changeStream(follow, {
    signal: request.signal,
    onError: (error) => getServerLogger().error('the event stream failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  });
  return new Response(body, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      // Proxies such as nginx would otherwise buffer the stream and deliver it in lumps.
      'X-Accel-Buffering': 'no',
    },
  });
});
