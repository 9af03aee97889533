// The metrics as Prometheus reads them: the text exposition from the registry, fed by a real SQLite store,
// real SDK calls to the fake AWS, real WebClient calls to the fake Slack and a real poll pass.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GetCredentialReportCommand } from '@aws-sdk/client-iam';
import { createAwsClients } from '../../src/aws/index.js';
import { createPoller } from '../../src/activity/index.js';
import { createOutboxSender, createSenderWebClient, webClientMessenger, type OutboxSender } from '../../src/alerts/index.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { countAwsErrors, countSlackErrors, createBotMetrics, outboxDeliveryMetrics, recordPollPass, timedPostureRun } from '../../src/metrics/index.js';
import { takeShutdownRecordSeconds, writeShutdownRecord } from '../../src/shutdown-record.js';
import { FAKE_CREDENTIALS, hardenedAccount, startFakeAws, type CloudTrailRecord, type FakeAws } from '../fakes/aws/index.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { ACCOUNT, capturingLogger, rawRecordFor, rootEvent, tempDir } from '../store/helpers.js';
import { sample } from '../support/metrics-sample.js';

describe('metrics read from the store on scrape', () => {
  let dir: { path: string; remove(): void };
  let store: SqliteStore;
  afterEach(async () => {
    await store?.close();
    dir?.remove();
  });

  it('counts open alerts by severity, the outbox depth and its oldest pending row', async () => {
    dir = tempDir();
    const clock = { now: new Date('2026-11-02T04:00:00Z') };
    store = openSqliteStore({ dataDir: dir.path }, { clock: () => clock.now });
    const events = [rootEvent({ severity: 'critical', kind: 'console-login-success', eventName: 'ConsoleLogin', accountId: ACCOUNT }), rootEvent({ severity: 'medium', accountId: '210987654321' })];
    await store.commitBatch({ accountId: ACCOUNT, region: 'us-east-1', cursor: '2026-11-02T04:00:00Z', events: events.map((event) => ({ event, rawRecord: rawRecordFor(event) })), malformedCount: 0 });
    const metrics = createBotMetrics({ store, clock: () => new Date('2026-11-02T04:10:00Z'), processMetrics: false });

    const text = await metrics.registry.metrics();
    expect(sample(text, 'aws_root_guard_alerts_open', { severity: 'critical' })).toBe(1);
    expect(sample(text, 'aws_root_guard_alerts_open', { severity: 'medium' })).toBe(1);
    expect(sample(text, 'aws_root_guard_alerts_open', { severity: 'low' })).toBe(0);
    expect(sample(text, 'aws_root_guard_outbox_depth', { state: 'pending' })).toBe(2);
    expect(sample(text, 'aws_root_guard_outbox_oldest_pending_age_seconds')).toBe(600);

    // Posted: the row leaves the depth, and the gauge follows without anyone updating it.
    const [first] = await store.dueOutbox(clock.now, 1);
    await store.markOutboxSending(first!.id, clock.now);
    const during = await metrics.registry.metrics();
    expect(sample(during, 'aws_root_guard_outbox_depth', { state: 'sending' })).toBe(1);
    expect(sample(during, 'aws_root_guard_outbox_depth', { state: 'pending' })).toBe(1);
  });

  it('keeps one registry per bot: two bots in one process do not share counters', async () => {
    const one = createBotMetrics({ processMetrics: false });
    const two = createBotMetrics({ processMetrics: false });
    one.eventsIngested.inc({ account_id: ACCOUNT }, 3);
    expect(sample(await one.registry.metrics(), 'aws_root_guard_events_ingested_total', { account_id: ACCOUNT })).toBe(3);
    expect(sample(await two.registry.metrics(), 'aws_root_guard_events_ingested_total', { account_id: ACCOUNT })).toBeNull();
  });
});

describe('metrics recorded where things happen', () => {
  let fakeAws: FakeAws;
  let slack: FakeSlack;
  const savedEnv = { ...process.env };
  beforeAll(async () => {
    fakeAws = await startFakeAws({ state: hardenedAccount() });
    slack = await startFakeSlack();
    process.env.AWS_ACCESS_KEY_ID = FAKE_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = FAKE_CREDENTIALS.secretAccessKey;
  });
  afterAll(async () => {
    await fakeAws?.close();
    await slack?.close();
    process.env = savedEnv;
  });
  afterEach(() => {
    fakeAws.faults.clear();
    slack.faults.clear();
  });

  it('counts failed AWS calls by service, operation and code, after the SDK retries', async () => {
    const metrics = createBotMetrics({ processMetrics: false });
    const aws = createAwsClients({ region: 'us-east-1', endpoint: fakeAws.url, maxAttempts: 2, onClient: countAwsErrors(metrics) });
    try {
      fakeAws.faults.accessDenied('GetCredentialReport', { times: 1 });
      await expect(aws.iam.send(new GetCredentialReportCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });
      // Throttled once, then answered: the SDK's retry succeeds and nothing is counted.
      fakeAws.faults.throttle('GetCredentialReport', { times: 1 });
      await aws.iam.send(new GetCredentialReportCommand({})).catch(() => undefined);
      const text = await metrics.registry.metrics();
      expect(sample(text, 'aws_root_guard_aws_errors_total', { service: 'IAM', operation: 'GetCredentialReport', code: 'AccessDenied' })).toBe(1);
      expect(sample(text, 'aws_root_guard_aws_errors_total', { code: 'Throttling' })).toBeNull();
    } finally {
      aws.destroy();
    }
  });

  it('counts failed Slack calls of the sender by method and code', async () => {
    const metrics = createBotMetrics({ processMetrics: false });
    const messenger = countSlackErrors(webClientMessenger(createSenderWebClient({ token: slack.botToken, slackApiUrl: slack.apiUrl })), metrics);
    slack.faults.error('chat.postMessage', 'channel_not_found', { times: 1 }).serverError('chat.postMessage', { status: 503, times: 1 });
    await expect(messenger.postMessage({ channel: 'C0SECURITY', text: 'one' })).rejects.toBeTruthy();
    await expect(messenger.postMessage({ channel: 'C0SECURITY', text: 'two' })).rejects.toBeTruthy();
    await expect(messenger.postMessage({ channel: 'C0SECURITY', text: 'three' })).resolves.toMatchObject({ channel: 'C0SECURITY' });
    const text = await metrics.registry.metrics();
    expect(sample(text, 'aws_root_guard_slack_errors_total', { method: 'chat.postMessage', code: 'channel_not_found' })).toBe(1);
    expect(sample(text, 'aws_root_guard_slack_errors_total', { method: 'chat.postMessage', code: 'http_503' })).toBe(1);
  });

  it('records a poll pass: new events, malformed records and the lag per Region', async () => {
    const dir = tempDir();
    const store = openSqliteStore({ dataDir: dir.path });
    const aws = createAwsClients({ region: 'us-east-1', endpoint: fakeAws.url, maxAttempts: 1 });
    try {
      const now = new Date();
      const event = rootEvent({ eventTime: new Date(now.getTime() - 5 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), region: 'eu-west-1' });
      fakeAws.addEvents('eu-west-1', [JSON.parse(rawRecordFor(event)) as CloudTrailRecord]);
      fakeAws.addLookupEnvelopes('eu-west-1', [{ EventId: 'broken-1', EventName: 'ListBuckets', ReadOnly: 'true', EventTime: new Date(now.getTime() - 60_000), EventSource: 's3.amazonaws.com', Username: 'root', CloudTrailEvent: '{"eventVersion":' }]);
      const poller = createPoller({ cloudTrailFor: (region) => aws.cloudTrail(region), sink: store, accountId: ACCOUNT, regions: ['eu-west-1'], logger: capturingLogger().logger, overlapMinutes: 5, initialLookbackHours: 1 });
      const pass = await poller.pollOnce();
      const scrapeAt = new Date(Date.parse(pass.regions[0]!.committedCursor!) + 90_000);
      const metrics = createBotMetrics({ processMetrics: false, clock: () => scrapeAt });
      recordPollPass(metrics, pass);
      const text = await metrics.registry.metrics();
      expect(sample(text, 'aws_root_guard_events_ingested_total', { account_id: ACCOUNT })).toBe(1);
      expect(sample(text, 'aws_root_guard_malformed_records_total', { account_id: ACCOUNT })).toBe(1);
      expect(sample(text, 'aws_root_guard_poll_lag_seconds', { account_id: ACCOUNT, region: 'eu-west-1' })).toBe(90);
    } finally {
      aws.destroy();
      await store.close();
      dir.remove();
    }
  });

  it('times posture runs, also the ones that fail', async () => {
    const metrics = createBotMetrics({ processMetrics: false });
    await timedPostureRun(metrics, 'command', async () => 'report')();
    await expect(timedPostureRun(metrics, 'summary', async () => Promise.reject(new Error('no AWS')))()).rejects.toThrow('no AWS');
    const text = await metrics.registry.metrics();
    expect(sample(text, 'aws_root_guard_posture_run_duration_seconds_count', { trigger: 'command' })).toBe(1);
    expect(sample(text, 'aws_root_guard_posture_run_duration_seconds_count', { trigger: 'summary' })).toBe(1);
  });
});

describe('what the outbox sender counts about crashes, outages and shutdowns', () => {
  let slack: FakeSlack;
  let store: SqliteStore;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(() => slack.close());
  afterEach(async () => {
    await store?.close();
    slack.faults.clear();
  });

  async function senderWithMetrics(timeoutMs = 15_000) {
    store = openSqliteStore({ path: ':memory:' });
    const metrics = createBotMetrics({ store, processMetrics: false });
    const delivery = outboxDeliveryMetrics(metrics);
    const client = createSenderWebClient({ token: slack.botToken, slackApiUrl: slack.apiUrl, timeoutMs });
    const sender = createOutboxSender({
      store,
      messenger: webClientMessenger(client, { findPostsInHistory: true }),
      render: ({ message: row }) => ({ text: `${row.kind} ${row.id}` }),
      defaultChannel: 'C0METRICS',
      logger: capturingLogger().logger,
      channelIntervalMs: 10,
      transientBackoff: { baseMs: 50, capMs: 200 },
      events: delivery.senderEvents,
    });
    await store.commitBatch({ accountId: ACCOUNT, region: 'us-east-1', cursor: '2026-11-02T04:00:00Z', events: [rootEvent({ accountId: ACCOUNT })].map((event) => ({ event, rawRecord: rawRecordFor(event) })), malformedCount: 0 });
    return { metrics, delivery, sender };
  }

  async function sendAll(sender: OutboxSender): Promise<void> {
    const deadline = Date.now() + 8_000;
    while ((await store.outboxCounts()).pending > 0 && Date.now() < deadline) {
      await sender.sendDue();
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
  }

  it('counts a post found in the channel history instead of posted again, by kind', async () => {
    const { metrics, sender } = await senderWithMetrics(150);
    // Slack posts the message but the answer comes after the client gave up.
    slack.faults.holdAnswer('chat.postMessage', 400, { times: 1 });
    await sender.sendDue();
    await new Promise((resolve) => setTimeout(resolve, 450));
    await sendAll(sender);
    expect(sample(await metrics.registry.metrics(), 'aws_root_guard_outbox_found_in_history_total', { kind: 'alert-post' })).toBe(1);
  });

  it('counts the rows that waited out an outage when sending resumes', async () => {
    const { metrics, sender } = await senderWithMetrics();
    slack.faults.serverError('*', { forMs: 300 });
    await sendAll(sender);
    expect((await store.outboxCounts()).pending).toBe(0);
    expect(sample(await metrics.registry.metrics(), 'aws_root_guard_outbox_rows_resumed_after_pause_total')).toBe(1);
  });

  it('reports the previous run\'s shutdown duration from DATA_DIR, once; NaN when none was recorded', async () => {
    const dir = tempDir();
    try {
      const metrics = createBotMetrics({ processMetrics: false });
      const delivery = outboxDeliveryMetrics(metrics);
      expect(sample(await metrics.registry.metrics(), 'aws_root_guard_last_shutdown_duration_seconds')).toBeNaN();
      writeShutdownRecord(dir.path, { stoppedAt: new Date(), durationMs: 1_250 });
      delivery.setLastShutdownSeconds(takeShutdownRecordSeconds(dir.path));
      expect(sample(await metrics.registry.metrics(), 'aws_root_guard_last_shutdown_duration_seconds')).toBe(1.25);
      // Taken: a run that is killed next leaves nothing to report.
      expect(takeShutdownRecordSeconds(dir.path)).toBeNull();
    } finally {
      dir.remove();
    }
  });
});
