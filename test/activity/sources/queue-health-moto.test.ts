// What status reads of the events queue live, through the bot's own SQS and CloudWatch clients on the wire: moto's
// SQS (a queue and its dead-letter queue by RedrivePolicy, a message moved there by moto's redrive) and moto's
// CloudWatch, into which the test publishes AWS/SQS ApproximateAgeOfOldestMessage datapoints as SQS would. A fault
// front before moto injects AccessDenied, throttling and 5xx answers in the services' own JSON protocol.
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readQueueHealth } from '../../../src/activity/index.js';
import { createEventsQueueClient, createQueueMetricsClient } from '../../../src/aws/index.js';
import { startMotoFaultFront, type MotoFaultFront } from '../../fakes/aws/moto-faults.js';
import { MOTO_CREDENTIALS, motoSkipReason, startMoto } from '../../fakes/moto.js';

const moto = await startMoto();
const REGION = 'us-east-1';
const MOTO_ACCOUNT = '123456789012';
let front: MotoFaultFront;
let sqs: SQSClient;
let cloudWatch: CloudWatchClient;
const opened: Array<{ destroy(): void }> = [];

/** The bot's clients for a queue, as main.ts and `aws-root-guard status` make them, pointed at the fault front. */
function botClients(queueUrl: string) {
  const options = { region: REGION, endpoint: front.url, credentials: MOTO_CREDENTIALS, maxAttempts: 2 };
  const clients = { sqs: createEventsQueueClient(options, queueUrl), cloudWatch: createQueueMetricsClient(options, queueUrl) };
  opened.push(clients.sqs, clients.cloudWatch);
  return clients;
}

/** A queue as deploy/org-events.yaml makes it (name, name-dlq and a RedrivePolicy), or without a dead-letter queue. */
async function createQueue(name: string, options: { deadLetterQueue: boolean } = { deadLetterQueue: true }): Promise<{ queueUrl: string; dlqUrl: string | null; dlqArn: string | null }> {
  if (!options.deadLetterQueue) return { queueUrl: (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!, dlqUrl: null, dlqArn: null };
  const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl!;
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) } }))).QueueUrl!;
  return { queueUrl, dlqUrl, dlqArn };
}

/** Sends a message, receives it without deleting it (as a failed store would), and lets moto's redrive move it. */
async function moveOneToDeadLetterQueue(queueUrl: string): Promise<void> {
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"never":"stored"}' }));
  await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0, MaxNumberOfMessages: 1 }));
  // Past maxReceiveCount: moto moves it to the dead-letter queue at this receive, which returns nothing.
  const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0, MaxNumberOfMessages: 1 }));
  expect(again.Messages ?? []).toEqual([]);
}

/** The start of the minute `offsetMinutes` from `from`'s (a test takes `from` once: the clock may pass a minute meanwhile). */
const minuteStart = (offsetMinutes: number, from = Date.now()) => new Date(Math.floor(from / 60_000) * 60_000 + offsetMinutes * 60_000);

/** What SQS publishes for a queue: ApproximateAgeOfOldestMessage samples in seconds (moto takes the AWS/ namespace). */
async function publishAges(queueName: string, samples: Array<{ at: Date; seconds: number }>): Promise<void> {
  const data: MetricDatum[] = samples.map((sample) => ({ MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: queueName }], Timestamp: sample.at, Value: sample.seconds, Unit: 'Seconds' }));
  await cloudWatch.send(new PutMetricDataCommand({ Namespace: 'AWS/SQS', MetricData: data }));
}

describe.skipIf(!moto)(`the events queue's health against moto ${motoSkipReason()}`, () => {
  beforeAll(async () => {
    front = await startMotoFaultFront(moto!.url);
  });
  beforeEach(async () => {
    await moto!.reset();
    front.faults.clear();
    front.calls.length = 0;
    sqs = new SQSClient({ region: REGION, endpoint: moto!.url, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
    cloudWatch = new CloudWatchClient({ region: REGION, endpoint: moto!.url, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
  });
  afterEach(() => {
    for (const client of opened.splice(0)) client.destroy();
    sqs.destroy();
    cloudWatch.destroy();
  });
  afterAll(async () => {
    await front?.close();
    await moto?.stop();
  });

  it('reads the oldest message as the newest minute\'s Maximum of ApproximateAgeOfOldestMessage, and the dead-letter queue from RedrivePolicy', async () => {
    const { queueUrl, dlqArn } = await createQueue('aws-root-guard-root-events');
    await moveOneToDeadLetterQueue(queueUrl);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"waiting":true}' }));
    // Two minutes of samples; the newest minute's largest is the answer, not the last sample nor an older minute's.
    const now = Date.now();
    await publishAges('aws-root-guard-root-events', [
      { at: new Date(minuteStart(-3, now).getTime() + 5_000), seconds: 400 },
      { at: new Date(minuteStart(-2, now).getTime() + 10_000), seconds: 130 },
      { at: new Date(minuteStart(-2, now).getTime() + 40_000), seconds: 190 },
      { at: new Date(minuteStart(-2, now).getTime() + 50_000), seconds: 160 },
    ]);
    // Another queue's metric, larger: the QueueName dimension keeps it out.
    await publishAges('some-other-queue', [{ at: new Date(minuteStart(-1, now).getTime() + 5_000), seconds: 9_999 }]);

    const health = await readQueueHealth(botClients(queueUrl), queueUrl);
    expect(health.depth).toEqual({ visible: 1, inFlight: 0 });
    expect(health.oldestMessage).toEqual({ ageSeconds: 190, asOf: minuteStart(-2, now).toISOString() });
    expect(health.deadLetterQueue).toEqual({ arn: dlqArn, visible: 1, inFlight: 0 });

    // What went on the wire: one GetMetricData for the queue's metric, a minute's Maximum, over whole minutes.
    const query = front.calls.find((call) => call.operation === 'GetMetricData')!;
    expect(query.region).toBe(REGION);
    expect(query.params.MetricDataQueries).toEqual([{ Id: 'oldestMessage', ReturnData: true, MetricStat: { Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: 'aws-root-guard-root-events' }] }, Period: 60, Stat: 'Maximum' } }]);
    expect(((query.params.EndTime as number) - (query.params.StartTime as number)) / 60).toBe(15);
    expect((query.params.StartTime as number) % 60).toBe(0);
    expect(front.calls.filter((call) => call.operation === 'GetQueueAttributes').map((call) => call.params.QueueUrl)).toEqual([queueUrl, queueUrl.replace(/[^/]+$/, 'aws-root-guard-root-events-dlq')]);
  });

  it('a new queue with no datapoint yet says so instead of an age of 0, and a datapoint older than the window is not taken', async () => {
    const { queueUrl, dlqArn } = await createQueue('fresh-queue');
    const empty = await readQueueHealth(botClients(queueUrl), queueUrl);
    expect(empty.oldestMessage).toEqual({ ageSeconds: null, noDatapointSince: expect.any(String) });
    const since = Date.parse((empty.oldestMessage as { noDatapointSince: string }).noDatapointSince);
    expect(Date.now() - since).toBeGreaterThan(14 * 60_000);
    expect(Date.now() - since).toBeLessThan(16 * 60_000);
    expect(empty.deadLetterQueue).toEqual({ arn: dlqArn, visible: 0, inFlight: 0 });

    await publishAges('fresh-queue', [{ at: minuteStart(-20), seconds: 50 }]);
    expect((await readQueueHealth(botClients(queueUrl), queueUrl)).oldestMessage).toMatchObject({ ageSeconds: null });
  });

  it('a queue without RedrivePolicy has no dead-letter queue to read', async () => {
    const { queueUrl } = await createQueue('no-dlq', { deadLetterQueue: false });
    const health = await readQueueHealth(botClients(queueUrl), queueUrl);
    expect(health.depth).toEqual({ visible: 0, inFlight: 0 });
    expect(health.deadLetterQueue).toBeNull();
    expect(front.calls.filter((call) => call.operation === 'GetQueueAttributes')).toHaveLength(1);
  });

  it('AccessDenied on cloudwatch:GetMetricData names the action and the account; the depth and the dead-letter queue are still read', async () => {
    const { queueUrl, dlqArn } = await createQueue('denied-metrics');
    front.faults.accessDenied('GetMetricData');
    const health = await readQueueHealth(botClients(queueUrl), queueUrl);
    expect(health.oldestMessage).toEqual({ error: expect.stringContaining(`Access denied to cloudwatch:GetMetricData in account ${MOTO_ACCOUNT}: allow the IAM action cloudwatch:GetMetricData in the bot's policy (see iam-policy.json)`) });
    expect(health.depth).toEqual({ visible: 0, inFlight: 0 });
    expect(health.deadLetterQueue).toEqual({ arn: dlqArn, visible: 0, inFlight: 0 });
    // Not retried: a refusal does not get better.
    expect(front.calls.filter((call) => call.operation === 'GetMetricData')).toHaveLength(1);
  });

  it('throttling: one throttled answer is retried by the SDK and read; throttled on every attempt, says so', async () => {
    const { queueUrl } = await createQueue('throttled-metrics');
    const now = Date.now();
    await publishAges('throttled-metrics', [{ at: new Date(minuteStart(-1, now).getTime() + 1_000), seconds: 42 }]);
    front.faults.throttle('GetMetricData', { times: 1 });
    expect((await readQueueHealth(botClients(queueUrl), queueUrl)).oldestMessage).toEqual({ ageSeconds: 42, asOf: minuteStart(-1, now).toISOString() });
    expect(front.calls.filter((call) => call.operation === 'GetMetricData').map((call) => call.fault)).toEqual(['Throttling', null]);

    front.faults.throttle('GetMetricData');
    const health = await readQueueHealth(botClients(queueUrl), queueUrl);
    expect(health.oldestMessage).toEqual({ error: `cloudwatch:GetMetricData in account ${MOTO_ACCOUNT} was throttled by AWS after 2 attempts: run the check again in a minute.` });
    expect(health.depth).toEqual({ visible: 0, inFlight: 0 });
  });

  it('a 500 or 503 from CloudWatch, retried and still failing, is the reason shown', async () => {
    const { queueUrl } = await createQueue('failing-metrics');
    front.faults.serverError('GetMetricData', { status: 500 });
    expect((await readQueueHealth(botClients(queueUrl), queueUrl)).oldestMessage).toEqual({ error: `cloudwatch:GetMetricData in account ${MOTO_ACCOUNT} failed after 2 attempts: InternalServiceError: Internal service error.` });
    front.faults.clear();
    front.faults.serverError('GetMetricData', { status: 503 });
    const health = await readQueueHealth(botClients(queueUrl), queueUrl);
    expect(health.oldestMessage).toEqual({ error: expect.stringMatching(new RegExp(`^cloudwatch:GetMetricData in account ${MOTO_ACCOUNT} failed after 2 attempts: ServiceUnavailable: `)) });
    expect(health.depth).toEqual({ visible: 0, inFlight: 0 });
  });

  it('AccessDenied on the dead-letter queue names sqs:GetQueueAttributes and its ARN; the queue itself is read', async () => {
    const { queueUrl, dlqUrl, dlqArn } = await createQueue('denied-dlq');
    front.faults.accessDenied('GetQueueAttributes', { params: { QueueUrl: dlqUrl! } });
    const health = await readQueueHealth(botClients(queueUrl), queueUrl);
    expect(health.depth).toEqual({ visible: 0, inFlight: 0 });
    expect(health.deadLetterQueue).toEqual({ arn: dlqArn, error: expect.stringMatching(new RegExp(`^sqs:GetQueueAttributes failed: AccessDenied: .*\\(allow sqs:GetQueueAttributes on ${dlqArn}\\)$`)) });
  });
});
