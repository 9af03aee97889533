// Posts to a payload's response_url with Node's fetch, whose connection pool keeps loopback and TLS connections
// alive: cheaper per message than a new connection each time (bench/ack-latency.ts). Only a URL the policy allows
// (Slack's hooks hosts, or the origin of SLACK_API_URL), and never following a redirect: a redirect would carry the
// report to wherever it points.
import type { RespondArguments, RespondFn } from '@slack/bolt';
import { hostOf, type ResponseUrlPolicy } from '../response-url-policy.js';

export class RefusedResponseUrlError extends Error {
  constructor(readonly host: string | null) {
    super(`Refused to post to a response_url on ${host ?? 'an unreadable URL'}: not a Slack hooks host`);
    this.name = 'RefusedResponseUrlError';
  }
}

export function respondThroughResponseUrl(policy: ResponseUrlPolicy): (responseUrl: string) => RespondFn {
  return (responseUrl) => async (message: string | RespondArguments) => {
    if (!policy.allows(responseUrl)) throw new RefusedResponseUrlError(hostOf(responseUrl));
    const body = typeof message === 'string' ? { text: message } : message;
    const answer = await noRedirectFetch(responseUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const text = await answer.text();
    if (!answer.ok) throw new Error(`Failed to respond to the response_url: HTTP ${answer.status} ${text.slice(0, 200)}`);
    return text as unknown as Awaited<ReturnType<RespondFn>>;
  };
}

/**
 * fetch that never follows a redirect (it fails instead). Given to Bolt as clientOptions.fetch, so its own
 * respond() and the Web API client behave the same: neither Slack's API nor a response_url answers with one.
 */
export const noRedirectFetch: typeof fetch = (input, init) => fetch(input, { ...init, redirect: 'error' });
