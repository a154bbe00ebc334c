// The terminal's WebSocket endpoint, on the dashboard's own port:
//   GET /api/instances/NAME/terminal?mode=rw|ro&cols=C&rows=R  (Upgrade: websocket)
// Next's request handler never sees an upgrade, so this runs in server.ts, outside Next's bundle.
// It reads records through the process's one CcBridge, the one Next's getBridge() opened
// (src/lib/bridge.ts keeps it on globalThis): opening another here would open the embedded
// database a second time in this process. Framing: core's terminal protocol.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { CcBridge } from '@cc-bridge/core';
import type { Config } from '@cc-bridge/core/config';
import { createLogger } from '@cc-bridge/core/logger';
import { createDockerClient, openTerminal, parseTerminalControl, terminalQuery, type TerminalNotice, type TerminalSession } from '@cc-bridge/core/terminal';
import { WebSocketServer, type WebSocket } from 'ws';
import { checkUpgrade, refuseUpgrade, type Refusal } from './upgrade-guard';

const terminalPath = /^\/api\/instances\/([^/]+)\/terminal$/;

/** Whether an upgrade request is for the terminal endpoint (other paths are Next's, in dev its HMR). */
export function isTerminalUpgrade(request: IncomingMessage): boolean {
  return terminalPath.test(new URL(request.url ?? '/', 'http://localhost').pathname);
}

function notify(socket: WebSocket, notice: TerminalNotice): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(notice));
}

/**
 * Returns the server's `upgrade` handler for terminal paths. `config` gives the allowed hosts,
 * the tmux socket and the Docker host; `sharedBridge()` the process's open CcBridge, or undefined
 * while none is open. A refused request gets an HTTP answer instead of the handshake: 421/403 from
 * the request guard, 401/403 for a caller who is not an operator, 400 for a bad query. An instance that
 * cannot be attached is told after the handshake: an `error` notice with the reason, then close
 * code 4404 (no such record) or 4503 (the registry is not open, the runtime refused or failed).
 */
export function createTerminalUpgradeHandler(config: Config, sharedBridge: () => Promise<CcBridge> | undefined) {
  const sockets = new WebSocketServer({ noServer: true });
  // One client per [[docker.hosts]] entry: a record's terminal opens on its own host's Engine.
  const dockerHosts = new Map(config.docker.hosts.map((host) => [host.name, config.docker.enabled ? createDockerClientOrNull(host) : null]));
  const docker = dockerHosts.get(config.docker.hosts[0]?.name ?? '') ?? null;
  const logger = createLogger(config.logLevel);

  /** Checks a handshake and opens its terminal; a refusal names its HTTP status and reason. */
  const admit = async (request: IncomingMessage): Promise<{ session: TerminalSession; name: string } | Refusal> => {
    const refusal = await checkUpgrade(request, config.web.allowedHosts, 'terminal', 'operator', sharedBridge());
    if (refusal) return refusal;

    const url = new URL(request.url ?? '/', 'http://localhost');
    const name = decodeURIComponent(terminalPath.exec(url.pathname)?.[1] ?? '');
    const query = terminalQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!query.success) return { status: 400, reason: `bad terminal query: ${query.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}` };

    const bridgePromise = sharedBridge();
    if (!bridgePromise) return { status: 503, reason: 'the registry is not open yet; reload the page', isTold: true };
    try {
      const instance = await (await bridgePromise).manager.getInstance(name);
      if (!instance) return { status: 404, reason: `no instance named ${name}`, isTold: true };
      const session = await openTerminal(instance, {
        cols: query.data.cols ?? 80,
        rows: query.data.rows ?? 24,
        readOnly: query.data.mode === 'ro',
        tmuxSocket: config.tmux.socket,
        docker,
        dockerHosts,
      });
      return { session, name };
    } catch (error) {
      return { status: 503, reason: error instanceof Error ? error.message : String(error), isTold: true };
    }
  };

  return async (request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const admitted = await admit(request);
    if ('status' in admitted) {
      logger.warn('refused a terminal connection', { path: new URL(request.url ?? '/', 'http://localhost').pathname, status: admitted.status, reason: admitted.reason });
      if (!admitted.isTold) {
        refuseUpgrade(socket, admitted);
        return;
      }
      sockets.handleUpgrade(request, socket, head, (ws) => {
        notify(ws, { type: 'error', message: admitted.reason });
        ws.close(4000 + admitted.status, 'cannot attach');
      });
      return;
    }
    const { session: attached, name } = admitted;
    const detach = () => {
      attached.close().catch((error: unknown) => logger.error('ending a terminal client failed', { instance: name, error: String(error) }));
    };
    sockets.handleUpgrade(request, socket, head, (ws) => {
      attached.onData((data) => {
        if (ws.readyState === ws.OPEN) ws.send(data);
      });
      attached.onExit(() => {
        notify(ws, { type: 'exit' });
        ws.close(1000, 'the terminal ended');
      });
      ws.on('message', (data, isBinary) => {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(new Uint8Array(data));
        if (isBinary) {
          attached.write(bytes);
          return;
        }
        const control = parseTerminalControl(bytes.toString('utf8'));
        if (control === null) notify(ws, { type: 'error', message: 'unknown control message' });
        else attached.resize(control);
      });
      // Closing the page closes the socket: only this viewer's attach client ends.
      ws.on('close', detach);
    });
    // A socket that closed during the handshake never reaches the callback above.
    socket.once('close', detach);
  };
}

function createDockerClientOrNull(host: Parameters<typeof createDockerClient>[0]) {
  try {
    return createDockerClient(host);
  } catch {
    // A Docker host cannot be used: core warns once when the bridge opens; container terminals answer 503.
    return null;
  }
}
