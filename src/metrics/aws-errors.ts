// Counts failed AWS SDK calls by service, operation and error code, with one middleware on each client.
// It sits in the initialize step, outside the SDK's retry loop: a call retried into success counts nothing.
import { awsErrorCode } from '../aws/index.js';
import type { BotMetrics } from './bot-metrics.js';

type Middleware = (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => (args: unknown) => Promise<unknown>;

/** Any SDK v3 client: each has its own generic middleware stack, so only the call shape is named here. */
interface MiddlewareClient {
  middlewareStack: object;
}

const MIDDLEWARE_NAME = 'awsRootGuardErrorMetrics';

/** A hook for createAwsClients' `onClient`: every client it makes counts its failures into `metrics`. */
export function countAwsErrors(metrics: BotMetrics): (client: MiddlewareClient) => void {
  return (client) => {
    const middleware: Middleware = (next, context) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          metrics.awsErrors.inc({ service: (context.clientName ?? 'unknown').replace(/Client$/, ''), operation: (context.commandName ?? 'unknown').replace(/Command$/, ''), code: awsErrorCode(error) });
          throw error;
        }
      };
    (client.middlewareStack as { add(middleware: Middleware, options: { step: 'initialize'; name: string }): void }).add(middleware, { step: 'initialize', name: MIDDLEWARE_NAME });
  };
}
