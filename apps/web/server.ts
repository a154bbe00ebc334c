// The dashboard's server: Next's request handler on a node:http server. Until sign-in is
// configured (no user exists), whoever reaches the dashboard could set up its first admin, so an
// address another machine could reach is refused (exit 2); with users it may listen anywhere,
// since every request then needs a session or an API token.
//   tsx server.ts [--hostname 127.0.0.1] [--port 3000] [--dev] [--check]
// Defaults come from HOST and PORT, then 127.0.0.1:3000. `--check` only checks the address (the
// dashboard script does so before it builds). Exit code 2: the address or port was refused.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duplex } from 'node:stream';
import { parseArgs } from 'node:util';
import next from 'next';
import { z } from 'zod';
import type { CcBridge } from '@cc-bridge/core';
import { loadConfig, type Config } from '@cc-bridge/core/config';
import { isLoopbackAddress } from '@cc-bridge/core/request-guard';
import { createOutputUpgradeHandler, isOutputUpgrade } from './output-server';
import { getBridge } from './src/lib/bridge';
import { createTerminalUpgradeHandler, isTerminalUpgrade } from './terminal-server';

const listenOptions = z.object({
  hostname: z.string().min(1, 'the hostname is empty'),
  port: z.coerce.number().int().min(0).max(65_535, 'a port is at most 65535'),
  dev: z.boolean(),
  check: z.boolean(),
});

/** Why a non-loopback address is refused, and what to do instead. */
function refusal(hostname: string, port: number): string {
  return [
    `cc-bridge dashboard: refusing to listen on ${hostname}.`,
    'Sign-in is not configured (no user exists), so it listens on a loopback address only (127.0.0.1, ::1 or localhost).',
    'Create the first admin, then any address is allowed: cc-bridge users add NAME --role admin --password-stdin',
    `Or forward the port over SSH: ssh -L ${port}:127.0.0.1:${port} THIS-HOST`,
  ].join('\n');
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    hostname: { type: 'string', short: 'H', default: process.env.HOST ?? '127.0.0.1' },
    port: { type: 'string', short: 'p', default: process.env.PORT ?? '3000' },
    dev: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
});
const parsed = listenOptions.safeParse(values);
if (!parsed.success) fail(`cc-bridge dashboard: ${parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
const { hostname, port, dev, check } = parsed.data;
// `--check` (before a build) cannot open the registry to count users: a non-loopback address
// passes it and is checked once the registry is open, below.
if (check) process.exit(0);
// Notifications ([notify]) link to this server's pages unless the config names another address.
if (port !== 0) process.env.CC_BRIDGE_DASHBOARD_URL ??= `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${String(port)}`;

// Next attaches its own `upgrade` listener (its router: HMR in dev, its proxy) to the server of
// the first request it handles, or to `httpServer`; on the real server it would answer every
// terminal handshake too. It gets a server that never listens, and the dispatcher below passes
// it the upgrades that are not the terminal's.
const nextUpgrades = createServer();
const app = next({ dev, dir: dirname(fileURLToPath(import.meta.url)), hostname, port, httpServer: nextUpgrades });
const handle = app.getRequestHandler();
await app.prepare();
// The peer's address, for the audit log's origin (lib/request-actor.ts). Set, never appended to:
// this server is what the browser reaches, so a client's own X-Forwarded-For says nothing.
const server = createServer((request, response) => {
  request.headers['x-forwarded-for'] = request.socket.remoteAddress ?? '';
  void handle(request, response);
});
// The process's one CcBridge (src/lib/bridge.ts keeps it on globalThis, so Next's bundled copy of
// that module finds the same one): this process must not open a second. A production server runs
// Next's instrumentation only with its first request, so it is opened here, before listening.
const sharedBridge = () => (globalThis as typeof globalThis & { ccBridge?: Promise<CcBridge> }).ccBridge;
/** Whether sign-in is configured: then any address may be bound. */
async function hasUsers(): Promise<boolean> {
  try {
    return await (await (await getBridge()).auth()).hasUsers();
  } catch {
    // The registry cannot be opened: the pages say why; meanwhile loopback only.
    return false;
  }
}
const isSignInConfigured = await hasUsers();
if (!isLoopbackAddress(hostname) && !isSignInConfigured) fail(refusal(hostname, port));
const terminal = socketHandler(createTerminalUpgradeHandler);
const output = socketHandler(createOutputUpgradeHandler);
server.on('upgrade', (request, socket, head) => {
  if (isTerminalUpgrade(request)) void terminal(request, socket, head);
  else if (isOutputUpgrade(request)) void output(request, socket, head);
  else if (!nextUpgrades.emit('upgrade', request, socket, head)) {
    // Next listens once it has handled a request; before that no other upgrade has a page behind it.
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  }
});
server.once('error', (error) => fail(`cc-bridge dashboard: cannot listen on ${hostname}:${port}: ${error.message}`));
server.listen(port, hostname, () => {
  // A name such as localhost resolves at listen time: what was bound is what counts.
  const { address, port: bound } = server.address() as AddressInfo;
  if (!isLoopbackAddress(address) && !isSignInConfigured) {
    server.close();
    fail(refusal(`${hostname} (${address})`, bound));
  }
  const url = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${bound}`;
  process.stderr.write(`» cc-bridge dashboard on ${url}\n`);
  if (!isSignInConfigured) process.stderr.write(`» no users yet: open ${url}/setup to create the first admin\n`);
});

type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => Promise<void>;

/** A WebSocket endpoint (terminal, output); with a configuration that cannot be read (the pages say why) it refuses every upgrade. */
function socketHandler(create: (config: Config, bridge: typeof sharedBridge) => UpgradeHandler): UpgradeHandler {
  try {
    return create(loadConfig(), sharedBridge);
  } catch (error) {
    const body = `the configuration cannot be read: ${error instanceof Error ? error.message : String(error)}\n`;
    return (_request, socket) => {
      socket.end(`HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: ${String(Buffer.byteLength(body))}\r\n\r\n${body}`);
      return Promise.resolve();
    };
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`» cc-bridge dashboard stopping (${signal})\n`);
    server.close();
    void app.close().finally(() => process.exit(0));
  });
}
