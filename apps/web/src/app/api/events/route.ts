import { isCcBridgeError, serializeError } from '@cc-bridge/core';
import { errorResponse } from '@/lib/api-response';
import { getBridge, getServerLogger } from '@/lib/bridge';
import { changeStream } from '@/lib/event-stream';

// A stream, never a cached answer.
export const dynamic = 'force-dynamic';

/**
 * GET /api/events — Server-Sent Events of registry changes by any process (core's change feed):
 * `event: change` with `{ all: true, reason }` first and after every reconnect of the feed,
 * then `{ all: false, ids, deleted }` (Instance ids). A `: heartbeat` comment every 15 s; ends
 * when the browser goes away. One per open tab; the feed holds one LISTEN connection for all of
 * them. The request guard (proxy.ts) has checked it like every other read. 503 while the
 * registry cannot be opened (EventSource then gives up; the page's own retry asks again).
 */
export async function GET(request: Request): Promise<Response> {
  let bridge;
  try {
    bridge = await getBridge();
  } catch (error) {
    if (!isCcBridgeError(error)) getServerLogger().error('the event stream could not open the registry', { error: String(error) });
    return errorResponse(serializeError(error));
  }
  const body = changeStream((signal) => bridge.watchChanges({ signal }), {
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
}
