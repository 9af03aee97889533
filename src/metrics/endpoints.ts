// The operations endpoints: GET /healthz (the process answers), /readyz (store, Slack and polling are
// fine, 503 otherwise, with the reasons as JSON) and /metrics (Prometheus text). The same handlers serve
// Bolt's custom routes (HTTP mode, on PORT) and a small node:http server (Socket Mode, on HEALTH_PORT).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import type { BotMetrics } from './bot-metrics.js';
import type { Readiness } from './readiness.js';

export interface OperationsDeps {
  metrics: BotMetrics;
  readiness: Readiness;
  logger: Logger;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export const HEALTHZ_PATH = '/healthz';
export const READYZ_PATH = '/readyz';
export const METRICS_PATH = '/metrics';

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}

function handlers(deps: OperationsDeps): Record<string, Handler> {
  return {
    [HEALTHZ_PATH]: async (_request, response) => send(response, 200, 'text/plain; charset=utf-8', 'ok\n'),
    [READYZ_PATH]: async (_request, response) => {
      const report = await deps.readiness.check();
      send(response, report.ready ? 200 : 503, 'application/json; charset=utf-8', `${JSON.stringify(report)}\n`);
    },
    [METRICS_PATH]: async (_request, response) => send(response, 200, deps.metrics.registry.contentType, await deps.metrics.registry.metrics()),
  };
}

function guarded(handler: Handler, logger: Logger): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    handler(request, response).catch((error: unknown) => {
      logger.error({ err: error, path: request.url }, 'an operations endpoint failed');
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else response.end();
    });
  };
}

/** Bolt custom routes (HTTPReceiver `customRoutes`) for the HTTP-mode port. */
export function operationsRoutes(deps: OperationsDeps): { path: string; method: string[]; handler: (request: IncomingMessage, response: ServerResponse) => void }[] {
  return Object.entries(handlers(deps)).map(([path, handler]) => ({ path, method: ['GET', 'HEAD'], handler: guarded(handler, deps.logger) }));
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** The endpoints on their own port (Socket Mode has no HTTP server of its own). */
export async function startHealthServer(deps: OperationsDeps, listen: { port: number; host?: string }): Promise<HealthServer> {
  const routes = handlers(deps);
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const handler = routes[path];
    if (!handler) return send(response, 404, 'text/plain; charset=utf-8', 'not found\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    guarded(handler, deps.logger)(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
