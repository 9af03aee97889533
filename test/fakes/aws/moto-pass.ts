// What the fronts before moto (moto-front.ts, moto-faults.ts) share: serving on a loopback port, and passing a
// request to moto server bytes as they came (signature, target header, body) with its answer back, for every call
// they do not answer themselves.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP server on a free 127.0.0.1 port; a request whose handling throws is cut off. */
export async function serveOnLoopback(handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export async function readRequestBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Sends the request on to moto and writes moto's answer; returns its HTTP status. */
export async function passToMoto(motoUrl: string, request: IncomingMessage, body: Buffer, response: ServerResponse): Promise<number> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const answer = await fetch(`${motoUrl}${request.url ?? '/'}`, { method: request.method, headers, ...(body.length > 0 ? { body } : {}) });
  const bytes = Buffer.from(await answer.arrayBuffer());
  const passHeaders: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(name)) passHeaders[name] = value;
  });
  response.writeHead(answer.status, { ...passHeaders, 'content-length': String(bytes.length) });
  response.end(bytes);
  return answer.status;
}
