import { execFile as execFileCallback, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createDockerClient } from '../runtimes/docker/docker-client.ts';

/** A Docker Engine of a test's own, beside the machine's. */
export interface TestEngine {
  /** `unix:///tmp/…/docker.sock`, for DOCKER_HOST. */
  host: string;
  /** Its `ID` from GET /info: different from the machine's Engine. */
  id: string;
  /**
   * With `tls`: where it also listens on loopback TCP with TLS, requiring a client certificate
   * signed by `ca` (`url` tcp://127.0.0.1:PORT; PEM file paths).
   */
  tls: { url: string; ca: string; cert: string; key: string } | null;
  /** Stops the Engine and removes its folders. */
  dispose(): Promise<void>;
}

export type TestEngineStart = { engine: TestEngine; skipped: null } | { engine: null; skipped: string };

const execFile = promisify(execFileCallback);
const readyTimeoutMs = 30_000;
const stopTimeoutMs = 15_000;

async function engineId(host: string): Promise<string | null> {
  try {
    const info: unknown = await createDockerClient(host).info();
    return typeof info === 'object' && info !== null && 'ID' in info && typeof info.ID === 'string' && info.ID !== '' ? info.ID : null;
  } catch {
    // Not listening yet.
    return null;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts a second, empty Docker Engine (`dockerd`) with its own socket, data-root, exec-root and
 * identity, so it has an ID of its own. It needs root and Debian's `docker.io`; when it cannot
 * start, `skipped` says why, so a test can skip with that reason instead of failing.
 */
export async function startSecondEngine(options: { tls?: boolean } = {}): Promise<TestEngineStart> {
  const dir = await mkdtemp(join(tmpdir(), 'ccb-engine-'));
  const tls = options.tls ? await makeTestCertificates(dir) : null;
  const tlsPort = tls ? await freePort() : 0;
  const socket = join(dir, 'docker.sock');
  const host = `unix://${socket}`;
  // Engine 20.10 derives its ID from the key in /etc/docker unless told otherwise: both
  // Engines would have the same ID. `deprecated-key-path` gives this one a key (and ID) of its own.
  const configFile = join(dir, 'daemon.json');
  await writeFile(configFile, JSON.stringify({ 'deprecated-key-path': join(dir, 'key.json') }));
  const logFile = join(dir, 'dockerd.log');
  const args = [
    '--config-file', configFile,
    '--host', host,
    '--data-root', join(dir, 'data'),
    '--exec-root', join(dir, 'exec'),
    '--pidfile', join(dir, 'docker.pid'),
    // The machine's Engine owns the bridge and the iptables rules; this one touches neither.
    '--bridge=none', '--iptables=false', '--ip-masq=false',
    ...(tls ? ['--host', `tcp://127.0.0.1:${tlsPort}`, '--tlsverify', '--tlscacert', tls.ca, '--tlscert', tls.serverCert, '--tlskey', tls.serverKey] : []),
  ];
  const log = openSync(logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn('dockerd', args, { stdio: ['ignore', log, log] });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(log);
  }
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  // A test process that dies must not leave an Engine running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const giveUp = async (reason: string): Promise<TestEngineStart> => {
    await stop(child);
    process.removeListener('exit', killOnExit);
    const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-3).join(' | ');
    await rm(dir, { recursive: true, force: true });
    return { engine: null, skipped: `a second Docker Engine could not start: ${reason}${tail ? ` (dockerd: ${tail})` : ''}` };
  };

  const deadline = Date.now() + readyTimeoutMs;
  let id: string | null = null;
  while (id === null) {
    const failed = await Promise.race([spawnError, sleep(100).then(() => null)]);
    if (failed) return giveUp(failed.message);
    if (child.exitCode !== null) return giveUp(`dockerd exited with ${child.exitCode}`);
    if (Date.now() > deadline) return giveUp(`no answer on ${host} within ${readyTimeoutMs / 1000} s`);
    id = await engineId(host);
  }
  const running = child;
  return {
    skipped: null,
    engine: {
      host,
      id,
      tls: tls ? { url: `tcp://127.0.0.1:${tlsPort}`, ca: tls.ca, cert: tls.clientCert, key: tls.clientKey } : null,
      async dispose() {
        await stop(running);
        process.removeListener('exit', killOnExit);
        await rm(dir, { recursive: true, force: true });
      },
    },
  };
}

/**
 * A throw-away CA with a server certificate for 127.0.0.1 and a client certificate it signed,
 * made by `openssl` in `dir` (PEM files), valid for a day.
 */
async function makeTestCertificates(dir: string): Promise<{ ca: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string }> {
  const file = (name: string) => join(dir, name);
  await execFile('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca-key.pem'), '-out', file('ca.pem'), '-days', '1', '-subj', '/CN=cc-bridge test CA']);
  const issue = async (name: string, extensions: string) => {
    await writeFile(file(`${name}.ext`), extensions);
    await execFile('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file(`${name}-key.pem`), '-out', file(`${name}.csr`), '-subj', `/CN=${name}`]);
    await execFile('openssl', [
      'x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca-key.pem'), '-CAcreateserial',
      '-out', file(`${name}-cert.pem`), '-days', '1', '-extfile', file(`${name}.ext`),
    ]);
  };
  await issue('server', 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n');
  await issue('client', 'extendedKeyUsage = clientAuth\n');
  return { ca: file('ca.pem'), serverCert: file('server-cert.pem'), serverKey: file('server-key.pem'), clientCert: file('client-cert.pem'), clientKey: file('client-key.pem') };
}

/** A loopback TCP port nothing listens on (yet). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

/**
 * The machine's Engine behind a byte-for-byte relay to its Unix socket, closed to simulate an
 * outage: on a loopback TCP port (`tcp://127.0.0.1:PORT`), or on a Unix socket when `listenOn` is
 * a path (`unix://PATH`; the socket file goes when the relay closes).
 */
export async function relayEngine(listenOn: number | string, socketPath = '/var/run/docker.sock'): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const engine = connect(socketPath);
    for (const socket of [client, engine]) {
      sockets.add(socket);
      socket.on('error', () => {
        client.destroy();
        engine.destroy();
      });
    }
    client.pipe(engine).pipe(client);
  });
  await new Promise<void>((resolve) => (typeof listenOn === 'number' ? server.listen(listenOn, '127.0.0.1', resolve) : server.listen(listenOn, resolve)));
  return {
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
