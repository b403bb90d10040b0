/**
 * The harness's side of the lab's gateway: a listener on 127.0.0.1 (loopback, the only address
 * it opens outside the lab) that pipes each connection into a Unix socket of gateway.ts.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** A loopback listener in front of a Unix socket. */
export interface LoopbackRoute {
  /** `127.0.0.1:port`. */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on a free port of 127.0.0.1 and pipes each connection to `socketPath`. */
export async function openLoopback(socketPath: string): Promise<LoopbackRoute> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(socketPath);
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    address: `127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
