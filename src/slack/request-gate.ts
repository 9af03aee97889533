// The first thing every Slack request meets after Bolt's signature check, one global middleware: a replayed,
// skewed or malformed signed request, a request from another workspace, organization or app, and one naming a
// response_url outside Slack's hooks are acknowledged empty, logged, and go no further. One pass, no allocation
// beyond the verdicts, so the ack stays as fast as a bare Bolt app's (bench/ack-help-latency.ts).
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../log.js';
import type { DeliveryQueue } from './delivery-queue.js';
import { hostOf, type ResponseUrlPolicy } from './response-url-policy.js';
import type { ReplayGuard, ReplayVerdict, SignedRequestHeaders } from './replay-guard.js';
import { refuseForeignRequest, type OwnWorkspace } from './workspace-identity.js';

export interface RequestGateOptions {
  replayGuard: ReplayGuard;
  /** Who the bot is (auth.test), asked once and kept; a failed lookup is asked again on the next request. */
  ownWorkspace: OwnWorkspaceLookup;
  responseUrls: ResponseUrlPolicy;
  logger: Logger;
  /** Told of every request as it arrives, so what is posted after the acks waits for them (delivery-queue.ts). */
  deliveries?: Pick<DeliveryQueue, 'noteRequest'>;
}

export interface OwnWorkspaceLookup {
  /** The answer once known (no await on the hot path), else null. */
  known(): OwnWorkspace | null;
  load(): Promise<OwnWorkspace>;
}

/** Memoizes `lookup`; a failure is forgotten so the next request asks again. */
export function ownWorkspaceLookup(lookup: () => Promise<OwnWorkspace>): OwnWorkspaceLookup {
  let known: OwnWorkspace | null = null;
  let pending: Promise<OwnWorkspace> | null = null;
  return {
    known: () => known,
    load() {
      pending ??= lookup().then(
        (own) => (known = own),
        (error: unknown) => {
          pending = null;
          throw error;
        },
      );
      return pending;
    },
  };
}

/** Every response_url a request names: `response_url`, and a modal's `response_urls[]`. */
function responseUrlsOf(body: Record<string, unknown>): string[] {
  const urls: string[] = [];
  if (typeof body.response_url === 'string') urls.push(body.response_url);
  if (Array.isArray(body.response_urls)) {
    for (const entry of body.response_urls) {
      const url = (entry as { response_url?: unknown } | null)?.response_url;
      if (typeof url === 'string') urls.push(url);
    }
  }
  return urls;
}

export function requestGate(options: RequestGateOptions): Middleware<AnyMiddlewareArgs> {
  const { replayGuard, ownWorkspace, responseUrls, logger, deliveries } = options;
  const refuse = async (args: AnyMiddlewareArgs, details: Record<string, unknown>, message: string, level: 'warn' | 'error' = 'warn') => {
    logger[level](details, message);
    const ack = (args as { ack?: () => Promise<void> }).ack;
    if (ack) await ack();
  };
  return async (args) => {
    deliveries?.noteRequest();
    const headers = args.context as SignedRequestHeaders;
    // Socket Mode requests are not signed: they arrive over the app's own authenticated connection.
    if (headers.slackSignature !== undefined || headers.slackRequestTimestamp !== undefined) {
      let verdict: ReplayVerdict;
      try {
        verdict = await replayGuard.check(headers.slackSignature ?? '', Number(headers.slackRequestTimestamp));
      } catch (error) {
        // The store could not record the signature: the request might be a replay, so it goes no further.
        await refuse(args, { err: error, requestTimestamp: headers.slackRequestTimestamp }, 'refused a Slack request: its signature could not be recorded as seen (the store failed), so a replay could not be told apart', 'error');
        return;
      }
      if (verdict !== 'fresh') {
        await refuse(args, { verdict, requestTimestamp: headers.slackRequestTimestamp }, 'refused a Slack request: replayed, its timestamp more than 5 minutes off, or its signature not in the v0=<64 hex> form');
        return;
      }
    }
    const body = args.body as unknown as Record<string, unknown>;
    let own = ownWorkspace.known();
    if (!own) {
      try {
        own = await ownWorkspace.load();
      } catch (error) {
        await refuse(args, { err: error }, 'refused a Slack request: the bot does not know its own workspace yet (auth.test failed)');
        return;
      }
    }
    const foreign = refuseForeignRequest(own, body);
    if (foreign) {
      const origin = { teamId: args.context.teamId, enterpriseId: args.context.enterpriseId, apiAppId: body.api_app_id };
      await refuse(args, { refusal: foreign, ...origin, userId: (body.user as { id?: unknown } | undefined)?.id ?? body.user_id }, 'refused a Slack request from another workspace, organization or app');
      return;
    }
    for (const url of responseUrlsOf(body)) {
      if (!responseUrls.allows(url)) {
        await refuse(args, { refusal: 'response-url', host: hostOf(url) }, 'refused a Slack request: its response_url is not on a Slack hooks host');
        return;
      }
    }
    await args.next();
  };
}
