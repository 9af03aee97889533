// Outbox claims across replicas, with the real WebClient against the fake Slack, on each backend: two senders
// (two replicas) drain one outbox without posting a row twice; a replica that claims a row and goes silent
// (its post reached Slack, the answer never came back) leaves it to the other once the claim's lease has passed,
// and the other finds the post in the channel history instead of posting it again.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOutboxSender, createSenderWebClient, webClientMessenger, type OutboxRenderer, type OutboxSender } from '../../src/alerts/index.js';
import type { BotStore } from '../../src/store/index.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { batch, capturingLogger, rootEvent } from '../store/helpers.js';
import { BACKENDS, type SharedDatabase } from '../store/shared-databases.js';
import { waitFor } from '../support/bot.js';

const CHANNEL = 'C0ALERTS1';

const render: OutboxRenderer = ({ message: row }) => {
  const text = `${row.kind} alert=${row.alertId ?? '-'}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
};

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});

describe.each(BACKENDS)('outbox senders of two replicas on one $name database', (backend) => {
  let database: SharedDatabase;
  const senders: OutboxSender[] = [];
  beforeEach(async () => {
    slack.faults.clear();
    slack.requests.length = 0;
    slack.state.messages.length = 0;
    slack.state.botScopes.add('channels:history');
    if (backend.open) database = await backend.open();
  });
  afterEach(async () => {
    for (const sender of senders.splice(0)) await sender.stop();
    await database?.close();
  });

  function sender(store: BotStore, replicaName: string, options: { claimLeaseMs?: number; timeoutMs?: number; channelIntervalMs?: number } = {}): OutboxSender {
    const { logger } = capturingLogger();
    const client = createSenderWebClient({ token: slack.botToken, slackApiUrl: slack.apiUrl, logger, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
    const created = createOutboxSender({
      store,
      messenger: webClientMessenger(client, { findPostsInHistory: true }),
      render,
      defaultChannel: CHANNEL,
      logger,
      channelIntervalMs: options.channelIntervalMs ?? 20,
      idlePollMs: 100,
      replicaName,
      ...(options.claimLeaseMs ? { claimLeaseMs: options.claimLeaseMs } : {}),
    });
    senders.push(created);
    return created;
  }
  const topLevelPosts = () => slack.state.messages.filter((message) => message.threadTs === null && message.channel === CHANNEL);

  /**
   * Replica A claims an alert's post, Slack takes it and never answers within A's patience: A gives up the HTTP
   * request but its process is "gone" (stopped later without its row going back), so the row stays claimed by A
   * (lease 1.5 s). Returns B's store and A's claimed row; Slack answers normally again.
   */
  async function replicaSilentMidSend(): Promise<{ b: BotStore; claimed: Awaited<ReturnType<BotStore['listOutbox']>>[number] }> {
    const [a, b] = await database.openReplicas();
    await a.commitBatch(batch([rootEvent({ eventTime: new Date(Date.now() - 60_000).toISOString() })]));
    slack.faults.holdAnswer('chat.postMessage', 60_000);
    const pass = sender(a, 'replica-a', { claimLeaseMs: 1_500, timeoutMs: 5_000 }).sendDue();
    // A's late answer changes nothing: the row is recorded once, by B.
    pass.catch(() => undefined);
    await waitFor(() => topLevelPosts().length === 1 || null, "A's post in the channel", 10_000);
    const claimed = (await b.listOutbox())[0]!;
    slack.faults.clear();
    return { b, claimed };
  }

  it.skipIf(backend.open === null)('two replicas drain 30 alerts together: each posted once', async () => {
    const [a, b] = await database.openReplicas();
    await a.commitBatch(batch(Array.from({ length: 30 }, (_, index) => rootEvent({ eventTime: new Date(Date.now() - (30 - index) * 1000).toISOString() }))));
    sender(a, 'replica-a').start();
    sender(b, 'replica-b').start();
    for (const deadline = Date.now() + 30_000; (await a.outboxCounts()).sent < 30 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await a.outboxCounts()).sent).toBe(30);
    const texts = topLevelPosts().map((message) => message.text);
    expect(new Set(texts).size).toBe(30);
    expect(texts).toHaveLength(30);
  }, 60_000);

  it.skipIf(backend.open === null)("a replica silent mid-send: the other takes its claim back after the lease and finds the post instead of posting it again", async () => {
    const { b, claimed } = await replicaSilentMidSend();
    expect(claimed.state).toBe('sending');

    // B, running meanwhile: nothing for it while A's lease lasts; after it, B takes the row back and records A's post.
    const other = sender(b, 'replica-b');
    await other.sendDue();
    expect((await b.getOutboxMessage(claimed.id))?.state).toBe('sending');
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    await other.sendDue();
    const row = await b.getOutboxMessage(claimed.id);
    expect(row?.state).toBe('sent');
    expect(topLevelPosts()).toHaveLength(1);
    expect(row?.result?.ts).toBe(topLevelPosts()[0]!.ts);
  }, 60_000);

  it.skipIf(backend.open === null)("a replica busy with a backlog still takes a dead replica's claim back within the lease plus about one send", async () => {
    const { b, claimed } = await replicaSilentMidSend();
    // 20 more alerts, 250 ms apart in the channel: B's one pass through them lasts about 5 s, past A's lease.
    await b.commitBatch(batch(Array.from({ length: 20 }, (_, index) => rootEvent({ eventTime: new Date(Date.now() - (20 - index) * 1000).toISOString() }))));
    const passStartedAt = Date.now();
    const busy = sender(b, 'replica-b', { channelIntervalMs: 250 }).sendDue();
    const takenBack = await waitFor(async () => (await b.getOutboxMessage(claimed.id))?.state === 'sent' && Date.now(), "A's row recorded by B", 15_000);
    const passResult = await busy;
    const passMs = Date.now() - passStartedAt;
    // Recorded from the history while the pass still had most of the backlog to go, not at B's next pass.
    expect(takenBack - passStartedAt).toBeLessThan(1_500 + 2_000);
    expect(passMs).toBeGreaterThan(takenBack - passStartedAt + 1_000);
    expect(passResult.sent).toBe(21);
    expect(topLevelPosts()).toHaveLength(21);
  }, 60_000);
});
