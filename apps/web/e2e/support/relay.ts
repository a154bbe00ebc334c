import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay on a loopback port in front of the dashboard, that a test can cut (every
 * connection dropped, the port closed, as when the server or the network goes away) and restore
 * on the same port. The browser talks to the relay's origin; the dashboard answers loopback
 * Hosts on any port.
 */
export interface Relay {
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startRelay(targetPort: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const makeServer = () =>
    createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  const stop = async (server: Server) => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  let server: Server | null = makeServer();
  const port = await listen(server, 0);
  return {
    port,
    cut: async () => {
      if (server) await stop(server);
      server = null;
    },
    restore: async () => {
      if (server) return;
      server = makeServer();
      await listen(server, port);
    },
    close: async () => {
      if (server) await stop(server);
      server = null;
    },
  };
}
