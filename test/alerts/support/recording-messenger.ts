// A SlackMessenger double for sender unit tests: it keeps what was posted (like a channel's history)
// and fails the calls a test plans, with the same error classes @slack/web-api v8 throws.
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import type { MessageUpdate, OutgoingMessage, PostedMessageQuery, SlackMessenger } from '../../../src/alerts/index.js';
import type { SlackMessageRef } from '../../../src/alerts/model.js';

export interface RecordedPost extends OutgoingMessage {
  ts: string;
  at: number;
}

export interface RecordedUpdate extends MessageUpdate {
  at: number;
}

export type PlannedFailure = { kind: 'rate-limit'; retryAfterSeconds: number } | { kind: 'http'; status: number } | { kind: 'network' } | { kind: 'platform'; code: string } | { kind: 'accepted-then-network' };

// Slack's ts are unique in a channel; one counter for every double, so a "restarted" bot's posts differ too.
let tsCounter = 0;

export class RecordingMessenger implements SlackMessenger {
  readonly posts: RecordedPost[] = [];
  readonly updates: RecordedUpdate[] = [];
  readonly attempts: Array<{ method: 'postMessage' | 'updateMessage'; at: number; channel: string }> = [];
  private readonly failures: Array<{ method: 'postMessage' | 'updateMessage' | '*'; failure: PlannedFailure; remaining: number; when?: (message: OutgoingMessage | MessageUpdate) => boolean }> = [];
  findPostedMessage?: (query: PostedMessageQuery) => Promise<SlackMessageRef | null>;

  constructor(private readonly now: () => number = () => Date.now()) {}

  fail(method: 'postMessage' | 'updateMessage' | '*', failure: PlannedFailure, times = 1, when?: (message: OutgoingMessage | MessageUpdate) => boolean): this {
    this.failures.push({ method, failure, remaining: times, ...(when ? { when } : {}) });
    return this;
  }

  clearFailures(): void {
    this.failures.length = 0;
  }

  /** Answers findPostedMessage from the recorded posts (what conversations.history with metadata would show). */
  enableHistoryLookup(): this {
    this.findPostedMessage = async (query) => {
      const match = this.posts.find((post) => post.channel === query.channel && post.metadata?.event_payload?.outbox_key === query.outboxKey);
      return match ? { channel: match.channel, ts: match.ts } : null;
    };
    return this;
  }

  async postMessage(message: OutgoingMessage): Promise<SlackMessageRef> {
    this.attempts.push({ method: 'postMessage', at: this.now(), channel: message.channel });
    const failure = this.takeFailure('postMessage', message);
    if (failure && failure.kind !== 'accepted-then-network') throw toError(failure);
    tsCounter += 1;
    const ts = `${Math.floor(this.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
    this.posts.push({ ...message, ts, at: this.now() });
    if (failure) throw toError({ kind: 'network' });
    return { channel: message.channel, ts };
  }

  async updateMessage(update: MessageUpdate): Promise<SlackMessageRef> {
    this.attempts.push({ method: 'updateMessage', at: this.now(), channel: update.channel });
    const failure = this.takeFailure('updateMessage', update);
    if (failure) throw toError(failure);
    if (!this.posts.some((post) => post.channel === update.channel && post.ts === update.ts)) throw new WebAPIPlatformError({ ok: false, error: 'message_not_found' });
    this.updates.push({ ...update, at: this.now() });
    return { channel: update.channel, ts: update.ts };
  }

  private takeFailure(method: 'postMessage' | 'updateMessage', message: OutgoingMessage | MessageUpdate): PlannedFailure | null {
    const planned = this.failures.find((entry) => entry.remaining > 0 && (entry.method === method || entry.method === '*') && (!entry.when || entry.when(message)));
    if (!planned) return null;
    planned.remaining -= 1;
    return planned.failure;
  }
}

function toError(failure: PlannedFailure): Error {
  switch (failure.kind) {
    case 'rate-limit':
      return new WebAPIRateLimitedError(failure.retryAfterSeconds);
    case 'http':
      return new WebAPIHTTPError(failure.status, 'Server Error', {}, '');
    case 'network':
    case 'accepted-then-network':
      return new WebAPIRequestError(new Error('socket hang up'));
    case 'platform':
      return new WebAPIPlatformError({ ok: false, error: failure.code });
  }
}
