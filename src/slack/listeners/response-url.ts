// Posts to a payload's response_url with node:http(s) and keep-alive agents: a few pooled connections to Slack's
// hooks, and about a quarter of the CPU a fetch() costs per post (0.7-0.9 ms against 2.6-3.6 ms for a 4 KB report
// on this loaded 2-core machine), which is what 500 reports after 500 acks add up to (bench/ack-latency.ts).
// Only a URL the policy allows (Slack's hooks hosts, or the origin of SLACK_API_URL), and never following a
// redirect (node:http does not follow them; a 3xx is a failure): a redirect would carry the report to wherever it
// points. A post that gets no answer in `timeoutMs` fails, so a hung hook cannot hold a delivery slot.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { RespondArguments, RespondFn } from '@slack/bolt';
import { hostOf, type ResponseUrlPolicy } from '../response-url-policy.js';
import { jsonBodyOf } from './prepared-reply.js';

export class RefusedResponseUrlError extends Error {
  constructor(readonly host: string | null) {
    super(`Refused to post to a response_url on ${host ?? 'an unreadable URL'}: not a Slack hooks host`);
    this.name = 'RefusedResponseUrlError';
  }
}

export interface ResponseUrlPostOptions {
  /** Connections per host (default 16, the delivery queue's concurrency; posts beyond wait for one). */
  maxSockets?: number;
  /** No answer after this long: the post fails (default 15 s). */
  timeoutMs?: number;
}

const DEFAULT_MAX_SOCKETS = 16;
const DEFAULT_TIMEOUT_MS = 15_000;

interface PostAnswer {
  status: number;
  text: string;
}

function post(url: URL, body: Buffer, agent: HttpAgent, timeoutMs: number): Promise<PostAnswer & { reusedSocket: boolean }> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request: ClientRequest = send(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': body.length } }, (answer: IncomingMessage) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), reusedSocket: request.reusedSocket }));
      answer.on('error', reject);
    });
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`Failed to respond to the response_url: no answer in ${timeoutMs} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) => reject(Object.assign(error, { reusedSocket: request.reusedSocket })));
    request.end(body);
  });
}

export function respondThroughResponseUrl(policy: ResponseUrlPolicy, options: ResponseUrlPostOptions = {}): (responseUrl: string) => RespondFn {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return (responseUrl) => async (message: string | RespondArguments) => {
    if (!policy.allows(responseUrl)) throw new RefusedResponseUrlError(hostOf(responseUrl));
    const url = new URL(responseUrl);
    const agent = url.protocol === 'https:' ? agents.https : agents.http;
    const body = jsonBodyOf(message);
    let answer: PostAnswer;
    try {
      answer = await post(url, body, agent, timeoutMs);
    } catch (error) {
      // A kept-alive connection the server closed meanwhile: once more on a new one (Node's documented pattern).
      const failed = error as NodeJS.ErrnoException & { reusedSocket?: boolean };
      if (!failed.reusedSocket || failed.code !== 'ECONNRESET') throw error;
      answer = await post(url, body, agent, timeoutMs);
    }
    if (answer.status < 200 || answer.status >= 300) throw new Error(`Failed to respond to the response_url: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
    return answer.text as unknown as Awaited<ReturnType<RespondFn>>;
  };
}

/**
 * fetch that never follows a redirect (it fails instead). Given to Bolt as clientOptions.fetch, so its own
 * respond() and the Web API client behave the same: neither Slack's API nor a response_url answers with one.
 */
export const noRedirectFetch: typeof fetch = (input, init) => fetch(input, { ...init, redirect: 'error' });
