import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acknowledgeAlert, createOutboxSender, enqueueDueReminders, outboxKeyFor, type OutboxRenderer, type OutboxSenderOptions } from '../../src/alerts/index.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { batch, capturingLogger, manualClock, rootEvent, tempDir } from '../store/helpers.js';
import { RecordingMessenger } from './support/recording-messenger.js';

const CHANNEL = 'C0ALERTS1';

/** Renders the view read at send time: the text shows the alert's state when it is sent. */
const render: OutboxRenderer = (view) => {
  const row = view.message;
  const alert = 'alert' in view ? view.alert : null;
  const text = `${row.kind} alert=${row.alertId ?? '-'} state=${alert?.state ?? '-'} events=${alert?.eventCount ?? '-'}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
};

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A store, a messenger double and a sender sharing one virtual clock: sleeping moves the clock. */
function setup(options: { path?: string; senderOptions?: Partial<OutboxSenderOptions> } = {}) {
  const clock = manualClock('2026-11-02T04:00:00.000Z');
  const store = openSqliteStore(options.path ? { path: options.path } : { path: ':memory:' }, { clock: clock.now });
  cleanups.push(() => store.close());
  const messenger = new RecordingMessenger(() => clock.now().getTime());
  const { logger, lines } = capturingLogger();
  const sleeps: number[] = [];
  const sender = createOutboxSender({
    store,
    messenger,
    render,
    defaultChannel: CHANNEL,
    logger,
    clock: clock.now,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
    random: () => 1,
    ...options.senderOptions,
  });
  return { clock, store, messenger, sender, lines, sleeps };
}

async function commitAlerts(store: SqliteStore, count: number, sessionKey: string | null = null): Promise<void> {
  await store.commitBatch(batch(Array.from({ length: count }, (_unused, index) => rootEvent({ sessionKey, eventTime: `2026-11-02T03:${String(10 + index).padStart(2, '0')}:00Z` }))));
}

describe('outbox sender: order, threading and pace', () => {
  it('posts new alerts first, then thread replies under their own parent, each marked sent with channel and ts', async () => {
    const { store, messenger, sender } = setup();
    await commitAlerts(store, 1);
    // A session of three calls: one alert and one reply listing the other two.
    await commitAlerts(store, 3, 'session-1');

    const pass = await sender.sendDue();

    expect(pass).toMatchObject({ sent: 3, retried: 0, failed: 0 });
    expect(messenger.posts.map((post) => [post.text.split(' ')[0], post.thread_ts ?? null])).toEqual([
      ['alert-post', null],
      ['alert-post', null],
      ['alert-reply', messenger.posts[1]?.ts],
    ]);
    for (const row of await store.listOutbox()) {
      expect(row.state).toBe('sent');
      const key = outboxKeyFor(row, { storeId: store.storeId, alert: row.alertId === null ? null : await store.getAlert(row.alertId) });
      const post = messenger.posts.find((candidate) => candidate.metadata?.event_payload?.outbox_key === key);
      expect(row.result).toEqual({ channel: CHANNEL, ts: post?.ts });
    }
    const alerts = await store.listOpenAlerts();
    expect(alerts.map((alert) => alert.post)).toEqual([
      { channel: CHANNEL, ts: messenger.posts[0]?.ts },
      { channel: CHANNEL, ts: messenger.posts[1]?.ts },
    ]);
    expect((await store.findAlertByMessage(CHANNEL, messenger.posts[1]!.ts))?.id).toBe(alerts[1]?.id);
    expect(await sender.sendDue()).toMatchObject({ sent: 0, nextWakeAt: null });
  });

  it('spaces posts to one channel by the channel interval; other channels and updates do not wait', async () => {
    const { store, messenger, sender, sleeps } = setup();
    await commitAlerts(store, 3);
    await store.recordWeeklySummary({ weekKey: '2026-W45', summary: { score: '7/9' }, channel: 'C0SUMMARY' });

    await sender.sendDue();

    const alertPosts = messenger.posts.filter((post) => post.channel === CHANNEL);
    expect(alertPosts).toHaveLength(3);
    for (let index = 1; index < alertPosts.length; index++) expect(alertPosts[index]!.at - alertPosts[index - 1]!.at).toBeGreaterThanOrEqual(1100);
    // The summary went to its own channel without waiting for the alert channel's pace.
    const summary = messenger.posts.find((post) => post.channel === 'C0SUMMARY');
    expect(summary?.at).toBe(alertPosts[2]!.at);
    expect(sleeps).toEqual([1100, 1100]);

    // An acknowledgment's chat.update goes out at once.
    await acknowledgeAlert(store, (await store.listOpenAlerts())[0]!.id, 'U0ALICE01');
    const before = sleeps.length;
    await sender.sendDue();
    expect(sleeps.length).toBe(before);
    expect(messenger.updates).toHaveLength(1);
  });

  it('renders at send time: a post delayed until after an acknowledgment shows the acknowledged state, with no extra update', async () => {
    const { store, messenger, sender } = setup();
    await commitAlerts(store, 1);
    await acknowledgeAlert(store, (await store.listOpenAlerts())[0]!.id, 'U0ALICE01', 'expected');
    await sender.sendDue();
    expect(messenger.posts.map((post) => post.text)).toEqual([expect.stringContaining('state=acknowledged')]);
    expect(messenger.updates).toHaveLength(0);
  });

  it('a thread reply and an update wait until their parent alert has a ts', async () => {
    const { store, messenger, sender, clock } = setup();
    await commitAlerts(store, 1, 'session-1');
    messenger.fail('postMessage', { kind: 'http', status: 500 });
    await sender.sendDue();
    await commitAlerts(store, 1, 'session-1'); // a later call: a reply
    await store.enqueueAlertThreadMessage((await store.listOpenAlerts())[0]!.id, 'event-record', { eventId: 'x', requestedBy: 'U0ALICE01' });

    clock.advance(1000);
    expect((await sender.sendDue()).sent).toBe(0);
    expect(messenger.attempts).toHaveLength(1);

    clock.advance(1000);
    await sender.sendDue();
    expect(messenger.posts.map((post) => [post.text.split(' ')[0], post.thread_ts ?? null])).toEqual([
      ['alert-post', null],
      ['alert-reply', messenger.posts[0]?.ts],
      ['event-record', messenger.posts[0]?.ts],
    ]);
  });

  it('reminders go out as thread replies with the responder mention in their payload', async () => {
    const { store, messenger, sender, clock } = setup();
    await commitAlerts(store, 1);
    await sender.sendDue();
    clock.advance(61 * 60_000);
    expect(await enqueueDueReminders(store, clock.now(), { reminderAfterMinutes: 60, reminderMax: 3, responderGroupId: 'S0ONCALL01' })).toHaveLength(1);
    await sender.sendDue();
    expect(messenger.posts[1]).toMatchObject({ thread_ts: messenger.posts[0]?.ts, text: expect.stringMatching(/^reminder/) });
    expect((await store.listOutbox()).find((row) => row.kind === 'reminder')?.payload).toMatchObject({ mention: '<!subteam^S0ONCALL01>' });
  });
});

describe('outbox sender: failures', () => {
  it('429: waits the Retry-After before any further call, then sends', async () => {
    const { store, messenger, sender, clock } = setup();
    await commitAlerts(store, 2);
    messenger.fail('postMessage', { kind: 'rate-limit', retryAfterSeconds: 30 });

    const first = await sender.sendDue();
    expect(first).toMatchObject({ sent: 0, retried: 1 });
    expect(first.nextWakeAt?.toISOString()).toBe('2026-11-02T04:00:30.000Z');
    expect((await store.listOutbox())[0]).toMatchObject({ state: 'pending', attempts: 1, nextAttemptAt: '2026-11-02T04:00:30.000Z', lastError: expect.stringMatching(/retry after 30 s/) });

    clock.advance(29_000);
    expect((await sender.sendDue()).sent).toBe(0);
    expect(messenger.attempts).toHaveLength(1);

    clock.advance(1_000);
    expect((await sender.sendDue()).sent).toBe(2);
    expect(messenger.attempts[1]!.at - messenger.attempts[0]!.at).toBeGreaterThanOrEqual(30_000);
  });

  it('5xx for a while: exponential backoff, then one successful post', async () => {
    const { store, messenger, sender, clock, lines } = setup({ senderOptions: { transientBackoff: { baseMs: 1000, capMs: 60_000 } } });
    await commitAlerts(store, 1);
    messenger.fail('postMessage', { kind: 'http', status: 503 }, 4);

    const waits: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const pass = await sender.sendDue();
      expect(pass.retried).toBe(1);
      const waitMs = pass.nextWakeAt!.getTime() - clock.now().getTime();
      waits.push(waitMs);
      clock.advance(waitMs);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
    expect(await sender.sendDue()).toMatchObject({ sent: 1 });
    expect(messenger.posts).toHaveLength(1);
    expect((await store.listOutbox())[0]).toMatchObject({ state: 'sent', attempts: 4 });
    expect(lines.filter((line) => line.msg.includes('HTTP 503 from Slack; pausing all sends'))).toHaveLength(4);
  });

  it('channel_not_found: a clear error, the channel waits with a long backoff, other channels go on, and it recovers', async () => {
    const { store, messenger, sender, clock, lines } = setup();
    await commitAlerts(store, 2);
    await store.recordWeeklySummary({ weekKey: '2026-W45', summary: {}, channel: 'C0SUMMARY' });
    messenger.fail('postMessage', { kind: 'platform', code: 'channel_not_found' }, 100, (message) => 'channel' in message && message.channel === CHANNEL);

    const pass = await sender.sendDue();

    expect(pass).toMatchObject({ sent: 1, retried: 1, deferred: 1 });
    expect(messenger.attempts.filter((attempt) => attempt.channel === CHANNEL)).toHaveLength(1);
    expect(messenger.posts.map((post) => post.channel)).toEqual(['C0SUMMARY']);
    const error = lines.find((line) => line.level === 50);
    expect(error?.msg).toMatch(/Slack answered channel_not_found: the channel id is wrong.*ALERT_CHANNEL.*retried in 60 s/);
    expect(error).toMatchObject({ code: 'channel_not_found', channel: CHANNEL });
    // Both alert posts now wait a minute: no crash loop.
    expect((await store.listOutbox({ state: 'pending' })).map((row) => row.nextAttemptAt)).toEqual(['2026-11-02T04:01:00.000Z', '2026-11-02T04:01:00.000Z']);

    clock.advance(30_000);
    expect((await sender.sendDue()).sent).toBe(0);
    expect(messenger.attempts.filter((attempt) => attempt.channel === CHANNEL)).toHaveLength(1);

    // Someone invites the bot; the next retry goes through.
    messenger.clearFailures();
    clock.advance(30_000);
    expect((await sender.sendDue()).sent).toBe(2);
  });

  it('invalid_auth pauses every channel, not just one', async () => {
    const { store, messenger, sender } = setup();
    await commitAlerts(store, 1);
    await store.recordWeeklySummary({ weekKey: '2026-W45', summary: {}, channel: 'C0SUMMARY' });
    messenger.fail('*', { kind: 'platform', code: 'invalid_auth' }, 100);
    const pass = await sender.sendDue();
    expect(pass).toMatchObject({ sent: 0, retried: 1 });
    expect(messenger.attempts).toHaveLength(1);
    expect(pass.nextWakeAt?.toISOString()).toBe('2026-11-02T04:01:00.000Z');
  });

  it('blocks Slack refuses: the alert still goes out as plain text', async () => {
    const { store, messenger, sender, lines } = setup();
    await commitAlerts(store, 1);
    messenger.fail('postMessage', { kind: 'platform', code: 'invalid_blocks' }, 1, (message) => 'blocks' in message && message.blocks !== undefined);
    expect((await sender.sendDue()).sent).toBe(1);
    expect(messenger.posts).toHaveLength(1);
    expect(messenger.posts[0]?.blocks).toBeUndefined();
    expect(messenger.posts[0]?.text).toMatch(/^alert-post/);
    expect(lines.some((line) => line.msg.includes('refused the message blocks; posting the text alone'))).toBe(true);
  });

  it('an update of a deleted message is dropped as failed, with an error log, and does not block the rest', async () => {
    const { store, messenger, sender } = setup();
    await commitAlerts(store, 2);
    await sender.sendDue();
    messenger.fail('updateMessage', { kind: 'platform', code: 'message_not_found' });
    const [first, second] = await store.listOpenAlerts();
    await acknowledgeAlert(store, first!.id, 'U0ALICE01');
    await acknowledgeAlert(store, second!.id, 'U0ALICE01');
    expect(await sender.sendDue()).toMatchObject({ sent: 1, failed: 1 });
    expect((await store.listOutbox({ state: 'failed' })).map((row) => [row.kind, row.lastError])).toEqual([['alert-update', 'Slack refused the message: message_not_found']]);
  });

  it('a renderer that throws is logged and retried later; the sender keeps going', async () => {
    let broken = true;
    const { store, messenger, sender, clock, lines } = setup({
      senderOptions: {
        render: (view) => {
          if (broken && view.message.alertId === 1) throw new Error('renderer bug');
          return render(view);
        },
      },
    });
    await commitAlerts(store, 2);
    expect(await sender.sendDue()).toMatchObject({ sent: 1, retried: 1 });
    expect(lines.some((line) => line.msg.includes('rendering the message failed'))).toBe(true);
    broken = false;
    clock.advance(60_000);
    expect((await sender.sendDue()).sent).toBe(1);
    expect(messenger.posts).toHaveLength(2);
  });
});

describe('outbox sender: restarts', () => {
  it('send half, close, reopen, send the rest: every message exactly once', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const path = join(dir.path, 'state.sqlite');

    const firstRun = setup({ path });
    await commitAlerts(firstRun.store, 6);
    // Slack goes away after three posts.
    const messenger = firstRun.messenger;
    let posted = 0;
    const original = messenger.postMessage.bind(messenger);
    messenger.postMessage = async (message) => {
      if (posted >= 3) throw new (await import('@slack/web-api')).WebAPIHTTPError(502, 'Bad Gateway', {}, '');
      posted += 1;
      return original(message);
    };
    await firstRun.sender.sendDue();
    await firstRun.store.close();

    const secondRun = setup({ path });
    // The restarted bot talks to the same workspace: share the channel's history.
    secondRun.messenger.posts.push(...messenger.posts);
    secondRun.clock.advance(60_000);
    await secondRun.sender.sendDue();

    const keys = secondRun.messenger.posts.map((post) => post.metadata?.event_payload?.outbox_key);
    expect(keys).toHaveLength(6);
    expect(new Set(keys).size).toBe(6);
    expect((await secondRun.store.listOutbox()).every((row) => row.state === 'sent')).toBe(true);
  });

  it('a crash after Slack accepted a post but before it was recorded: found in the history, not posted again', async () => {
    const { store, messenger, sender, lines, clock } = setup();
    messenger.enableHistoryLookup();
    await commitAlerts(store, 1);
    // Slack accepts the post, then the answer is lost (the same state a crash at that moment leaves).
    messenger.fail('postMessage', { kind: 'accepted-then-network' });
    expect((await sender.sendDue()).retried).toBe(1);
    expect((await store.listOutbox())[0]).toMatchObject({ state: 'pending', uncertain: true });

    clock.advance(2_000);
    await sender.sendDue();
    expect(messenger.posts).toHaveLength(1);
    expect((await store.listOutbox())[0]).toMatchObject({ state: 'sent', result: { channel: CHANNEL, ts: messenger.posts[0]?.ts }, uncertain: false });
    expect(lines.some((line) => line.msg.includes('was already in Slack'))).toBe(true);
  });

  async function killedWhileSending(options: { reachedSlack: boolean; historyLookup: boolean }) {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const path = join(dir.path, 'state.sqlite');
    const killed = setup({ path });
    await commitAlerts(killed.store, 1);
    const row = (await killed.store.listOutbox())[0]!;
    // The killed process had marked the row "sending" (and maybe Slack had accepted it) when it died.
    await killed.store.markOutboxSending(row.id);
    await killed.store.close();

    const restarted = setup({ path });
    if (options.reachedSlack) {
      restarted.messenger.posts.push({ channel: CHANNEL, text: 'alert-post', ts: '1766999999.000001', at: 0, metadata: { event_type: 'aws_root_guard_outbox', event_payload: { outbox_key: outboxKeyFor(row, { storeId: restarted.store.storeId, alert: await restarted.store.getAlert(row.alertId!) }) } } });
    }
    if (options.historyLookup) restarted.messenger.enableHistoryLookup();
    await restarted.sender.sendDue();
    expect(restarted.lines.some((line) => line.msg.includes('a send was interrupted'))).toBe(true);
    expect((await restarted.store.listOutbox())[0]).toMatchObject({ state: 'sent' });
    return restarted.messenger.posts.length;
  }

  it('a row left "sending" by a killed process is recovered at start and sent once when it had not reached Slack', async () => {
    expect(await killedWhileSending({ reachedSlack: false, historyLookup: true })).toBe(1);
    expect(await killedWhileSending({ reachedSlack: false, historyLookup: false })).toBe(1);
  });

  it('a killed process\'s post that had reached Slack: found in the history, not repeated; without the history scopes it is repeated (the documented at-least-once window)', async () => {
    expect(await killedWhileSending({ reachedSlack: true, historyLookup: true })).toBe(1);
    expect(await killedWhileSending({ reachedSlack: true, historyLookup: false })).toBe(2);
  });
});

describe('outbox sender: run loop', () => {
  it('start() sends what is queued, wake() sends new rows at once, stop() ends the loop', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    cleanups.push(() => store.close());
    const messenger = new RecordingMessenger();
    const sender = createOutboxSender({ store, messenger, render, defaultChannel: CHANNEL, logger: capturingLogger().logger, channelIntervalMs: 0, idlePollMs: 60_000 });
    await commitAlerts(store, 1);
    sender.start();
    await expect.poll(() => messenger.posts.length, { timeout: 2000, interval: 5 }).toBe(1);

    await commitAlerts(store, 1);
    sender.wake();
    await expect.poll(() => messenger.posts.length, { timeout: 2000, interval: 5 }).toBe(2);
    await sender.stop();

    await commitAlerts(store, 1);
    sender.wake();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(messenger.posts).toHaveLength(2);
  });
});
