// Slack's guidance is to refuse a request whose timestamp is more than 5 minutes from now, either way, and a
// signed request must not be acted on twice. Bolt refuses old timestamps and bad signatures itself, but accepts
// timestamps up to 10 minutes ahead and the same signed request again inside its window (../shared/SLACK-TESTING.md):
// this closes both gaps. The HTTP receiver copies the two headers into the context (customPropertiesExtractor).
import type { Middleware, AnyMiddlewareArgs } from '@slack/bolt';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../log.js';

const REPLAY_WINDOW_SECONDS = 5 * 60;

export interface SignedRequestHeaders {
  slackSignature?: string;
  slackRequestTimestamp?: string;
}

/** For HTTPReceiver's customPropertiesExtractor: the headers the guard needs, nothing else. */
export function signedRequestHeaders(request: IncomingMessage): SignedRequestHeaders {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return { slackSignature: header('x-slack-signature'), slackRequestTimestamp: header('x-slack-request-timestamp') };
}

export type ReplayVerdict = 'fresh' | 'replayed' | 'clock-skew';

/** Remembers signatures seen within the window; pure apart from its own memory and the injected clock. */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000)) {}

  check(signature: string, timestamp: number): ReplayVerdict {
    const now = this.nowSeconds();
    if (!Number.isFinite(timestamp) || Math.abs(now - timestamp) > REPLAY_WINDOW_SECONDS) return 'clock-skew';
    for (const [seenSignature, expiresAt] of this.seen) {
      if (expiresAt > now) break; // insertion order is expiry order
      this.seen.delete(seenSignature);
    }
    if (this.seen.has(signature)) return 'replayed';
    this.seen.set(signature, timestamp + REPLAY_WINDOW_SECONDS);
    return 'fresh';
  }
}

/** Global Bolt middleware: a replayed or skewed request is acknowledged empty and goes no further. */
export function replayGuardMiddleware(guard: ReplayGuard, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const headers = (args.context as { slackSignature?: string; slackRequestTimestamp?: string }) ?? {};
    // Socket Mode requests are not signed: they arrive over the app's own authenticated connection.
    if (!headers.slackSignature || !headers.slackRequestTimestamp) return args.next();
    const verdict = guard.check(headers.slackSignature, Number(headers.slackRequestTimestamp));
    if (verdict === 'fresh') return args.next();
    logger.warn({ verdict, requestTimestamp: headers.slackRequestTimestamp }, 'refused a Slack request: replayed or its timestamp is more than 5 minutes off');
    const ack = (args as { ack?: () => Promise<void> }).ack;
    if (ack) await ack();
  };
}
