#!/usr/bin/env node
/**
 * The lab's gateway, run inside the hub namespace: `gateway.ts SOCKET=HOST:PORT ...` listens on
 * each Unix socket (a file, so reachable from the harness's namespace) and pipes every connection
 * to HOST:PORT inside the lab. With loopback.ts on the harness's side, it is how the harness
 * reaches the lab's PostgreSQL, Temporal and Toxiproxy without an address outside the lab.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import { rmSync } from 'node:fs';

const routes = process.argv.slice(2).map((arg) => {
  const [socket, target] = arg.split('=');
  const [host, port] = (target ?? '').split(':');
  if (!socket || !host || !port) throw new Error(`gateway: expected SOCKET=HOST:PORT, got ${arg}`);
  return { socket, host, port: Number(port) };
});

let listening = 0;
for (const route of routes) {
  rmSync(route.socket, { force: true });
  const server = createServer((client: Socket) => {
    const upstream = createConnection({ host: route.host, port: route.port });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  server.listen(route.socket, () => {
    if (++listening === routes.length) process.stdout.write('gateway ready\n');
  });
}
