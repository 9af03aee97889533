// The SQS source through moto's SQS on the wire (the real SDK client, long polling, batch delete, a dead-letter
// queue by RedrivePolicy), with EventBridge envelopes of both CloudTrail detail-types, and its faults: ReceiveMessage
// errors, a commit that fails (the message comes back, then goes to the DLQ), a malformed message, and the same event
// from the poller and the queue.
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPoller, createSqsSource, type IngestBatch, type IngestResult, type IngestSink, type SqsSource } from '../../../src/activity/index.js';
import { createLogger } from '../../../src/log.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/index.js';
import { MOTO_CREDENTIALS, motoSkipReason, startMoto } from '../../fakes/moto.js';
import { eventBridgeFixture } from '../../fixtures/eventbridge/load.js';
import { useFakeAws } from '../../support/fake-aws.js';
import type { CloudTrailRecord } from '../../fakes/aws/index.js';

const moto = await startMoto();
const aws = useFakeAws({ clients: { maxAttempts: 1 } });

const logLines: string[] = [];
const logger = createLogger({ level: 'debug', secretValues: [], destination: { write: (line: string) => void logLines.push(line) } });
let sqs: SQSClient;
let store: SqliteStore;
const sources: SqsSource[] = [];

const waitFor = async (condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

/** A queue as deploy/org-events.yaml makes it: a dead-letter queue after `maxReceiveCount` receives. */
async function createQueues(name: string, options: { visibilityTimeoutSeconds?: number; maxReceiveCount?: number } = {}): Promise<{ queueUrl: string; dlqUrl: string }> {
  const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl!;
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const queueUrl = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 1), RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: options.maxReceiveCount ?? 2 }) },
      }),
    )
  ).QueueUrl!;
  return { queueUrl, dlqUrl };
}

async function depth(queueUrl: string): Promise<number> {
  const attributes = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes ?? {};
  return Number(attributes.ApproximateNumberOfMessages ?? 0) + Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

const send = (queueUrl: string, body: unknown) => sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: typeof body === 'string' ? body : JSON.stringify(body) }));

function source(queueUrl: string, sink: IngestSink = store, ingested: number[] = []): SqsSource {
  const created = createSqsSource({ sqs, queueUrl, sink, logger, onIngested: (inserted) => ingested.push(inserted), waitTimeSeconds: 1, receiveRetry: { baseMs: 50, maxMs: 200 } });
  sources.push(created);
  return created;
}

const allAlerts = async () => await store.listAlerts({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' });

describe.skipIf(!moto)(`SQS source against moto ${motoSkipReason()}`, () => {
  beforeEach(async () => {
    await moto!.reset();
    sqs = new SQSClient({ region: 'us-east-1', endpoint: moto!.url, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
    store = openSqliteStore({ path: ':memory:' });
    logLines.length = 0;
  });
  afterEach(async () => {
    for (const running of sources.splice(0)) await running.stop();
    await store.close();
    sqs.destroy();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('long-polls both CloudTrail detail-types into alerts and deletes each message only after its commit', async () => {
    const { queueUrl } = await createQueues('root-events');
    const apiCall = eventBridgeFixture('api-call-root-create-access-key');
    const signIn = eventBridgeFixture('console-sign-in-root-no-mfa');
    await send(queueUrl, apiCall);
    await send(queueUrl, signIn);
    const ingested: number[] = [];
    const running = source(queueUrl, store, ingested);
    await running.start();
    await waitFor(() => running.stats().deleted === 2);

    expect((await allAlerts()).map((alert) => [alert.firstEventId, alert.kind, alert.severity]).sort()).toEqual(
      [
        [apiCall.detail.eventID, 'root-credential-change', expect.any(String)],
        [signIn.detail.eventID, 'console-login-success', 'critical'],
      ].sort(),
    );
    expect(JSON.parse((await store.getEvent(signIn.detail.eventID as string))!.rawRecord)).toMatchObject({ eventName: 'ConsoleLogin', userIdentity: { type: 'Root' } });
    expect(ingested.reduce((sum, count) => sum + count, 0)).toBe(2);
    expect(running.stats()).toMatchObject({ received: 2, inserted: 2, unreadable: 0, commitFailures: 0 });
    expect(await depth(queueUrl)).toBe(0);
    expect(logLines.some((line) => line.includes('events queue: reading'))).toBe(true);
  });

  it('keeps a malformed message and a non-CloudTrail event with the reason, counts them and deletes them; a non-root record is deleted too', async () => {
    const { queueUrl } = await createQueues('root-events');
    await send(queueUrl, '{"detail-type": "AWS API Call via CloudTrail", "detail": {"eventID": ');
    await send(queueUrl, { version: '0', id: 'ec2-1', 'detail-type': 'EC2 Instance State-change Notification', source: 'aws.ec2', detail: { 'instance-id': 'i-0123456789abcdef0', state: 'running' } });
    const notRoot = eventBridgeFixture('api-call-root-create-access-key');
    notRoot.detail.userIdentity = { type: 'IAMUser', principalId: 'AIDACKCEVSQ6C2EXAMPLE', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userName: 'alice' };
    notRoot.detail.eventID = 'not-root-1';
    await send(queueUrl, notRoot);
    const running = source(queueUrl);
    await running.start();
    await waitFor(() => running.stats().deleted === 3);

    expect(running.stats()).toMatchObject({ received: 3, unreadable: 2, notRoot: 1, inserted: 0 });
    const kept = await store.listUnreadableRecords();
    expect(kept.map((record) => record.source)).toEqual(['sqs', 'sqs']);
    expect(kept.map((record) => record.reason).sort()).toEqual([expect.stringMatching(/^not a CloudTrail event: detail-type "EC2 Instance State-change Notification"/), expect.stringMatching(/^the message body is not JSON/)].sort());
    expect(kept.find((record) => record.reason.startsWith('the message body is not JSON'))?.body).toContain('"detail": {"eventID": ');
    expect(await allAlerts()).toEqual([]);
    expect(await depth(queueUrl)).toBe(0);
  });

  it('a message whose commit fails is not deleted: it comes back after the visibility timeout, and after maxReceiveCount goes to the DLQ', async () => {
    const { queueUrl, dlqUrl } = await createQueues('root-events', { visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
    const good = eventBridgeFixture('console-sign-in-root-no-mfa');
    const poison = eventBridgeFixture('api-call-root-create-access-key');
    const flaky = eventBridgeFixture('api-call-root-create-access-key');
    flaky.detail.eventID = 'flaky-event-1';
    let flakyFailuresLeft = 1;
    // The store refuses the poison event always and the flaky one once (as a full disk or a locked file would).
    const failingSink: IngestSink = {
      async ingestEvents(batch: IngestBatch): Promise<IngestResult> {
        const ids = batch.events.map((item) => item.event.eventId);
        if (ids.includes(poison.detail.eventID as string)) throw new Error('SQLITE_FULL: database or disk is full');
        if (ids.includes('flaky-event-1') && flakyFailuresLeft-- > 0) throw new Error('SQLITE_BUSY: database is locked');
        return await store.ingestEvents(batch);
      },
    };
    await send(queueUrl, good);
    await send(queueUrl, poison);
    await send(queueUrl, flaky);
    const running = source(queueUrl, failingSink);
    await running.start();

    // The good message was stored and deleted in the first round although its batch failed (one by one).
    await waitFor(async () => await store.getEvent(good.detail.eventID as string) !== null);
    // The flaky one came back after its visibility timeout and was stored then.
    await waitFor(async () => await store.getEvent('flaky-event-1') !== null);
    // The poison one was received twice, never deleted, and moved to the dead-letter queue.
    await waitFor(async () => (await depth(dlqUrl)) === 1);
    expect(await store.getEvent(poison.detail.eventID as string)).toBeNull();
    expect(await depth(queueUrl)).toBe(0);
    expect(running.stats().commitFailures).toBeGreaterThanOrEqual(3);
    expect(running.stats().deleted).toBe(2);
    expect(logLines.filter((line) => line.includes('could not store a message; it stays in the queue')).length).toBeGreaterThanOrEqual(3);
  });

  it('keeps going when ReceiveMessage fails (the queue does not exist yet), then reads once it does', async () => {
    const queueUrl = `${moto!.url}/123456789012/root-events`;
    const running = source(queueUrl);
    await running.start();
    await waitFor(() => running.stats().receiveErrors >= 2);
    expect(logLines.some((line) => line.includes('events queue: ReceiveMessage failed') && line.includes('NonExistentQueue'))).toBe(true);
    expect(logLines.some((line) => line.includes('GetQueueAttributes failed'))).toBe(true);

    await createQueues('root-events');
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: 'root-events' }))).QueueUrl).toBe(queueUrl);
    const signIn = eventBridgeFixture('console-sign-in-root-no-mfa');
    await send(queueUrl, signIn);
    await waitFor(() => running.stats().deleted === 1);
    expect(await store.getEvent(signIn.detail.eventID as string)).not.toBeNull();
  });

  it('the same event from the poller and the queue makes one alert', async () => {
    const { queueUrl } = await createQueues('root-events');
    const signIn = eventBridgeFixture('console-sign-in-root-no-mfa');
    // A recent sign-in, so the poller's window holds it.
    signIn.detail.eventTime = signIn.time = new Date(Date.now() - 5 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const accountId = signIn.detail.recipientAccountId as string;
    aws.fake.state.accountId = accountId;
    aws.fake.addEvents('us-east-1', [signIn.detail as unknown as CloudTrailRecord]);
    await send(queueUrl, signIn);

    const running = source(queueUrl);
    await running.start();
    await waitFor(() => running.stats().deleted === 1);
    const poller = createPoller({ cloudTrailFor: (region) => aws.clients.cloudTrail(region), sink: store, accountId, regions: ['us-east-1'], logger, overlapMinutes: 15, initialLookbackHours: 1 });
    const pass = await poller.pollOnce();

    expect(pass.totals).toMatchObject({ rootEvents: 1, inserted: 0, duplicates: 1 });
    expect(running.stats().inserted).toBe(1);
    expect(await allAlerts()).toHaveLength(1);
    expect((await store.listOutbox({ state: 'pending' })).filter((message) => message.kind === 'alert-post')).toHaveLength(1);
  });
});
