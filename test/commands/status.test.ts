// `aws-root-guard status` reads the coverage record from the bot's store, so it works on any host that reaches the
// store: the SQLite file in DATA_DIR, or DATABASE_URL's PostgreSQL (replicas on separate hosts, no DATA_DIR there).
// With EVENTS_QUEUE_URL it reads the queue live through the SDK: moto's SQS and CloudWatch behind the fault front,
// and the member-rules StackSet's instances from the wire-level fake's CloudFormation.
// PostgreSQL runs skip without TEST_DATABASE_URL (printed), moto runs without moto.
import { Writable } from 'node:stream';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CoverageRecord, CoverageReport } from '../../src/activity/index.js';
import { runStatusCommand } from '../../src/commands/status.js';
import { openPostgresStore, openSqliteStore, readPostgresConfig, type BotStore } from '../../src/store/index.js';
import { deployedStackSet, startFakeAws, type FakeAws } from '../fakes/aws/index.js';
import { startMotoFaultFront, type MotoFaultFront } from '../fakes/aws/moto-faults.js';
import { MOTO_CREDENTIALS, motoSkipReason, startMoto } from '../fakes/moto.js';
import { tempDir } from '../store/helpers.js';
import { freshSchema, testDatabaseUrl } from '../store/postgres-database.js';

const PROD = '210000000031';
const databaseUrl = testDatabaseUrl();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function sink(): Writable & { text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return Object.assign(stream, { text: () => text });
}

/** What the bot records after a pass that read both Regions of PROD. */
async function recordPass(store: BotStore): Promise<void> {
  const now = new Date().toISOString();
  const record: CoverageRecord = { writtenAt: now, lastPassAt: now, pollIntervalMs: 60_000, queue: null, accounts: [{ accountId: PROD, name: 'prod', problem: null, regions: [{ region: 'us-east-1', problem: null }, { region: 'eu-west-1', problem: null }] }] };
  await store.writeCoverageRecord(record);
  for (const region of ['us-east-1', 'eu-west-1']) await store.commitBatch({ accountId: PROD, region, cursor: now, events: [], malformedCount: 0 });
}

async function status(env: Record<string, string>): Promise<{ code: number; report: CoverageReport | null; stderr: string }> {
  const stdout = sink();
  const stderr = sink();
  const code = await runStatusCommand(env, { json: true, stdout, stderr });
  return { code, report: stdout.text() ? (JSON.parse(stdout.text()) as CoverageReport) : null, stderr: stderr.text() };
}

async function statusText(env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  const stdout = sink();
  const code = await runStatusCommand(env, { json: false, stdout, stderr: sink() });
  return { code, stdout: stdout.text() };
}

describe('aws-root-guard status', () => {
  it('reads the coverage record the bot wrote to its SQLite store in DATA_DIR', async () => {
    const dir = tempDir('arg-status-');
    cleanups.push(() => dir.remove());
    const store = openSqliteStore({ dataDir: dir.path });
    await recordPass(store);
    await store.close();
    const { code, report } = await status({ DATA_DIR: dir.path });
    expect(code).toBe(0);
    expect(report?.totals).toMatchObject({ accounts: 1, regions: 2, unreadableAccounts: 0, failingRegions: 0, laggingRegions: 0 });
  });

  it('says there is no bot state (exit 2) without the store', async () => {
    const dir = tempDir('arg-status-');
    cleanups.push(() => dir.remove());
    const { code, stderr } = await status({ DATA_DIR: dir.path });
    expect(code).toBe(2);
    expect(stderr).toContain('or DATABASE_URL to its PostgreSQL');
  });

  it.skipIf(databaseUrl === null)('reads it from DATABASE_URL, written there by a replica on another host (no DATA_DIR here)', async () => {
    const schema = await freshSchema(databaseUrl!, 'status');
    cleanups.push(schema.drop);
    const { config } = readPostgresConfig({ DATABASE_URL: schema.url });
    const replica = await openPostgresStore(config!);
    await recordPass(replica);
    await replica.close();
    const empty = tempDir('arg-status-');
    cleanups.push(() => empty.remove());
    const { code, report } = await status({ DATABASE_URL: schema.url, DATA_DIR: empty.path });
    expect(code).toBe(0);
    expect(report?.accounts.map((account) => [account.accountId, account.regions.length])).toEqual([[PROD, 2]]);
  });
});

const moto = await startMoto();

describe.skipIf(!moto)(`aws-root-guard status with the events queue ${motoSkipReason()}`, () => {
  const QUEUE = 'aws-root-guard-root-events';
  let front: MotoFaultFront;
  let fakeAws: FakeAws;
  let queueUrl: string;
  let dlqArn: string;
  let dataDir: ReturnType<typeof tempDir>;
  const savedEnv = { ...process.env };
  const minute = Math.floor(Date.now() / 60_000) * 60_000;

  beforeAll(async () => {
    front = await startMotoFaultFront(moto!.url);
    // The member rules: deployed and forwarding in PROD's us-east-1; in eu-west-1 the stack failed to create.
    fakeAws = await startFakeAws();
    const stackSet = deployedStackSet([PROD], ['us-east-1', 'eu-west-1']);
    Object.assign(stackSet.instances[1]!, { Status: 'OUTDATED', DetailedStatus: 'FAILED', StatusReason: 'Role aws-root-guard-forward-eu-west-1 already exists' });
    fakeAws.stackSets.set('aws-root-guard-member-root-event-rules', stackSet);
    // The SDK reads these from the process, as in a real terminal: the command's clients go to the front (and the fake).
    Object.assign(process.env, { AWS_ENDPOINT_URL_SQS: front.url, AWS_ENDPOINT_URL_CLOUDWATCH: front.url, AWS_ENDPOINT_URL_CLOUDFORMATION: fakeAws.url, AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' });
    const setup = { region: 'us-east-1', endpoint: moto!.url, credentials: MOTO_CREDENTIALS };
    const sqs = new SQSClient(setup);
    const cloudWatch = new CloudWatchClient(setup);
    try {
      // The queue as deploy/org-events.yaml makes it; one message the bot never stored has moved to the DLQ.
      const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${QUEUE}-dlq` }))).QueueUrl!;
      dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
      queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: QUEUE, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) } }))).QueueUrl!;
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"never":"stored"}' }));
      for (let receive = 0; receive < 2; receive += 1) await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0 }));
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"waiting":true}' }));
      // The queue's URL as the bot would be given it behind the front (AWS_ENDPOINT_URL_SQS points there too).
      queueUrl = queueUrl.replace(moto!.url, front.url);
      // SQS's own metric, as CloudWatch would hold it: three minutes old at most.
      await cloudWatch.send(new PutMetricDataCommand({ Namespace: 'AWS/SQS', MetricData: [{ MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: QUEUE }], Timestamp: new Date(minute - 3 * 60_000 + 20_000), Value: 184, Unit: 'Seconds' }] }));
    } finally {
      sqs.destroy();
      cloudWatch.destroy();
    }
    dataDir = tempDir('arg-status-queue-');
    const store = openSqliteStore({ dataDir: dataDir.path });
    await recordPass(store);
    const record = await store.readCoverageRecord();
    await store.writeCoverageRecord({ ...record!, queue: { queueUrl, received: 1, lastMessageAt: new Date().toISOString(), lastMessageSentAt: new Date().toISOString(), lastReceiveError: null } });
    await store.close();
  });

  afterAll(async () => {
    process.env = savedEnv;
    dataDir?.remove();
    await front?.close();
    await fakeAws?.close();
    await moto?.stop();
  });

  afterEach(() => {
    front.faults.clear();
    fakeAws.faults.clear();
  });

  const env = () => ({ DATA_DIR: dataDir.path, EVENTS_QUEUE_URL: queueUrl, AWS_REGION: 'us-east-1' });

  it('--json keeps the queue\'s fields and adds the oldest message (CloudWatch) and the dead-letter queue', async () => {
    const { code, report } = await status(env());
    expect(code).toBe(0);
    expect(report!.queue).toEqual({
      queueUrl,
      received: 1,
      lastMessageAt: expect.any(String),
      lastMessageSentAt: expect.any(String),
      lastReceiveError: null,
      depth: { visible: 1, inFlight: 0 },
      oldestMessage: { ageSeconds: 184, asOf: new Date(minute - 3 * 60_000).toISOString() },
      deadLetterQueue: { arn: dlqArn, visible: 1, inFlight: 0 },
      memberRules: { stackSetName: 'aws-root-guard-member-root-event-rules', callAs: 'SELF', readAt: expect.any(String), instances: 2, forwarding: 1, truncated: false, error: null },
    });
    // The queue hears PROD in one of its two Regions: not a source of PROD's until it hears both.
    expect(report!.accounts[0]).toMatchObject({ accountId: PROD, sources: ['poller'], queueRules: { forwardingRegions: 1, regions: 2, reason: null, gaps: [{ region: 'eu-west-1', reason: 'stack instance OUTDATED (FAILED: Role aws-root-guard-forward-eu-west-1 already exists)' }] } });
    expect(report!.totals.queueAccounts).toBe(0);
  });

  it('prints them under the queue, with the time CloudWatch\'s datapoint stands for', async () => {
    const { code, stdout } = await statusText(env());
    expect(code).toBe(0);
    const asOf = new Date(minute - 3 * 60_000).toISOString().slice(11, 16);
    expect(stdout).toContain(`Events queue: ${queueUrl}: 1 waiting, 0 in flight; last message`);
    expect(stdout).toContain(`\n  oldest message 3 min old (CloudWatch, as of ${asOf} UTC)\n  dead-letter queue ${QUEUE}-dlq: 1 message the bot could not store and never alerted on\n`);
    expect(stdout).toContain('\n  member rules: StackSet aws-root-guard-member-root-event-rules (SELF): 1 of 2 stack instances forward\n');
    expect(stdout).toContain('Coverage: watching 1 account × 2 Regions and the events queue (heard from 0 of 1 account)\n');
    expect(stdout).toContain(`\nNot heard by the events queue (the poller still reads them):\n  prod (${PROD}): eu-west-1: stack instance OUTDATED (FAILED: Role aws-root-guard-forward-eu-west-1 already exists)\n`);
  });

  it('cloudformation:ListStackInstances refused: the queue is no account\'s source, the report says why and where; the exit code is unchanged', async () => {
    fakeAws.faults.accessDenied('ListStackInstances');
    const { code, report } = await status(env());
    expect(code).toBe(0);
    expect(report!.queue!.memberRules).toMatchObject({ callAs: null, instances: 0, error: expect.stringMatching(/^Access denied to cloudformation:ListStackInstances in account 123456789012: .*\(on arn:aws:cloudformation:\*:123456789012:stackset\/aws-root-guard-member-root-event-rules:\*\)$/) });
    expect(report!.accounts[0]).toMatchObject({ sources: ['poller'], queueRules: null });
    expect(report!.totals.queueAccounts).toBeNull();
    const text = await statusText(env());
    expect(text.stdout).toContain('and the events queue (its member rules could not be read)');
    expect(text.stdout).toContain('\n  member rules (StackSet aws-root-guard-member-root-event-rules) not read: Access denied to cloudformation:ListStackInstances');
    expect(text.stdout).not.toContain('Not heard by the events queue');
  });

  it('cloudwatch:GetMetricData refused: the report still renders, naming the action and the account; the exit code is unchanged', async () => {
    front.faults.accessDenied('GetMetricData');
    const { code, report } = await status(env());
    expect(code).toBe(0);
    expect(report!.queue!.oldestMessage).toEqual({ error: expect.stringContaining("Access denied to cloudwatch:GetMetricData in account 123456789012: allow the IAM action cloudwatch:GetMetricData in the bot's policy (see iam-policy.json). AWS said: User: arn:aws:iam::123456789012:user/aws-root-guard is not authorized") });
    expect(report!.queue!.depth).toEqual({ visible: 1, inFlight: 0 });
    const text = await statusText(env());
    expect(text.stdout).toContain('\n  oldest message age unknown: Access denied to cloudwatch:GetMetricData in account 123456789012: allow the IAM action cloudwatch:GetMetricData');
    expect(text.stdout).toContain(`dead-letter queue ${QUEUE}-dlq: 1 message`);
  });

  it('CloudWatch throttling or a 500 past the retries, and the queue\'s own attributes refused: each part says why, the rest renders', async () => {
    front.faults.throttle('GetMetricData');
    expect((await status(env())).report!.queue!.oldestMessage).toEqual({ error: 'cloudwatch:GetMetricData in account 123456789012 was throttled by AWS after 2 attempts: run the check again in a minute.' });
    front.faults.clear();
    front.faults.serverError('GetMetricData', { status: 500 }).accessDenied('GetQueueAttributes', { params: { QueueUrl: queueUrl } });
    const { code, report } = await status(env());
    expect(code).toBe(0);
    expect(report!.queue).toMatchObject({
      depth: { error: expect.stringMatching(/^sqs:GetQueueAttributes failed: AccessDenied: .*\(allow sqs:GetQueueAttributes on http/) },
      oldestMessage: { error: 'cloudwatch:GetMetricData in account 123456789012 failed after 2 attempts: InternalServiceError: Internal service error.' },
      // Its RedrivePolicy could not be read either: no dead-letter queue to show, and depth says why.
      deadLetterQueue: null,
    });
    expect(report!.totals.accounts).toBe(1);
  });
});
