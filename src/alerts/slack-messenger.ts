// SlackMessenger on top of @slack/web-api's WebClient.
//
// The sender owns retries, so its WebClient must not retry by itself: rejectRateLimitedCalls hands a 429
// (with Retry-After) straight back, and retries: 0 stops the default policy that keeps retrying a 5xx for
// about 30 minutes while every other message waits. A timeout bounds a hung request.
import { WebClient, LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from '../log.js';
import { OUTBOX_METADATA_EVENT_TYPE, type MessageUpdate, type OutgoingMessage, type PostedMessageQuery, type SlackMessenger } from './messenger.js';
import type { SlackMessageRef } from './model.js';

export interface SenderWebClientOptions {
  token: string;
  /** Web API base, e.g. https://slack.com/api/ (SLACK_API_URL). */
  slackApiUrl?: string;
  timeoutMs?: number;
  logger?: Logger;
  /** Aborting it cancels every request in flight (shutdown: a hung post must not hold the process). */
  abortSignal?: AbortSignal;
}

/** The WebClient settings the outbox sender relies on; use these for any client you pass to webClientMessenger. */
export function senderWebClientOptions(options: Omit<SenderWebClientOptions, 'token'>): ConstructorParameters<typeof WebClient>[1] {
  return {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: options.timeoutMs ?? 15_000,
    ...(options.abortSignal ? { fetch: abortableFetch(options.abortSignal) } : {}),
    ...(options.logger ? { logger: pinoAsSlackLogger(options.logger) } : { logLevel: LogLevel.ERROR }),
  };
}

/** fetch that also gives up when `abortSignal` fires, besides the WebClient's own per-request timeout signal. */
function abortableFetch(abortSignal: AbortSignal): typeof fetch {
  return (input, init) => fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, abortSignal]) : abortSignal });
}

/** A WebClient for the outbox sender (a separate instance from Bolt's, whose retry settings differ). */
export function createSenderWebClient(options: SenderWebClientOptions): WebClient {
  return new WebClient(options.token, senderWebClientOptions(options));
}

export interface WebClientMessengerOptions {
  /**
   * After a crash between Slack accepting a post and the store recording it, look for the post with
   * conversations.history (conversations.replies for a thread reply) before posting again. Needs
   * channels:history (and groups:history for private channels) and membership in the channel.
   */
  findPostsInHistory?: boolean;
  /** Pages of history to read when looking (each up to HISTORY_PAGE_SIZE messages). Default 5. */
  historyPages?: number;
}

/** Slack recommends pages of at most 200 messages. */
const HISTORY_PAGE_SIZE = 200;

function messageRef(channel: unknown, ts: unknown, fallbackChannel: string): SlackMessageRef {
  if (typeof ts !== 'string' || ts.length === 0) throw new Error('Slack accepted the message but answered without a ts');
  return { channel: typeof channel === 'string' && channel.length > 0 ? channel : fallbackChannel, ts };
}

export function webClientMessenger(client: WebClient, options: WebClientMessengerOptions = {}): SlackMessenger {
  const messenger: SlackMessenger = {
    async postMessage(message: OutgoingMessage) {
      const answer = await client.chat.postMessage({
        channel: message.channel,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks } : {}),
        ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
        ...(message.metadata ? { metadata: message.metadata } : {}),
        // Alerts show links (CloudTrail console) that should not unfurl into big previews.
        unfurl_links: false,
        unfurl_media: false,
      });
      return messageRef(answer.channel, answer.ts, message.channel);
    },
    async updateMessage(update: MessageUpdate) {
      const answer = await client.chat.update({
        channel: update.channel,
        ts: update.ts,
        text: update.text,
        ...(update.blocks ? { blocks: update.blocks } : {}),
      });
      return messageRef(answer.channel, answer.ts ?? update.ts, update.channel);
    },
  };
  if (options.findPostsInHistory) {
    messenger.findPostedMessage = async (query: PostedMessageQuery) => {
      // Slack ts are seconds since the epoch; a minute of slack for clock skew between us and Slack.
      const oldest = ((query.postedAfter.getTime() - 60_000) / 1000).toFixed(6);
      let cursor: string | undefined;
      for (let page = 0; page < (options.historyPages ?? 5); page++) {
        // include_all_metadata: without it Slack leaves the metadata out of the messages.
        const window = { channel: query.channel, oldest, include_all_metadata: true, limit: HISTORY_PAGE_SIZE, ...(cursor ? { cursor } : {}) };
        const history = query.threadTs ? await client.conversations.replies({ ...window, ts: query.threadTs }) : await client.conversations.history(window);
        for (const message of history.messages ?? []) {
          const payload = message.metadata?.event_payload as Record<string, unknown> | undefined;
          if (message.metadata?.event_type === OUTBOX_METADATA_EVENT_TYPE && payload?.outbox_key === query.outboxKey && message.ts) return { channel: query.channel, ts: message.ts };
        }
        cursor = history.response_metadata?.next_cursor || undefined;
        if (!history.has_more || !cursor) break;
      }
      return null;
    };
  }
  return messenger;
}

/** Routes the WebClient's own log lines into our (redacting) pino logger. */
function pinoAsSlackLogger(logger: Logger): SlackLogger {
  let level: LogLevel = LogLevel.WARN;
  const child = logger.child({ component: 'slack-web-api' });
  const join = (parts: unknown[]): string => parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
  return {
    debug: (...parts: unknown[]) => child.debug(join(parts)),
    info: (...parts: unknown[]) => child.debug(join(parts)),
    warn: (...parts: unknown[]) => child.warn(join(parts)),
    error: (...parts: unknown[]) => child.error(join(parts)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
