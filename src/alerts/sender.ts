// The outbox sender: posts what the store has queued, in order, and records where Slack put it.
//
// Order and pace: rows go oldest first, new alerts ahead of everything else; a thread reply or a
// chat.update waits until its parent is posted (the store only hands out rows whose parent has a ts).
// Posts to one channel are spaced by channelIntervalMs (Slack allows about one message per second per
// channel); a 429's Retry-After pauses every send for that long.
//
// Failures never crash the loop: 5xx and network errors back off exponentially; a setup problem
// (channel_not_found, not_in_channel, invalid_auth, …) is logged as an error naming the fix and retried
// with a long backoff, pausing that channel (or the whole workspace) meanwhile; a message Slack refuses
// for good is posted as plain text if its blocks were the problem, else marked failed.
//
// Exactly once: a row is marked "sending" (committed) before the call, and "sent" with Slack's channel
// and ts in one transaction after it. What remains is the moment between Slack accepting a post and that
// commit (a crash, or a network error after the request left). The row then stays "sending" (or is
// flagged uncertain), and before posting it again the sender asks the messenger to look for it: every
// post carries metadata with its outbox key, and the WebClient messenger can search conversations.history
// for it when given the history scopes. Without them the message is posted again: at-least-once for
// that window only. Updates are idempotent and simply repeat.
import type { AnyBlock } from '@slack/types';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { OUTBOX_METADATA_EVENT_TYPE, type SlackMessenger } from './messenger.js';
import type { OutboxMessage, SlackMessageRef } from './model.js';
import { BLOCKS_REJECTED_CODES, classifySlackError, type SlackFailure } from './slack-errors.js';

export interface RenderedMessage {
  text: string;
  blocks?: AnyBlock[];
}

/** Builds a message's content when it is sent, so it shows the current state. Synchronous: it reads the store. */
export type OutboxRenderer = (message: OutboxMessage, store: Store) => RenderedMessage;

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export interface OutboxSenderOptions {
  store: Store;
  messenger: SlackMessenger;
  render: OutboxRenderer;
  /** Where top-level posts without their own channel go: ALERT_CHANNEL. */
  defaultChannel: string;
  logger: Logger;
  clock?: () => Date;
  /** Used for pacing waits (at most channelIntervalMs at a time). */
  sleep?: (ms: number) => Promise<void>;
  /** 0..1, for backoff jitter. */
  random?: () => number;
  /** Minimum gap between two posts to one channel. Default 1100 ms (Slack: 1 message per second per channel, plus a margin). */
  channelIntervalMs?: number;
  /** 5xx and network errors. Default 2 s doubling to 5 min. */
  transientBackoff?: BackoffPolicy;
  /** Setup problems and unknown errors. Default 1 min doubling to 1 h. */
  setupBackoff?: BackoffPolicy;
  /** The run loop looks for new rows at least this often, even if nobody calls wake(). Default 5 s. */
  idlePollMs?: number;
}

export interface SendPassResult {
  sent: number;
  retried: number;
  failed: number;
  deferred: number;
  /** When the next row falls due (or a pause ends), or null when nothing waits. */
  nextWakeAt: Date | null;
}

export interface OutboxSender {
  /** Sends every row due now and returns; concurrent calls share one pass. */
  sendDue(): Promise<SendPassResult>;
  /** Runs sendDue in a loop until stop(): after each pass it sleeps until the next row is due or wake() is called. */
  start(): void;
  /** Something was enqueued: send it now rather than at the next poll. */
  wake(): void;
  /** Finishes the message in flight and stops the loop. */
  stop(): Promise<void>;
}

const DEFAULT_TRANSIENT: BackoffPolicy = { baseMs: 2_000, capMs: 5 * 60_000 };
const DEFAULT_SETUP: BackoffPolicy = { baseMs: 60_000, capMs: 60 * 60_000 };

/** attempt 0 waits about baseMs, doubling up to capMs; the last quarter is random so retries spread out. */
function backoffMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(exponential * (0.75 + 0.25 * random()));
}

export function outboxKey(storeId: string, outboxId: number): string {
  return `${storeId}:${outboxId}`;
}

type Outcome = 'sent' | 'retried' | 'failed' | 'deferred' | 'skipped';

export function createOutboxSender(options: OutboxSenderOptions): OutboxSender {
  const { store, messenger, render, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const channelIntervalMs = options.channelIntervalMs ?? 1_100;
  const transientBackoff = options.transientBackoff ?? DEFAULT_TRANSIENT;
  const setupBackoff = options.setupBackoff ?? DEFAULT_SETUP;
  const idlePollMs = options.idlePollMs ?? 5_000;
  const log = logger.child({ component: 'outbox-sender' });

  const lastPostAtMs = new Map<string, number>();
  const channelPausedUntilMs = new Map<string, number>();
  let workspacePausedUntilMs = 0;
  let recovered = false;
  let currentPass: Promise<SendPassResult> | null = null;

  let stopped = true;
  let loop: Promise<void> | null = null;
  let wakeLoop: (() => void) | null = null;
  let wakeRequested = false;

  function recoverOnce(): void {
    if (recovered) return;
    recovered = true;
    for (const row of store.recoverInterruptedSends()) {
      log.warn({ outboxId: row.id, kind: row.kind, alertId: row.alertId, sendingSince: row.sendingSince }, 'outbox: a send was interrupted (the process stopped while Slack was answering); checking before sending it again');
    }
  }

  function targetChannel(row: OutboxMessage): string {
    return row.parent?.channel ?? row.channel ?? options.defaultChannel;
  }

  async function retry(row: OutboxMessage, error: string, delayMs: number, uncertain: boolean): Promise<Outcome> {
    store.markOutboxRetry(row.id, { error, nextAttemptAt: new Date(clock().getTime() + delayMs), uncertain });
    return 'retried';
  }

  async function handleFailure(row: OutboxMessage, channel: string, failure: SlackFailure, isPost: boolean): Promise<Outcome> {
    const context = { outboxId: row.id, kind: row.kind, alertId: row.alertId, channel, attempts: row.attempts + 1 };
    switch (failure.kind) {
      case 'rate-limited': {
        const delayMs = failure.retryAfterSeconds * 1000;
        workspacePausedUntilMs = Math.max(workspacePausedUntilMs, clock().getTime() + delayMs);
        log.warn({ ...context, retryAfterSeconds: failure.retryAfterSeconds }, 'outbox: Slack rate limit; pausing all sends for Retry-After');
        // A 429 is refused before any work is done: never uncertain.
        return retry(row, failure.detail, delayMs, false);
      }
      case 'transient': {
        const delayMs = backoffMs(row.attempts, transientBackoff, random);
        log.warn({ ...context, retryInMs: delayMs }, `outbox: ${failure.detail}; retrying`);
        return retry(row, failure.detail, delayMs, failure.mayHaveReachedSlack && isPost);
      }
      case 'setup': {
        const delayMs = backoffMs(row.attempts, setupBackoff, random);
        const until = clock().getTime() + delayMs;
        if (failure.scope === 'workspace') workspacePausedUntilMs = Math.max(workspacePausedUntilMs, until);
        else channelPausedUntilMs.set(channel, Math.max(channelPausedUntilMs.get(channel) ?? 0, until));
        log.error({ ...context, code: failure.code, retryInMs: delayMs }, `outbox: Slack answered ${failure.code}: ${failure.hint}. Messages wait and are retried in ${Math.round(delayMs / 1000)} s.`);
        return retry(row, `${failure.code}: ${failure.hint}`, delayMs, false);
      }
      case 'rejected': {
        log.error({ ...context, code: failure.code }, `outbox: ${failure.detail}; this message is dropped (the renderer produced something Slack will not take)`);
        store.markOutboxFailed(row.id, failure.detail, clock());
        return 'failed';
      }
      case 'unknown': {
        const delayMs = backoffMs(row.attempts, setupBackoff, random);
        log.error({ ...context, code: failure.code, retryInMs: delayMs }, `outbox: unexpected error (${failure.detail}); retrying in ${Math.round(delayMs / 1000)} s`);
        return retry(row, failure.detail, delayMs, isPost);
      }
    }
  }

  async function deliver(row: OutboxMessage, channel: string, content: RenderedMessage, withBlocks: boolean): Promise<SlackMessageRef> {
    const blocks = withBlocks && content.blocks ? { blocks: content.blocks } : {};
    if (row.kind === 'alert-update') {
      if (!row.parent) throw new Error(`outbox row ${row.id} is an update without a posted parent`);
      return messenger.updateMessage({ channel: row.parent.channel, ts: row.parent.ts, text: content.text, ...blocks });
    }
    return messenger.postMessage({
      channel,
      text: content.text,
      ...blocks,
      ...(row.parent ? { thread_ts: row.parent.ts } : {}),
      metadata: { event_type: OUTBOX_METADATA_EVENT_TYPE, event_payload: { outbox_key: outboxKey(store.storeId, row.id), kind: row.kind } },
    });
  }

  async function sendOne(row: OutboxMessage): Promise<Outcome> {
    const channel = targetChannel(row);
    const isPost = row.kind !== 'alert-update';
    const nowMs = clock().getTime();
    const pausedUntil = Math.max(workspacePausedUntilMs, channelPausedUntilMs.get(channel) ?? 0);
    if (pausedUntil > nowMs) {
      store.deferOutbox(row.id, new Date(pausedUntil));
      return 'deferred';
    }

    if (isPost) {
      const waitMs = (lastPostAtMs.get(channel) ?? Number.NEGATIVE_INFINITY) + channelIntervalMs - nowMs;
      if (waitMs > 0) await sleep(waitMs);
    }

    if (row.uncertain && isPost && messenger.findPostedMessage) {
      try {
        const found = await messenger.findPostedMessage({ channel, outboxKey: outboxKey(store.storeId, row.id), postedAfter: new Date(row.sendingSince ?? row.createdAt) });
        if (found) {
          store.markOutboxSent(row.id, found, clock());
          log.info({ outboxId: row.id, kind: row.kind, channel, ts: found.ts }, 'outbox: an interrupted post had reached Slack; recorded it without posting again');
          return 'sent';
        }
      } catch (error) {
        log.warn({ outboxId: row.id, err: error }, 'outbox: could not look for an interrupted post in the channel history; posting it again');
      }
    }

    if (!store.markOutboxSending(row.id, clock())) return 'skipped';
    // Rendered after the "sending" mark: a state change committed later enqueues its own chat.update.
    let content: RenderedMessage;
    try {
      content = store.read(() => render(row, store));
    } catch (error) {
      const delayMs = backoffMs(row.attempts, setupBackoff, random);
      log.error({ outboxId: row.id, kind: row.kind, err: error, retryInMs: delayMs }, 'outbox: rendering the message failed; retrying later');
      return retry(row, `render failed: ${error instanceof Error ? error.message : String(error)}`, delayMs, false);
    }

    let result: SlackMessageRef;
    try {
      try {
        result = await deliver(row, channel, content, true);
      } catch (error) {
        const failure = classifySlackError(error);
        // Refused blocks must not cost an alert: post the text alone (an update would drop its buttons, so it fails instead).
        if (!(failure.kind === 'rejected' && BLOCKS_REJECTED_CODES.has(failure.code) && isPost && content.blocks)) throw error;
        log.error({ outboxId: row.id, kind: row.kind, code: failure.code }, 'outbox: Slack refused the message blocks; posting the text alone');
        result = await deliver(row, channel, content, false);
      }
    } catch (error) {
      if (isPost) lastPostAtMs.set(channel, clock().getTime());
      return handleFailure(row, channel, classifySlackError(error), isPost);
    }
    if (isPost) lastPostAtMs.set(channel, clock().getTime());
    try {
      store.markOutboxSent(row.id, result, clock());
    } catch (error) {
      // The row stays "sending": this process never sends it again, and the next start checks it as interrupted.
      log.error({ outboxId: row.id, kind: row.kind, channel: result.channel, ts: result.ts, err: error }, 'outbox: Slack accepted the message but the store could not record it');
      return 'failed';
    }
    log.debug({ outboxId: row.id, kind: row.kind, alertId: row.alertId, channel: result.channel, ts: result.ts }, 'outbox: sent');
    return 'sent';
  }

  async function runPass(): Promise<SendPassResult> {
    recoverOnce();
    const result: SendPassResult = { sent: 0, retried: 0, failed: 0, deferred: 0, nextWakeAt: null };
    const seen = new Set<number>();
    for (;;) {
      if (workspacePausedUntilMs > clock().getTime()) break;
      // Fresh each time: a sent alert post releases its replies, and new rows may have arrived.
      const due = store.dueOutbox(clock(), 20).filter((row) => !seen.has(row.id));
      const row = due[0];
      if (!row) break;
      seen.add(row.id);
      const outcome = await sendOne(row);
      if (outcome !== 'skipped') result[outcome] += 1;
    }
    const nextDue = store.nextOutboxDueAt();
    if (nextDue !== null) {
      // While the workspace is paused nothing can go before the pause ends.
      const pausedUntil = workspacePausedUntilMs > clock().getTime() ? workspacePausedUntilMs : 0;
      result.nextWakeAt = new Date(Math.max(Date.parse(nextDue), pausedUntil));
    }
    return result;
  }

  function sendDue(): Promise<SendPassResult> {
    if (!currentPass) {
      currentPass = runPass().finally(() => {
        currentPass = null;
      });
    }
    return currentPass;
  }

  async function runLoop(): Promise<void> {
    while (!stopped) {
      wakeRequested = false;
      let waitMs = idlePollMs;
      try {
        const pass = await sendDue();
        // A floor of 10 ms: a row due "now" that this pass could not take must not spin the loop.
        if (pass.nextWakeAt) waitMs = Math.min(idlePollMs, Math.max(10, pass.nextWakeAt.getTime() - clock().getTime()));
      } catch (error) {
        // A store error (disk full, locked file): keep the loop alive and try again.
        log.error({ err: error }, 'outbox: a send pass failed; retrying shortly');
      }
      if (stopped || wakeRequested) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        wakeLoop = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeLoop = null;
    }
  }

  return {
    sendDue,
    start() {
      if (!stopped) return;
      stopped = false;
      loop = runLoop();
    },
    wake() {
      wakeRequested = true;
      wakeLoop?.();
    },
    async stop() {
      stopped = true;
      wakeLoop?.();
      await loop;
      loop = null;
    },
  };
}
