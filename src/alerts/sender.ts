// The outbox sender: posts what the store has queued, in order, and records where Slack put it.
//
// Order and pace: rows go oldest first, new alerts ahead of everything else; a thread reply or a
// chat.update waits until its parent is posted (the store only hands out rows whose parent has a ts).
// Posts to one channel are spaced by channelIntervalMs (Slack allows about one message per second per
// channel).
//
// Outages keep the order: a 429 pauses every send for its Retry-After, and a 5xx or network error pauses
// every send with a backoff that doubles while Slack keeps failing. No row backs off on its own (which
// would send the oldest rows, with the most failed attempts, last): after a pause the oldest due row goes
// first, as the one probe; only when it succeeds do the rest follow, in order. One pass runs at a time, so
// a failing Slack sees at most one request at a time.
//
// Other failures never crash the loop either: a setup problem (channel_not_found, not_in_channel,
// invalid_auth, …) is logged as an error naming the fix and retried with a long backoff, pausing that
// channel (or the whole workspace) meanwhile; a message Slack refuses for good is posted as plain text if
// its blocks were the problem, else marked failed.
//
// Exactly once: a row is marked "sending" (committed) before the call, and "sent" with Slack's channel
// and ts in one transaction after it. What remains is the moment between Slack accepting a post and that
// commit (a crash, or a network error after the request left). The row then stays "sending" (or is
// flagged uncertain), and before posting it again the sender asks the messenger to look for it: every
// post carries metadata with its outbox key (outbox-key.ts), and the WebClient messenger searches the
// channel history for it. The same search runs for an alert whose first event is older than the store:
// a store rebuilt after the database was lost must not post the lookback again. Without the history
// scopes the message is posted again: at-least-once for that window only. Updates are idempotent and
// simply repeat.
//
// Stopping finishes the message in flight and leaves the rest pending; a request still hanging after
// stopGraceMs is aborted (abortInFlight), and its row is checked in the history at the next start.
import { hostname } from 'node:os';
import type { AnyBlock } from '@slack/types';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { replicaHolderId } from '../store/index.js';
import { OUTBOX_METADATA_EVENT_TYPE, type SlackMessenger } from './messenger.js';
import type { AlertRecord, OutboxMessage, SlackMessageRef } from './model.js';
import { outboxKeyFor } from './outbox-key.js';
import { loadOutboxView, type OutboxView, type OutboxViewReader } from './outbox-view.js';
import { BLOCKS_REJECTED_CODES, classifySlackError, type SlackFailure } from './slack-errors.js';

export interface RenderedMessage {
  text: string;
  blocks?: AnyBlock[];
}

/** Builds a message's content from its view, read from the store in one transaction when it is sent (current state). */
export type OutboxRenderer = (view: OutboxView) => RenderedMessage | Promise<RenderedMessage>;

/** What the sender needs of the store: the outbox's claims and marks, the alert for its key, and one read transaction per view. */
export type OutboxSenderStore = Pick<
  Store,
  | 'storeId'
  | 'createdAt'
  | 'recoverInterruptedSends'
  | 'dueOutbox'
  | 'nextOutboxDueAt'
  | 'markOutboxSending'
  | 'reserveChannelSlot'
  | 'markOutboxSent'
  | 'markOutboxRetry'
  | 'releaseOutboxClaim'
  | 'markOutboxFailed'
  | 'deferOutbox'
  | 'outboxCounts'
  | 'getAlert'
> & { transaction<T>(work: (tx: OutboxViewReader) => Promise<T>): Promise<T> };

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export interface OutboxSenderOptions {
  store: OutboxSenderStore;
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
  /** Minimum gap between two posts to one channel, across replicas. Default 1100 ms (Slack: 1 message per second per channel, plus a margin). */
  channelIntervalMs?: number;
  /**
   * This replica's stable name (default the host name; main.ts adds the health port, so replicas on one host differ):
   * a restarted replica takes back its earlier runs' claims at once instead of waiting for their lease.
   */
  replicaName?: string;
  /** How long a claimed row is this replica's: after that another replica takes it back. Default 60 s. */
  claimLeaseMs?: number;
  /** The pause of every send after a 5xx or network error, doubling while Slack keeps failing. Default 2 s doubling to 30 s. */
  transientBackoff?: BackoffPolicy;
  /** Setup problems and unknown errors. Default 1 min doubling to 1 h. */
  setupBackoff?: BackoffPolicy;
  /** The run loop looks for new rows at least this often, even if nobody calls wake(). Default 5 s. */
  idlePollMs?: number;
  /** How long stop() lets the message in flight finish before calling abortInFlight. Default 2 s. */
  stopGraceMs?: number;
  /** Cancels the messenger's requests in flight (an AbortController behind the WebClient's fetch). */
  abortInFlight?: () => void;
  /** Counts what the sender does about crashes and outages (metrics). */
  events?: OutboxSenderEvents;
}

export interface OutboxSenderEvents {
  /** A post that may have reached Slack was found in the channel history and recorded instead of posted again. */
  foundInHistory?(row: OutboxMessage): void;
  /** Sends resumed after a pause for an outage; `rows` are those waiting at that moment. */
  resumedAfterPause?(rows: number): void;
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
  /** Finishes the message in flight (aborting it after stopGraceMs), leaves the rest pending, and stops the loop. */
  stop(): Promise<void>;
}

// Far longer than one send (pacing wait, history lookup, the post); a replica that dies releases its rows after this.
const DEFAULT_CLAIM_LEASE_MS = 60_000;
// A pass through a backlog lasts as long as the backlog (one post a second per channel): a dead replica's claims
// are looked for this often during it too, so they come back within their lease plus about one send.
const RECOVERY_CHECK_MS = 1_000;
const DEFAULT_TRANSIENT: BackoffPolicy = { baseMs: 2_000, capMs: 30_000 };
// A week's summary goes out after the week, on schedule or at the next start: within 8 days of it.
const SUMMARY_REPOST_WINDOW_MS = 8 * 24 * 60 * 60_000;
const DEFAULT_SETUP: BackoffPolicy = { baseMs: 60_000, capMs: 60 * 60_000 };

/** attempt 0 waits about baseMs, doubling up to capMs; the last quarter is random so retries spread out. */
function backoffMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(exponential * (0.75 + 0.25 * random()));
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
  const stopGraceMs = options.stopGraceMs ?? 2_000;
  const log = logger.child({ component: 'outbox-sender' });

  const claimLeaseMs = options.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;
  const replicaName = options.replicaName ?? hostname();
  const replicaHolder = replicaHolderId(replicaName);
  const channelPausedUntilMs = new Map<string, number>();
  let workspacePausedUntilMs = 0;
  // Consecutive 5xx / network failures: the outage pause doubles with each, and a success resets it.
  let outageFailures = 0;
  let pausedForOutage = false;
  let stopping = false;
  let stopCall: Promise<void> | null = null;
  let recovered = false;
  let lastRecoveryMs = 0;
  let currentPass: Promise<SendPassResult> | null = null;

  let stopped = true;
  let loop: Promise<void> | null = null;
  let wakeLoop: (() => void) | null = null;
  let wakeRequested = false;

  /**
   * Claims left by a replica that died: at this replica's start also its own earlier runs' (no need to wait for
   * their lease), then at every pass those of any replica whose lease has ended.
   */
  async function recoverInterrupted(): Promise<void> {
    const firstPass = !recovered;
    recovered = true;
    lastRecoveryMs = clock().getTime();
    for (const row of await store.recoverInterruptedSends({ now: clock(), ...(firstPass ? { previousRunsOf: replicaName } : {}) })) {
      log.warn({ outboxId: row.id, kind: row.kind, alertId: row.alertId, sendingSince: row.sendingSince }, 'outbox: a send was interrupted (a replica stopped while Slack was answering, or its claim ran out); checking before sending it again');
    }
  }

  function targetChannel(row: OutboxMessage): string {
    return row.parent?.channel ?? row.channel ?? options.defaultChannel;
  }

  async function retry(row: OutboxMessage, error: string, delayMs: number, uncertain: boolean): Promise<Outcome> {
    await store.markOutboxRetry(row.id, { error, nextAttemptAt: new Date(clock().getTime() + delayMs), uncertain });
    return 'retried';
  }

  /**
   * Pauses every send and retries the row when the pause ends: at the same instant (one clock reading), so it is
   * due again with the rows behind it and the order decides; a row due a millisecond later would lose its place.
   */
  async function pauseForOutage(row: OutboxMessage, error: string, delayMs: number, uncertain: boolean): Promise<Outcome> {
    workspacePausedUntilMs = Math.max(workspacePausedUntilMs, clock().getTime() + delayMs);
    pausedForOutage = true;
    await store.markOutboxRetry(row.id, { error, nextAttemptAt: new Date(workspacePausedUntilMs), uncertain });
    return 'retried';
  }

  /** A call went through: the outage (if any) is over. */
  async function slackAnswered(): Promise<void> {
    outageFailures = 0;
    if (!pausedForOutage) return;
    pausedForOutage = false;
    // The row in hand is claimed ("sending") by now: it waited too.
    const counts = await store.outboxCounts();
    const waiting = counts.pending + counts.sending;
    log.info({ waiting }, 'outbox: Slack answers again; sending what waited, oldest first');
    options.events?.resumedAfterPause?.(waiting);
  }

  async function handleFailure(row: OutboxMessage, channel: string, failure: SlackFailure, isPost: boolean): Promise<Outcome> {
    const context = { outboxId: row.id, kind: row.kind, alertId: row.alertId, channel, attempts: row.attempts + 1 };
    switch (failure.kind) {
      case 'rate-limited': {
        log.warn({ ...context, retryAfterSeconds: failure.retryAfterSeconds }, 'outbox: Slack rate limit; pausing all sends for Retry-After');
        // A 429 is refused before any work is done: never uncertain.
        return pauseForOutage(row, failure.detail, failure.retryAfterSeconds * 1000, false);
      }
      case 'transient': {
        const delayMs = backoffMs(outageFailures, transientBackoff, random);
        outageFailures += 1;
        log.warn({ ...context, retryInMs: delayMs }, `outbox: ${failure.detail}; pausing all sends, then trying the oldest message first`);
        return pauseForOutage(row, failure.detail, delayMs, failure.mayHaveReachedSlack && isPost);
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
        await store.markOutboxFailed(row.id, failure.detail, clock());
        return 'failed';
      }
      case 'unknown': {
        const delayMs = backoffMs(row.attempts, setupBackoff, random);
        log.error({ ...context, code: failure.code, retryInMs: delayMs }, `outbox: unexpected error (${failure.detail}); retrying in ${Math.round(delayMs / 1000)} s`);
        return retry(row, failure.detail, delayMs, isPost);
      }
    }
  }

  /**
   * Since when a post may already be in Slack, or null if it cannot be: a send that may have reached Slack
   * (since the row was made), an alert whose first event is older than this store (since that event), or a
   * weekly summary queued in the store's first week (a store before it may have posted that week's).
   */
  function mayAlreadyBePostedSince(row: OutboxMessage, alert: AlertRecord | null): Date | null {
    const since: number[] = [];
    if (row.uncertain) since.push(Date.parse(row.createdAt));
    if (alert && row.kind !== 'event-record' && alert.firstEventTime < store.createdAt) since.push(Date.parse(alert.firstEventTime));
    const queuedMs = Date.parse(row.createdAt);
    if ((row.kind === 'summary-post' || row.kind === 'summary-reply') && queuedMs - Date.parse(store.createdAt) < SUMMARY_REPOST_WINDOW_MS) since.push(queuedMs - SUMMARY_REPOST_WINDOW_MS);
    return since.length > 0 ? new Date(Math.min(...since)) : null;
  }

  async function deliver(row: OutboxMessage, key: string, channel: string, content: RenderedMessage, withBlocks: boolean): Promise<SlackMessageRef> {
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
      metadata: { event_type: OUTBOX_METADATA_EVENT_TYPE, event_payload: { outbox_key: key, kind: row.kind } },
    });
  }

  async function sendOne(row: OutboxMessage): Promise<Outcome> {
    const channel = targetChannel(row);
    const isPost = row.kind !== 'alert-update';
    const nowMs = clock().getTime();
    const pausedUntil = Math.max(workspacePausedUntilMs, channelPausedUntilMs.get(channel) ?? 0);
    if (pausedUntil > nowMs) {
      await store.deferOutbox(row.id, new Date(pausedUntil));
      return 'deferred';
    }

    // The claim first: from here the row is this replica's until its lease ends, for the history check and the post.
    if (!(await store.markOutboxSending(row.id, clock(), { holder: replicaHolder, leaseMs: claimLeaseMs }))) return 'skipped';
    if (isPost) {
      // The slot is reserved in the store, so replicas posting to one channel keep Slack's pace between them.
      const waitMs = (await store.reserveChannelSlot(channel, channelIntervalMs, clock())).getTime() - clock().getTime();
      if (waitMs > 0) await sleep(waitMs);
      // Stopping during the pacing wait: nothing was sent, so the row goes back to pending at once, rather than
      // staying claimed until this replica's next start or, for the other replicas, until its lease ends.
      if (stopping) {
        await store.releaseOutboxClaim(row.id, row.uncertain);
        return 'skipped';
      }
    }

    const alert = row.alertId === null ? null : await store.getAlert(row.alertId);
    const key = outboxKeyFor(row, { storeId: store.storeId, alert });
    const postedSince = isPost ? mayAlreadyBePostedSince(row, alert) : null;
    if (postedSince && messenger.findPostedMessage) {
      try {
        const found = await messenger.findPostedMessage({ channel, outboxKey: key, postedAfter: postedSince, ...(row.parent ? { threadTs: row.parent.ts } : {}) });
        await slackAnswered();
        if (found) {
          await store.markOutboxSent(row.id, found, clock());
          log.info({ outboxId: row.id, kind: row.kind, channel, ts: found.ts }, 'outbox: the message was already in Slack (an interrupted post, or an alert of a store before this one); recorded it without posting again');
          options.events?.foundInHistory?.(row);
          return 'sent';
        }
      } catch (error) {
        const failure = classifySlackError(error);
        // Slack is down or busy: the lookup waits with the rest rather than posting blind.
        if (failure.kind === 'transient' || failure.kind === 'rate-limited') return handleFailure(row, channel, failure, false);
        log.error({ outboxId: row.id, kind: row.kind, channel, err: error }, `outbox: could not look for the message in the channel history (${failure.kind === 'setup' ? `${failure.code}: the bot needs the channels:history and groups:history scopes and membership in the channel` : failure.detail}); posting it, which may repeat it`);
      }
    }

    // Rendered after the "sending" mark: a state change committed later enqueues its own chat.update.
    let content: RenderedMessage;
    try {
      content = await render(await store.transaction((tx) => loadOutboxView(row, tx)));
    } catch (error) {
      const delayMs = backoffMs(row.attempts, setupBackoff, random);
      log.error({ outboxId: row.id, kind: row.kind, err: error, retryInMs: delayMs }, 'outbox: rendering the message failed; retrying later');
      return retry(row, `render failed: ${error instanceof Error ? error.message : String(error)}`, delayMs, false);
    }

    let result: SlackMessageRef;
    try {
      try {
        result = await deliver(row, key, channel, content, true);
      } catch (error) {
        const failure = classifySlackError(error);
        // Refused blocks must not cost an alert: post the text alone (an update would drop its buttons, so it fails instead).
        if (!(failure.kind === 'rejected' && BLOCKS_REJECTED_CODES.has(failure.code) && isPost && content.blocks)) throw error;
        log.error({ outboxId: row.id, kind: row.kind, code: failure.code }, 'outbox: Slack refused the message blocks; posting the text alone');
        result = await deliver(row, key, channel, content, false);
      }
    } catch (error) {
      return handleFailure(row, channel, classifySlackError(error), isPost);
    }
    await slackAnswered();
    try {
      await store.markOutboxSent(row.id, result, clock());
    } catch (error) {
      // The row stays "sending": this process never sends it again, and the next start checks it as interrupted.
      log.error({ outboxId: row.id, kind: row.kind, channel: result.channel, ts: result.ts, err: error }, 'outbox: Slack accepted the message but the store could not record it');
      return 'failed';
    }
    log.debug({ outboxId: row.id, kind: row.kind, alertId: row.alertId, channel: result.channel, ts: result.ts }, 'outbox: sent');
    return 'sent';
  }

  async function runPass(): Promise<SendPassResult> {
    await recoverInterrupted();
    const result: SendPassResult = { sent: 0, retried: 0, failed: 0, deferred: 0, nextWakeAt: null };
    const seen = new Set<number>();
    for (;;) {
      // Stopping: the message in flight was the last one; the rest stays pending for the next start.
      if (stopping || workspacePausedUntilMs > clock().getTime()) break;
      if (clock().getTime() - lastRecoveryMs >= RECOVERY_CHECK_MS) await recoverInterrupted();
      // Fresh each time: a sent alert post releases its replies, and new rows may have arrived.
      const due = (await store.dueOutbox(clock(), 20)).filter((row) => !seen.has(row.id));
      const row = due[0];
      if (!row) break;
      seen.add(row.id);
      const outcome = await sendOne(row);
      if (outcome !== 'skipped') result[outcome] += 1;
    }
    const nextDue = await store.nextOutboxDueAt();
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
    stop() {
      // One stop at a time: main.ts stops the sender first and again with the rest.
      stopCall ??= (async () => {
        stopped = true;
        stopping = true;
        wakeLoop?.();
        const inFlight = Promise.all([loop, currentPass?.catch(() => undefined)]);
        const grace = setTimeout(() => {
          log.warn({ graceMs: stopGraceMs }, 'outbox: stopping; aborting the Slack request still in flight (its message is checked in the history at the next start)');
          options.abortInFlight?.();
        }, stopGraceMs);
        try {
          await inFlight;
        } finally {
          clearTimeout(grace);
          loop = null;
          stopping = false;
          stopCall = null;
        }
      })();
      return stopCall;
    },
  };
}
