// The output stream's WebSocket, on the dashboard's own port:
//   GET /api/instances/NAME/output?lines=N  (Upgrade: websocket)
// It follows what an instance prints (core's followOutput, with colours) for the detail page's
// Output section. A WebSocket rather than a route handler's event stream so that it passes the very
// checks the terminal's does (upgrade-guard.ts: the request guard as a WebSocket, loopback peers
// only): what an agent prints can hold as much as what it is typed. Framing: src/lib/output-protocol.ts.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { CcBridge } from '@cc-bridge/core';
import { isCcBridgeError, serializeError } from '@cc-bridge/core/errors';
import type { Config } from '@cc-bridge/core/config';
import { createLogger } from '@cc-bridge/core/logger';
import { styledText } from '@cc-bridge/core/terminal';
import { WebSocketServer, type WebSocket } from 'ws';
import { outputQuery, type OutputMessage } from './src/lib/output-protocol';
import { checkUpgrade, refuseUpgrade, type Refusal } from './upgrade-guard';

const outputPathPattern = /^\/api\/instances\/([^/]+)\/output$/;

/** Whether an upgrade request is for the output stream. */
export function isOutputUpgrade(request: IncomingMessage): boolean {
  return outputPathPattern.test(new URL(request.url ?? '/', 'http://localhost').pathname);
}

function send(socket: WebSocket, message: OutputMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

/**
 * Returns the server's `upgrade` handler for output paths. `config` gives the allowed hosts;
 * `sharedBridge()` the process's open CcBridge (see terminal-server.ts), or undefined while none is
 * open (503). Refusals before the handshake: 421/403 from the guard, 401/403 for a caller who is not
 * a viewer, 400 for a bad query, 404 for no record. After it, one follow per socket, ended when the
 * socket closes; a stopped instance is an `end` message and a runtime failure an `error` one,
 * never a dropped socket without a word.
 */
export function createOutputUpgradeHandler(config: Config, sharedBridge: () => Promise<CcBridge> | undefined) {
  const sockets = new WebSocketServer({ noServer: true });
  const logger = createLogger(config.logLevel);

  const admit = async (request: IncomingMessage): Promise<{ bridge: CcBridge; name: string; lines: number } | Refusal> => {
    const refusal = await checkUpgrade(request, config.web.allowedHosts, 'output', 'viewer', sharedBridge());
    if (refusal) return refusal;
    const url = new URL(request.url ?? '/', 'http://localhost');
    const name = decodeURIComponent(outputPathPattern.exec(url.pathname)?.[1] ?? '');
    const query = outputQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success) return { status: 400, reason: `bad output query: ${query.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}` };
    const bridgePromise = sharedBridge();
    if (!bridgePromise) return { status: 503, reason: 'the registry is not open yet; reload the page' };
    try {
      const bridge = await bridgePromise;
      if (!(await bridge.manager.getInstance(name))) return { status: 404, reason: `no instance named ${name}` };
      return { bridge, name, lines: query.data.lines };
    } catch (error) {
      return { status: 503, reason: error instanceof Error ? error.message : String(error) };
    }
  };

  /** Follows `name` into `socket` until either ends. */
  const follow = async (socket: WebSocket, { bridge, name, lines }: { bridge: CcBridge; name: string; lines: number }): Promise<void> => {
    const stop = new AbortController();
    socket.once('close', () => stop.abort());
    try {
      const updates = await bridge.manager.followOutput(name, { lines, colors: true, signal: stop.signal });
      let shownCurrent = '';
      for await (const update of updates) {
        const text = styledText(update.text);
        const current = styledText(update.current);
        // An escape sequence still being written, or a cursor move, is no change a page can show.
        if (text === '' && current === shownCurrent) continue;
        shownCurrent = current;
        send(socket, { type: 'output', text, current });
      }
      // Ended by itself (not by the page going away): the session or container is gone.
      if (!stop.signal.aborted) send(socket, { type: 'end', reason: 'stopped' });
    } catch (error) {
      if (isCcBridgeError(error, 'NOT_RUNNING')) send(socket, { type: 'end', reason: 'not-running', message: error.message });
      else {
        const serialized = serializeError(error);
        if (!isCcBridgeError(error)) logger.error('following output failed', { instance: name, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        send(socket, { type: 'error', code: serialized.code, message: serialized.message });
      }
    }
    socket.close(1000);
  };

  return async (request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const admitted = await admit(request);
    if ('status' in admitted) {
      logger.warn('refused an output connection', { path: new URL(request.url ?? '/', 'http://localhost').pathname, status: admitted.status, reason: admitted.reason });
      refuseUpgrade(socket, admitted);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => void follow(ws, admitted));
  };
}
