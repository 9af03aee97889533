// Slack's side of Socket Mode: apps.connections.open hands out this server's URL; the server says hello, sends
// envelopes ({envelope_id, type, accepts_response_payload, payload}) and collects the client's acks
// ({envelope_id, payload?}). The Socket Mode client (undici's WebSocket) connects to it like to wss-primary.slack.com.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketModeAck {
  envelope_id: string;
  payload?: unknown;
}

export interface FakeSocketMode {
  /** What apps.connections.open answers: ws://127.0.0.1:PORT/link/?ticket=…&app_id=… */
  url(): string;
  /** Resolves once a client connected and got its hello. */
  waitForConnection(timeoutMs?: number): Promise<void>;
  /** Sends one envelope to the connected client; resolves with the client's ack. */
  send(type: EnvelopeType, payload: unknown, options?: { acceptsResponsePayload?: boolean; timeoutMs?: number }): Promise<SocketModeAck>;
  /** Every ack received, in order. */
  readonly acks: SocketModeAck[];
  close(): Promise<void>;
}

export async function startFakeSocketMode(appId: string): Promise<FakeSocketMode> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const acks: SocketModeAck[] = [];
  const waiting = new Map<string, (ack: SocketModeAck) => void>();
  let client: WebSocket | null = null;
  let connected: () => void = () => {};
  let connection = new Promise<void>((resolve) => {
    connected = resolve;
  });

  server.on('connection', (socket) => {
    client = socket;
    socket.on('message', (data) => {
      let ack: SocketModeAck;
      try {
        ack = JSON.parse(String(data)) as SocketModeAck;
      } catch {
        return;
      }
      if (typeof ack.envelope_id !== 'string') return;
      acks.push(ack);
      waiting.get(ack.envelope_id)?.(ack);
      waiting.delete(ack.envelope_id);
    });
    socket.on('close', () => {
      if (client === socket) {
        client = null;
        connection = new Promise<void>((resolve) => {
          connected = resolve;
        });
      }
    });
    socket.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake-applink', approximate_connection_time: 18060 }, connection_info: { app_id: appId } }));
    connected();
  });

  const withTimeout = <T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake Socket Mode: ${what} did not happen within ${timeoutMs} ms`)), timeoutMs);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });

  return {
    url: () => `ws://127.0.0.1:${port}/link/?ticket=${randomUUID()}&app_id=${appId}`,
    waitForConnection: (timeoutMs = 5000) => withTimeout(connection, timeoutMs, 'a client connection'),
    async send(type, payload, options = {}) {
      const socket = client;
      if (!socket) throw new Error('fake Socket Mode: no client is connected');
      const envelopeId = randomUUID();
      const acked = new Promise<SocketModeAck>((resolve) => waiting.set(envelopeId, resolve));
      socket.send(JSON.stringify({ envelope_id: envelopeId, type, accepts_response_payload: options.acceptsResponsePayload ?? type === 'slash_commands', payload }));
      return withTimeout(acked, options.timeoutMs ?? 5000, `the ack of envelope ${envelopeId}`);
    },
    acks,
    async close() {
      for (const socket of server.clients) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
