// The outbox sender with the real @slack/web-api WebClient (built by createSenderWebClient) against the
// wire-level fake Slack: what goes over HTTP, and how the sender copes with Slack's failure answers.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acknowledgeAlert, createOutboxSender, createSenderWebClient, outboxKeyFor, webClientMessenger, type OutboxRenderer, type OutboxSender, type SendPassResult } from '../../src/alerts/index.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { startFakeSlack, type FakeSlack, type RecordedCall } from '../fakes/slack/index.js';
import { batch, capturingLogger, rootEvent, tempDir } from '../store/helpers.js';
import type { PollBatch } from '../../src/activity/poll-sink.js';

const CHANNEL = 'C0ALERTS1';

const render: OutboxRenderer = (view) => {
  const row = view.message;
  const alert = 'alert' in view ? view.alert : null;
  const text = `${row.kind} alert=${row.alertId ?? '-'} state=${alert?.state ?? '-'}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
};

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  slack.faults.clear();
  slack.requests.length = 0;
  slack.state.messages.length = 0;
  slack.state.missingChannels.clear();
  slack.state.botScopes.add('channels:history');
});

function setup(options: { path?: string; timeoutMs?: number; findPostsInHistory?: boolean } = {}) {
  const store = openSqliteStore(options.path ? { path: options.path } : { path: ':memory:' });
  cleanups.push(() => store.close());
  const { logger, lines } = capturingLogger();
  const client = createSenderWebClient({ token: slack.botToken, slackApiUrl: slack.apiUrl, logger, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
  const sender = createOutboxSender({
    store,
    messenger: webClientMessenger(client, { findPostsInHistory: options.findPostsInHistory ?? false }),
    render,
    defaultChannel: CHANNEL,
    logger,
    channelIntervalMs: 50,
    transientBackoff: { baseMs: 50, capMs: 400 },
    setupBackoff: { baseMs: 150, capMs: 600 },
  });
  return { store, sender, lines };
}

/** Runs passes, sleeping until the next row is due, until `done` or the deadline. */
async function sendUntil(sender: OutboxSender, done: () => boolean | Promise<boolean>, deadlineMs = 8_000): Promise<SendPassResult[]> {
  const passes: SendPassResult[] = [];
  const deadline = Date.now() + deadlineMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('gave up waiting for the outbox');
    const pass = await sender.sendDue();
    passes.push(pass);
    if (await done()) break;
    const waitMs = pass.nextWakeAt ? Math.max(5, pass.nextWakeAt.getTime() - Date.now()) : 20;
    await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, 1_500)));
  }
  return passes;
}

const accepted = (method: string): RecordedCall[] => slack.calls(method).filter((call) => call.status === 200 && call.error === null);
const keyOf = (call: RecordedCall): unknown => (call.args.metadata as { event_payload?: { outbox_key?: unknown } } | undefined)?.event_payload?.outbox_key;

async function commitAlerts(store: SqliteStore, count: number, sessionKey: string | null = null): Promise<void> {
  await store.commitBatch(batch(Array.from({ length: count }, (_unused, index) => rootEvent({ sessionKey, eventTime: `2026-11-02T03:${String(10 + index).padStart(2, '0')}:00Z` }))));
}

describe('order after an outage', () => {
  const ALERTS = 40;
  const OUTAGE_MS = 2_000;

  /** 40 alerts queued, Slack failing for OUTAGE_MS from the first request, the sender loop running until all are posted. */
  async function throughOutage(startOutage: () => void) {
    const { store, sender, lines } = setup({ findPostsInHistory: true });
    // Four Regions' batches whose event times interleave: queued out of event-time order, they must come out oldest event first.
    const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];
    for (const [offset, region] of regions.entries()) {
      const events = Array.from({ length: ALERTS / regions.length }, (_unused, index) => rootEvent({ region, eventTime: new Date(Date.parse('2026-11-02T03:00:00Z') + (index * regions.length + (regions.length - 1 - offset)) * 60_000).toISOString() }));
      await store.commitBatch(batch(events, { region }));
    }
    const outageStart = Date.now();
    startOutage();
    sender.start();
    try {
      await waitUntil(() => slack.state.messages.length === ALERTS, 20_000);
    } finally {
      await sender.stop();
    }
    const during = slack.requests.filter((call) => call.receivedAt < outageStart + OUTAGE_MS);
    const eventTimeOfPost = new Map((await store.listOpenAlerts()).map((alert) => [alert.post?.ts, alert.firstEventTime]));
    const postedOrder = slack.state.messages.map((message) => eventTimeOfPost.get(message.ts));
    return { postedOrder, during, lines };
  }

  async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error('gave up waiting for the outbox');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** No two requests were open at once: a failing Slack sees one probe at a time. */
  function overlapping(calls: RecordedCall[]): number {
    let count = 0;
    for (let index = 1; index < calls.length; index += 1) if (calls[index]!.receivedAt < (calls[index - 1]!.answeredAt ?? Number.POSITIVE_INFINITY)) count += 1;
    return count;
  }

  it('HTTP 500 for a (compressed) two minutes: the workspace pauses as a whole, one probe at a time with doubling pauses, then every alert in event-time order', async () => {
    const { postedOrder, during, lines } = await throughOutage(() => slack.faults.serverError('*', { forMs: OUTAGE_MS }));
    console.log(`outage (500 for ${OUTAGE_MS} ms, pauses 50 ms doubling to 400 ms): ${during.length} requests during the outage, ${ALERTS} alerts after it`);
    expect(postedOrder, 'alerts in event-time order').toEqual([...postedOrder].sort());
    expect(postedOrder).toHaveLength(ALERTS);
    // Pauses of about 50, 100, 200, 400, 400, 400 … ms over 2 s: at most 10 probes (each row backing off alone made one request per row).
    expect(during.length, 'requests during the outage').toBeLessThanOrEqual(10);
    expect(during.map((call) => call.status)).toEqual(during.map(() => 500));
    expect(overlapping(during), 'requests open at once').toBe(0);
    expect(lines.some((line) => line.msg.includes('Slack answers again; sending what waited, oldest first'))).toBe(true);
  });

  it('429 with Retry-After for two seconds: one request per Retry-After, then every alert in event-time order', async () => {
    const { postedOrder, during } = await throughOutage(() => slack.faults.rateLimit('*', { retryAfterSeconds: 1, forMs: OUTAGE_MS }));
    console.log(`rate limited (429, Retry-After 1 s, for ${OUTAGE_MS} ms): ${during.length} requests during it`);
    expect(postedOrder).toEqual([...postedOrder].sort());
    expect(postedOrder).toHaveLength(ALERTS);
    expect(during.length).toBeLessThanOrEqual(3);
    expect(overlapping(during)).toBe(0);
  });
});

describe('a store rebuilt after the database was lost', () => {
  it('does not post the lookback or the weekly summary again: alerts, thread replies and the summary already in the channel are found by outbox keys that do not depend on the store', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const events = [
      rootEvent({ eventTime: '2026-11-02T03:10:00Z' }),
      rootEvent({ sessionKey: 'session-lost', eventTime: '2026-11-02T03:20:00Z' }),
      rootEvent({ sessionKey: 'session-lost', eventTime: '2026-11-02T03:21:00Z' }),
    ];
    const lookback: PollBatch = batch(events);
    const summary = { weekKey: '2026-W44', summary: { score: '9/9' }, threadParts: [{ part: 'details' }] };
    const before = setup({ path: join(dir.path, 'before.sqlite'), findPostsInHistory: true });
    await before.store.commitBatch(lookback);
    await before.store.recordWeeklySummary(summary);
    await sendUntil(before.sender, async () => (await before.store.outboxCounts()).pending === 0);
    const postedBefore = accepted('chat.postMessage').length;
    // Two alerts, the reply listing the call that joined the second, the weekly summary and its thread part.
    expect(postedBefore).toBe(5);
    await before.store.close();
    slack.requests.length = 0;

    // The database file is gone: a new store with a new storeId reads the same lookback.
    const after = setup({ path: join(dir.path, 'after.sqlite'), findPostsInHistory: true });
    expect(after.store.storeId).not.toBe(before.store.storeId);
    await after.store.commitBatch(lookback);
    // The bot was down at the summary time: the new store queues last week's summary again.
    await after.store.recordWeeklySummary(summary);
    await sendUntil(after.sender, async () => (await after.store.outboxCounts()).pending === 0);

    expect(accepted('chat.postMessage')).toEqual([]);
    expect(slack.state.messages).toHaveLength(5);
    const topLevel = slack.state.messages.filter((message) => message.threadTs === null).map((message) => message.ts);
    expect((await after.store.listAlerts({ from: '2026-11-01T00:00:00Z', to: '2026-11-03T00:00:00Z' })).map((alert) => alert.post?.ts)).toEqual(topLevel.slice(0, 2));
    expect((await after.store.getWeeklySummary('2026-W44'))?.post?.ts).toBe(topLevel[2]);
    expect(slack.calls('conversations.history')).toHaveLength(3);
    expect(slack.calls('conversations.replies').map((call) => call.args.ts)).toEqual([topLevel[1], topLevel[2]]);
  });

  it('still posts an event no store alerted before', async () => {
    const { store, sender } = setup({ findPostsInHistory: true });
    await store.commitBatch(batch([rootEvent({ eventTime: '2026-11-02T03:10:00Z' })]));
    await sendUntil(sender, async () => (await store.outboxCounts()).pending === 0);
    expect(accepted('chat.postMessage')).toHaveLength(1);
    expect(slack.calls('conversations.history')).toHaveLength(1);
  });
});

describe('outbox sender with the real WebClient against the fake Slack', () => {
  it('posts alerts with blocks and metadata, threads replies under the post, and chat.updates after an acknowledgment', async () => {
    const { store, sender } = setup();
    await commitAlerts(store, 2, 'session-1');

    await sender.sendDue();
    const alert = (await store.listOpenAlerts())[0]!;
    await acknowledgeAlert(store, alert.id, 'U0ALICE01', 'expected');
    await sender.sendDue();

    const posts = accepted('chat.postMessage');
    expect(posts.map((call) => [call.args.channel, call.args.thread_ts ?? null, call.tokenKind])).toEqual([
      [CHANNEL, null, 'bot'],
      [CHANNEL, alert.post?.ts, 'bot'],
    ]);
    expect(posts[0]?.args.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: `alert-post alert=${alert.id} state=open` } }]);
    const keys: string[] = [];
    for (const row of (await store.listOutbox({ alertId: alert.id })).filter((candidate) => candidate.kind !== 'alert-update')) keys.push(outboxKeyFor(row, { storeId: store.storeId, alert: row.alertId === null ? null : await store.getAlert(row.alertId) }));
    expect(posts.map(keyOf)).toEqual(keys);
    const updates = accepted('chat.update');
    expect(updates.map((call) => [call.args.channel, call.args.ts, call.args.text])).toEqual([[CHANNEL, alert.post?.ts, `alert-update alert=${alert.id} state=acknowledged`]]);
    expect(slack.state.messages.find((message) => message.ts === alert.post?.ts)?.text).toBe(`alert-update alert=${alert.id} state=acknowledged`);
  });

  it('429 with Retry-After: nothing is sent before the delay, then the message goes once', async () => {
    const { store, sender, lines } = setup();
    await commitAlerts(store, 2);
    slack.faults.rateLimit('chat.postMessage', { retryAfterSeconds: 1 });

    await sendUntil(sender, () => accepted('chat.postMessage').length === 2);

    const calls = slack.calls('chat.postMessage');
    expect(calls.map((call) => call.status)).toEqual([429, 200, 200]);
    expect(calls[1]!.receivedAt - calls[0]!.receivedAt).toBeGreaterThanOrEqual(1_000);
    expect(new Set(accepted('chat.postMessage').map(keyOf)).size).toBe(2);
    expect(lines.some((line) => line.msg.includes('rate limit; pausing all sends for Retry-After') && line.retryAfterSeconds === 1)).toBe(true);
  });

  it('HTTP 500 for a while, then success: one message in the channel', async () => {
    const { store, sender } = setup();
    await commitAlerts(store, 1);
    slack.faults.serverError('chat.postMessage', { status: 500, times: 3 });

    await sendUntil(sender, () => accepted('chat.postMessage').length === 1);

    expect(slack.calls('chat.postMessage').map((call) => call.status)).toEqual([500, 500, 500, 200]);
    expect(slack.state.messages).toHaveLength(1);
    expect((await store.listOutbox())[0]).toMatchObject({ state: 'sent', attempts: 3 });
  });

  it('channel_not_found: a clear error log, later retries with backoff and no crash, then delivery once the channel exists', async () => {
    const { store, sender, lines } = setup();
    await commitAlerts(store, 1);
    slack.state.missingChannels.add(CHANNEL);

    const first = await sender.sendDue();
    expect(first).toMatchObject({ sent: 0, retried: 1 });
    const error = lines.find((line) => line.level === 50 && line.code === 'channel_not_found');
    expect(error?.msg).toMatch(/channel_not_found: the channel id is wrong, or the channel is private and the bot is not in it: check ALERT_CHANNEL/);
    // Retried later, not in a tight loop.
    expect(first.nextWakeAt!.getTime() - Date.now()).toBeGreaterThan(50);
    await sendUntil(sender, () => slack.calls('chat.postMessage').length >= 2);
    expect(accepted('chat.postMessage')).toHaveLength(0);

    slack.state.missingChannels.delete(CHANNEL);
    await sendUntil(sender, () => accepted('chat.postMessage').length === 1);
    expect((await store.listOutbox())[0]).toMatchObject({ state: 'sent' });
  });

  it('thread replies wait for their parent: none is called before the alert post is accepted', async () => {
    const { store, sender } = setup();
    await commitAlerts(store, 3, 'session-1');
    slack.faults.serverError('chat.postMessage', { status: 503, times: 2 });

    await sendUntil(sender, () => accepted('chat.postMessage').length === 2);

    const calls = slack.calls('chat.postMessage');
    const firstReply = calls.findIndex((call) => call.args.thread_ts !== undefined);
    const parentAccepted = calls.findIndex((call) => call.status === 200);
    expect(parentAccepted).toBeGreaterThanOrEqual(0);
    expect(firstReply).toBeGreaterThan(parentAccepted);
    expect(calls[firstReply]?.args.thread_ts).toBe((await store.listOpenAlerts())[0]?.post?.ts);
  });

  it('restart safety: send half, close the store, reopen with a new client, send the rest: each message exactly once', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const path = join(dir.path, 'state.sqlite');

    const firstRun = setup({ path });
    await commitAlerts(firstRun.store, 3);
    await firstRun.sender.sendDue();
    await commitAlerts(firstRun.store, 3);
    slack.faults.serverError('chat.postMessage', { status: 502, times: Number.POSITIVE_INFINITY });
    await firstRun.sender.sendDue();
    await firstRun.store.close();
    slack.faults.clear();

    const secondRun = setup({ path });
    await sendUntil(secondRun.sender, () => accepted('chat.postMessage').length === 6);

    const keys = accepted('chat.postMessage').map(keyOf);
    expect(new Set(keys).size).toBe(6);
    expect((await secondRun.store.listOutbox()).map((row) => row.state)).toEqual(Array(6).fill('sent'));
    expect((await secondRun.store.listOpenAlerts()).every((alert) => alert.post !== null)).toBe(true);
  });

  async function answerLost(findPostsInHistory: boolean) {
    const { store, sender, lines } = setup({ timeoutMs: 150, findPostsInHistory });
    await commitAlerts(store, 1);
    slack.faults.delay('chat.postMessage', 400, { times: 1 });
    expect((await sender.sendDue()).retried).toBe(1);
    expect((await store.listOutbox())[0]).toMatchObject({ state: 'pending', uncertain: true });
    // The fake (like Slack) finished the post after the client gave up.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await sendUntil(sender, async () => (await store.listOutbox())[0]?.state === 'sent');
    return { store, lines };
  }

  it('Slack accepts a post but the answer is lost (client timeout): the retry finds it in conversations.history by its outbox key and records it, posting nothing twice', async () => {
    const { store, lines } = await answerLost(true);
    expect(slack.state.messages).toHaveLength(1);
    expect((await store.listOutbox())[0]).toMatchObject({ state: 'sent', result: { channel: CHANNEL, ts: slack.state.messages[0]!.ts }, uncertain: false });
    expect((await store.listOpenAlerts())[0]!.post).toEqual({ channel: CHANNEL, ts: slack.state.messages[0]!.ts });
    const [lookup] = slack.calls('conversations.history');
    expect(lookup?.args).toMatchObject({ channel: CHANNEL, include_all_metadata: 'true', limit: '200' });
    // Bounded, not the whole channel: from the row's creation, or from its event when that is older than the store
    // (as here), minus a minute for clock skew.
    const since = Math.min(Date.parse((await store.listOutbox())[0]!.createdAt), Date.parse((await store.listOpenAlerts())[0]!.firstEventTime));
    expect(Number(lookup?.args.oldest)).toBeCloseTo(since / 1000 - 60, 0);
    expect(lines.some((line) => line.msg.includes('was already in Slack'))).toBe(true);
  });

  it('without the history scope the lookup fails with missing_scope, is logged naming the scopes, and the post is repeated (at-least-once)', async () => {
    slack.state.botScopes.delete('channels:history');
    const { lines } = await answerLost(true);
    expect(slack.state.messages).toHaveLength(2);
    expect(lines.some((line) => line.level >= 50 && line.msg.includes('missing_scope') && line.msg.includes('channels:history and groups:history'))).toBe(true);
  });

  it('the window without a history lookup: Slack accepts a post but the answer is lost (client timeout); the row is flagged uncertain and posted again with the same outbox key', async () => {
    const { store, sender, lines } = setup({ timeoutMs: 150 });
    await commitAlerts(store, 1);
    slack.faults.delay('chat.postMessage', 400, { times: 1 });

    const first = await sender.sendDue();
    expect(first.retried).toBe(1);
    expect((await store.listOutbox())[0]).toMatchObject({ state: 'pending', uncertain: true, lastError: expect.stringMatching(/network error/) });
    expect(lines.some((line) => line.msg.includes('network error'))).toBe(true);

    // The fake (like Slack) finished the post after the client gave up.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await sendUntil(sender, async () => (await store.listOutbox())[0]?.state === 'sent');

    // Without the history scopes the sender cannot tell: at-least-once for this window, and the
    // duplicate carries the same outbox key, so the crash test (or a reader) can see it for what it is.
    expect(slack.state.messages).toHaveLength(2);
    expect(new Set(accepted('chat.postMessage').map(keyOf)).size).toBe(1);
  });
});
