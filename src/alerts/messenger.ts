// The outbox sender's view of Slack: post a message, update one, and (optionally) find a post again
// after a crash. slack-messenger.ts builds it from @slack/web-api's WebClient; tests can pass a double.
import type { AnyBlock, MessageMetadata } from '@slack/types';
import type { SlackMessageRef } from './model.js';

export interface OutgoingMessage {
  channel: string;
  /** Notification and screen-reader fallback; always set. */
  text: string;
  blocks?: AnyBlock[];
  thread_ts?: string;
  /** Carries the outbox key, so a post can be recognised after a crash. */
  metadata?: MessageMetadata;
}

export interface MessageUpdate {
  channel: string;
  ts: string;
  text: string;
  blocks?: AnyBlock[];
}

export interface PostedMessageQuery {
  channel: string;
  outboxKey: string;
  /** The message cannot be older than this (its row's creation, or its first event): only look at messages posted since (minus clock skew). */
  postedAfter: Date;
  /** A thread reply: look in this thread (conversations.replies) rather than the channel (conversations.history). */
  threadTs?: string;
}

export interface SlackMessenger {
  /** chat.postMessage; resolves with where Slack put the message. Throws @slack/web-api errors. */
  postMessage(message: OutgoingMessage): Promise<SlackMessageRef>;
  /** chat.update of one of the bot's messages. */
  updateMessage(update: MessageUpdate): Promise<SlackMessageRef>;
  /**
   * Looks for a message this bot posted with the given outbox key, or null. Optional: it needs the
   * channels:history / groups:history scopes. Without it an interrupted post is posted again.
   * Throws @slack/web-api errors (missing_scope, not_in_channel, 5xx) like the other calls.
   */
  findPostedMessage?(query: PostedMessageQuery): Promise<SlackMessageRef | null>;
}

/** event_type of the metadata our posts carry. */
export const OUTBOX_METADATA_EVENT_TYPE = 'aws_root_guard_outbox';
