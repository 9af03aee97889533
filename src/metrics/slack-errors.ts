// Counts the outbox sender's failed Slack calls by method and error code, by wrapping its messenger.
import type { SlackMessenger } from '../alerts/index.js';
import type { BotMetrics } from './bot-metrics.js';

/** A short label for a @slack/web-api error: Slack's own code (channel_not_found), ratelimited, http_503, request_error. */
export function slackErrorLabel(error: unknown): string {
  const coded = (error ?? {}) as { code?: unknown; statusCode?: unknown; data?: { error?: unknown } };
  switch (coded.code) {
    case 'slack_webapi_platform_error':
      return typeof coded.data?.error === 'string' ? coded.data.error : 'unknown_error';
    case 'slack_webapi_rate_limited_error':
      return 'ratelimited';
    case 'slack_webapi_http_error':
      return `http_${typeof coded.statusCode === 'number' ? coded.statusCode : 0}`;
    case 'slack_webapi_request_error':
      return 'request_error';
    default:
      return 'internal';
  }
}

export function countSlackErrors(messenger: SlackMessenger, metrics: BotMetrics): SlackMessenger {
  const counted = <A, R>(method: string, call: (argument: A) => Promise<R>) => async (argument: A): Promise<R> => {
    try {
      return await call(argument);
    } catch (error) {
      metrics.slackErrors.inc({ method, code: slackErrorLabel(error) });
      throw error;
    }
  };
  const { findPostedMessage } = messenger;
  return {
    postMessage: counted('chat.postMessage', (message) => messenger.postMessage(message)),
    updateMessage: counted('chat.update', (update) => messenger.updateMessage(update)),
    ...(findPostedMessage ? { findPostedMessage: counted('conversations.history', (query) => findPostedMessage.call(messenger, query)) } : {}),
  };
}
