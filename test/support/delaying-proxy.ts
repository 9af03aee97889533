// A TCP proxy that holds what its clients send for `delayMs` (in order) before passing it on: one process's database
// connection made slow, so that of replicas racing for a run lease the others always win. Answers pass at once.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface DelayingProxy {
  port: number;
  /** Applies to data sent from now on; 0 passes it at once. */
  delayMs: number;
  close(): Promise<void>;
}

export async function startDelayingProxy(target: { host: string; port: number }): Promise<DelayingProxy> {
  const sockets = new Set<Socket>();
  const proxy: DelayingProxy = { port: 0, delayMs: 0, close: async () => undefined };
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    sockets.add(client).add(upstream);
    // Chunks leave in the order they came: each no earlier than the one before it.
    let lastDueMs = 0;
    client.on('data', (chunk) => {
      const dueMs = Math.max(Date.now() + proxy.delayMs, lastDueMs);
      lastDueMs = dueMs;
      setTimeout(() => upstream.write(chunk), dueMs - Date.now());
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as AddressInfo).port;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return proxy;
}
