// Coverage end to end, the whole bot as main.ts wires it: an organization on the fake AWS (one member whose role is
// missing, one with eu-west-1 opted out), the poller's first pass, the events queue on moto's SQS with its
// dead-letter queue, the queue's AWS/SQS metric in moto's CloudWatch, and the member-rules StackSet on the fake's
// CloudFormation (forwarding from prod and sandbox, failed in data's opted-out Region, none in the management
// account); then a signed `/aws-root-check status` through Bolt, and the real CLI `aws-root-guard status` on the
// bot's DATA_DIR.
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../src/activity/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { ACCOUNT_ID, addMember, createFakeOrganization, deployedStackSet, hardenedAccount, startFakeAws, type FakeAws } from '../fakes/aws/index.js';
import { signedSlashCommand, slashCommandFields } from '../fakes/slack/index.js';
import { MOTO_CREDENTIALS, motoSkipReason, startMoto } from '../fakes/moto.js';
import { eventBridgeFixture } from '../fixtures/eventbridge/load.js';
import { waitFor } from '../support/bot.js';
import { runCli } from '../support/cli-process.js';
import { startQueueBot, type QueueBot } from '../support/queue-bot.js';

const moto = await startMoto();
const SIGNING_SECRET = 'coverage-e2e-signing-secret-012345';
const PROD = '210000000021';
const NO_ROLE = '210000000022';
const OPTED_OUT = '210000000023';

// The minute of the queue's ApproximateAgeOfOldestMessage datapoint: two minutes before the test starts.
const METRIC_MINUTE = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 60_000;
const METRIC_HHMM = new Date(METRIC_MINUTE).toISOString().slice(11, 16);

let fakeAws: FakeAws;
let harness: QueueBot;

describe.skipIf(!moto)(`coverage through the whole bot and the CLI ${motoSkipReason()}`, () => {
  beforeAll(async () => {
    fakeAws = await startFakeAws({ state: hardenedAccount() });
    const organization = createFakeOrganization(ACCOUNT_ID);
    addMember(organization, { id: PROD, name: 'prod' });
    addMember(organization, { id: NO_ROLE, name: 'sandbox', roles: [] });
    const optedOut = addMember(organization, { id: OPTED_OUT, name: 'data' });
    optedOut.aws.regions = optedOut.aws.regions.map((region) => (region.RegionName === 'eu-west-1' ? { ...region, RegionOptStatus: 'DISABLED' } : region));
    fakeAws.organization = organization;
    // The StackSet deploys to members only; in data's eu-west-1 (not enabled) its stack could not be made.
    const rules = deployedStackSet([PROD, NO_ROLE, OPTED_OUT], ['us-east-1', 'eu-west-1']);
    Object.assign(rules.instances.find((instance) => instance.Account === OPTED_OUT && instance.Region === 'eu-west-1')!, { Status: 'OUTDATED', DetailedStatus: 'FAILED', StatusReason: `Account ${OPTED_OUT} should have 'eu-west-1' region enabled` });
    fakeAws.stackSets.set('aws-root-guard-member-root-event-rules', rules);
    harness = await startQueueBot({ moto: moto!, fakeAws, queueName: 'aws-root-guard-coverage', deadLetterQueue: true, signingSecret: SIGNING_SECRET, env: { WATCH_ACCOUNTS: 'organization', AWS_REGIONS: 'us-east-1,eu-west-1' } });
    // What SQS would have published for the queue a couple of minutes ago (moto takes the AWS/ namespace).
    const cloudWatch = new CloudWatchClient({ region: 'us-east-1', endpoint: moto!.url, credentials: MOTO_CREDENTIALS });
    await cloudWatch.send(new PutMetricDataCommand({ Namespace: 'AWS/SQS', MetricData: [{ MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: 'aws-root-guard-coverage' }], Timestamp: new Date(METRIC_MINUTE + 30_000), Value: 75, Unit: 'Seconds' }] }));
    cloudWatch.destroy();
  });

  afterAll(async () => {
    await harness?.stop();
    await fakeAws?.close();
    await moto?.stop();
  });

  it('answers /aws-root-check status with the accounts × Regions watched, the role that is missing and the opted-out Region', async () => {
    // The first poll pass runs at start and writes the coverage record to the bot's store.
    const store = openSqliteStore({ dataDir: harness.dataDir });
    try {
      await waitFor(() => store.readCoverageRecord().then((record) => record?.lastPassAt), 'the first poll pass', 60_000);
    } finally {
      await store.close();
    }
    const event = eventBridgeFixture('console-sign-in-root-no-mfa');
    await harness.send(JSON.stringify({ ...event, detail: { ...event.detail, eventID: 'coverage-e2e-1', eventTime: new Date().toISOString() } }));
    await waitFor(() => harness.slack.state.messages.some((message) => message.threadTs === null && (message.text ?? '').includes('111122223333')), 'the queued alert', 30_000);

    const responseUrl = harness.slack.newResponseUrl();
    const answer = await signedSlashCommand(`http://127.0.0.1:${harness.bot.port}/slack/events`, SIGNING_SECRET, slashCommandFields({ responseUrl, text: 'status' }));
    expect(answer.status).toBe(200);
    const reply = await waitFor(() => harness.slack.responsesTo(responseUrl).find((post) => JSON.stringify(post).includes('Coverage')), 'the status reply', 30_000);
    const text = JSON.stringify(reply.body);
    expect(text).toContain('Coverage: watching 4 accounts × 2 Regions and the events queue (heard from 2 of 4 accounts); 1 could not be read (role missing), none of them blind (the events queue hears them)');
    expect(text).toMatch(new RegExp(`sandbox \\(${NO_ROLE}\\): sts:AssumeRole`));
    expect(text).toMatch(new RegExp(`data \\(${OPTED_OUT}\\) eu-west-1: eu-west-1 refused the credentials`));
    // The message the queue delivered a moment ago, and its depth read live.
    expect(text).toMatch(/events queue: 0 waiting, \d+ in flight; last message \d+ s ago/);
    // Its oldest message as CloudWatch last saw it, and the dead-letter queue its RedrivePolicy names.
    expect(text).toContain(`• oldest message 75 s old (CloudWatch, as of ${METRIC_HHMM} UTC)`);
    expect(text).toContain('• dead-letter queue aws-root-guard-coverage-dlq: empty');
    expect(text).toContain('• member rules: StackSet aws-root-guard-member-root-event-rules (SELF): 5 of 6 stack instances forward');
    // Who the queue does not hear, and why: the management account (no StackSet there) and data's failed Region.
    expect(text).toContain('*Not heard by the events queue* (the poller still reads them):');
    expect(text).toContain(`• management (${ACCOUNT_ID}): not known: a StackSet does not deploy to the management account`);
    expect(text).toContain(`• data (${OPTED_OUT}): eu-west-1: stack instance OUTDATED (FAILED: Account ${OPTED_OUT} should have 'eu-west-1' region enabled)`);
  });

  it('aws-root-guard status prints the same coverage from DATA_DIR, as text and as JSON', async () => {
    const json = await runCli(['status', '--json'], harness.env);
    expect(json.stderr).not.toMatch(/Error/);
    // Something could not be read: exit code 1.
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as CoverageReport;
    expect(report.totals).toMatchObject({ accounts: 4, regions: 2, unreadableAccounts: 1, failingRegions: 1 });
    expect(report.accounts[0]).toMatchObject({ accountId: NO_ROLE, name: 'sandbox', unreadable: true, problem: { action: 'sts:AssumeRole' } });
    const prod = report.accounts.find((account) => account.accountId === PROD)!;
    expect(prod.sources).toEqual(['poller', 'queue']);
    // The queue hears sandbox although the poller cannot read it; not data (one Region failed) nor the management account.
    expect(Object.fromEntries(report.accounts.map((account) => [account.accountId, account.sources.join('+')]))).toEqual({ [ACCOUNT_ID]: 'poller', [PROD]: 'poller+queue', [NO_ROLE]: 'poller+queue', [OPTED_OUT]: 'poller' });
    expect(report.totals.queueAccounts).toBe(2);
    expect(report.queue?.memberRules).toMatchObject({ callAs: 'SELF', instances: 6, forwarding: 5, error: null });
    expect(prod.regions.map((region) => [region.region, region.lagging, region.problem])).toEqual([['us-east-1', false, null], ['eu-west-1', false, null]]);
    expect(prod.regions.every((region) => region.cursorAgeSeconds !== null && region.cursorAgeSeconds < 600)).toBe(true);
    expect(report.queue?.depth).toEqual({ visible: 0, inFlight: expect.any(Number) });
    expect(report.queue?.oldestMessage).toEqual({ ageSeconds: 75, asOf: new Date(METRIC_MINUTE).toISOString() });
    expect(report.queue?.deadLetterQueue).toEqual({ arn: 'arn:aws:sqs:us-east-1:123456789012:aws-root-guard-coverage-dlq', visible: 0, inFlight: 0 });
    expect(report.unreadableRecords).toBe(0);

    const text = await runCli(['status'], harness.env);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('Coverage: watching 4 accounts × 2 Regions and the events queue (heard from 2 of 4 accounts); 1 could not be read (role missing), none of them blind (the events queue hears them)');
    expect(text.stdout).toContain(`\nNot heard by the events queue (the poller still reads them):\n  management (${ACCOUNT_ID}): not known: a StackSet does not deploy to the management account`);
    expect(text.stdout).toContain(`sandbox (${NO_ROLE}) [poller+queue] COULD NOT BE READ`);
    expect(text.stdout).toContain(`\n  oldest message 75 s old (CloudWatch, as of ${METRIC_HHMM} UTC)\n  dead-letter queue aws-root-guard-coverage-dlq: empty\n  member rules: StackSet aws-root-guard-member-root-event-rules (SELF): 5 of 6 stack instances forward\n`);
    expect(text.stdout).toMatch(new RegExp(`data \\(${OPTED_OUT}\\) eu-west-1: eu-west-1 refused the credentials`));
    // Two child processes through tsx: a minute each is plenty on a loaded machine (no speed goal here).
  }, 120_000);
});
