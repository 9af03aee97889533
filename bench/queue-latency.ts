// From a message visible in the events queue to its alert posted, through the whole bot as main.ts wires it
// (EVENTS_QUEUE_URL on moto's SQS, store, outbox sender) and the fake Slack: p50 and p99 over 200 root sign-ins.
// Goal p99 <= 2 s. The events come from 20 accounts that ALERT_ROUTES sends to 20 channels, one every 150 ms, so
// Slack's one-post-a-second pacing per channel is not what is measured (each channel gets one every 3 s).
// Baseline in the same run: a bare consumer of the same queue (long poll, chat.postMessage, delete; no classifier,
// store or outbox), fed the same way: what SQS and the fake Slack take on this machine.
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { WebClient } from '@slack/web-api';
import { hardenedAccount, startFakeAws } from '../test/fakes/aws/index.js';
import type { FakeSlack } from '../test/fakes/slack/index.js';
import { startMoto } from '../test/fakes/moto.js';
import { eventBridgeFixture } from '../test/fixtures/eventbridge/load.js';
import { waitFor } from '../test/support/bot.js';
import { startQueueBot } from '../test/support/queue-bot.js';
import { formatMs, loadLine, percentile } from './stats.js';

const EVENTS = 200;
const ACCOUNTS = 20;
const SPACING_MS = 150;

const accountOf = (index: number) => String(500_000_000_000 + (index % ACCOUNTS));
const channelOf = (accountId: string) => `C0LAT${accountId.slice(-6)}`;

/** A root console sign-in as EventBridge puts it on the queue, its event id carrying `run` and `index`. */
function signIn(run: string, index: number): string {
  const event = eventBridgeFixture('console-sign-in-root-no-mfa');
  const accountId = accountOf(index);
  const now = new Date().toISOString();
  const detail = { ...event.detail, eventID: `${run}-${index}`, eventTime: now, recipientAccountId: accountId, userIdentity: { type: 'Root', principalId: accountId, arn: `arn:aws:iam::${accountId}:root`, accountId, accessKeyId: '' } };
  return JSON.stringify({ ...event, id: `eb-${run}-${index}`, account: accountId, time: now, detail });
}

/** Sends the events one every SPACING_MS and returns when each became visible (Date.now(), the fake Slack's clock). */
async function feed(send: (body: string) => Promise<void>, run: string): Promise<number[]> {
  const visibleAt: number[] = [];
  for (let index = 0; index < EVENTS; index += 1) {
    const started = Date.now();
    await send(signIn(run, index));
    visibleAt.push(Date.now());
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, SPACING_MS - (Date.now() - started))));
  }
  return visibleAt;
}

/** Visible -> posted for each event, read from the fake Slack's record of chat.postMessage. */
async function latencies(slack: FakeSlack, run: string, visibleAt: readonly number[]): Promise<number[]> {
  const postedAt = (): Map<string, number> => {
    const posted = new Map<string, number>();
    for (const call of slack.calls('chat.postMessage')) {
      const match = new RegExp(`${run}-(\\d+)`).exec(JSON.stringify(call.args));
      if (match && !posted.has(match[1]!)) posted.set(match[1]!, call.receivedAt);
    }
    return posted;
  };
  const posted = await waitFor(() => {
    const found = postedAt();
    return found.size >= EVENTS && found;
  }, `all ${EVENTS} posts of ${run}`, 120_000);
  return visibleAt.map((at, index) => posted.get(String(index))! - at);
}

/** The baseline consumer: receive, post, delete, until stopped. */
function bareConsumer(sqs: SQSClient, queueUrl: string, slack: FakeSlack): { stop(): Promise<void> } {
  const web = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  const controller = new AbortController();
  const loop = (async () => {
    while (!controller.signal.aborted) {
      const answer = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }), { abortSignal: controller.signal }).catch(() => null);
      for (const message of answer?.Messages ?? []) {
        const event = JSON.parse(message.Body ?? '{}') as { account: string; detail: { eventID: string } };
        await web.chat.postMessage({ channel: channelOf(event.account), text: `root sign-in ${event.detail.eventID}` });
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
      }
    }
  })();
  return {
    stop: async () => {
      controller.abort();
      await loop;
    },
  };
}

export async function benchQueueLatency(): Promise<{ lines: string[] }> {
  const moto = await startMoto();
  if (!moto) return { lines: ['queue latency: skipped, moto is not available on this machine'] };
  const fakeAws = await startFakeAws({ state: hardenedAccount() });
  const routes = Array.from({ length: ACCOUNTS }, (_, index) => `${accountOf(index)}=${channelOf(accountOf(index))}`).join(',');
  const harness = await startQueueBot({ moto, fakeAws, queueName: 'bench-queue-latency', signingSecret: 'bench-queue-latency-signing-secret', env: { ALERT_ROUTES: routes } });
  let bot: number[];
  let bare: number[];
  try {
    bot = await latencies(harness.slack, 'bot', await feed(harness.send, 'bot'));
    // The baseline reads the same queue once the bot has stopped reading it.
    await harness.bot.stop();
    const consumer = bareConsumer(harness.sqs, harness.queueUrl, harness.slack);
    try {
      bare = await latencies(harness.slack, 'bare', await feed(harness.send, 'bare'));
    } finally {
      await consumer.stop();
    }
  } finally {
    await harness.stop();
    await fakeAws.close();
    await moto.stop();
  }
  const p50 = percentile(bot, 0.5);
  const p99 = percentile(bot, 0.99);
  const bareP50 = percentile(bare, 0.5);
  const bareP99 = percentile(bare, 0.99);
  return {
    lines: [
      `events queue -> alert posted (${EVENTS} root sign-ins from ${ACCOUNTS} accounts routed to ${ACCOUNTS} channels, one every ${SPACING_MS} ms; whole bot, moto SQS, fake Slack)`,
      `  ${loadLine()}`,
      `  bot:      p50 ${formatMs(p50)}, p99 ${formatMs(p99)}, max ${formatMs(Math.max(...bot))} (goal p99 <= 2 s) ${p99 <= 2_000 ? 'MET' : 'NOT MET'}`,
      `  baseline: p50 ${formatMs(bareP50)}, p99 ${formatMs(bareP99)} (a bare consumer: receive, chat.postMessage, delete)`,
      `  the bot adds ${formatMs(p50 - bareP50)} at p50 and ${formatMs(p99 - bareP99)} at p99 (classify, store and outbox, the sender's pacing)`,
    ],
  };
}
