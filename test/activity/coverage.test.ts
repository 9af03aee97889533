// The coverage report (pure): Regions read, failing or lagging, accounts that could not be read, the summary's line.
// The record is kept in the store (test/store/contract.test.ts, both backends).
import { describe, expect, it } from 'vitest';
import { accountPassOf, buildCoverageReport, coverageLine, coverageProblemLines, createCoverageTracker, queueDetailLines, queueGapLines, queueText, unreadAccount, type CoverageRecord, type MemberRuleInstance, type QueueHealth } from '../../src/activity/index.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const DLQ_ARN = 'arn:aws:sqs:us-east-1:123456789012:q-dlq';

function record(overrides: Partial<CoverageRecord> = {}): CoverageRecord {
  return {
    writtenAt: NOW.toISOString(),
    pollIntervalMs: 60_000,
    lastPassAt: minutesAgo(0.5),
    accounts: [
      { accountId: '210000000001', name: 'prod', problem: null, regions: [{ region: 'us-east-1', problem: null }, { region: 'eu-west-1', problem: null }] },
      { accountId: '210000000002', name: null, problem: { action: 'sts:AssumeRole', reason: 'cannot assume arn:aws:iam::210000000002:role/r: AccessDenied' }, regions: [] },
      { accountId: '210000000003', name: 'data', problem: null, regions: [{ region: 'us-east-1', problem: null }, { region: 'eu-west-1', problem: { action: 'cloudtrail:LookupEvents', reason: 'AccessDeniedException: not allowed' } }] },
    ],
    queue: null,
    ...overrides,
  };
}

const CURSORS = [
  { accountId: '210000000001', region: 'us-east-1', cursor: minutesAgo(1) },
  // Four minutes behind with a one-minute schedule: lagging (more than two intervals and a minute).
  { accountId: '210000000001', region: 'eu-west-1', cursor: minutesAgo(4) },
  { accountId: '210000000002', region: 'us-east-1', cursor: minutesAgo(90) },
  { accountId: '210000000003', region: 'us-east-1', cursor: minutesAgo(1) },
];

describe('buildCoverageReport', () => {
  it('counts accounts, Regions, what could not be read and what lags', () => {
    const report = buildCoverageReport({ now: NOW, record: record(), cursors: CURSORS, queueHealth: null, unreadableRecords: 2 });
    expect(report.totals).toEqual({ accounts: 3, regions: 2, unreadableAccounts: 1, failingRegions: 1, laggingRegions: 2, queueAccounts: null });
    // The account that could not be read comes first, with the Region it was read in before.
    expect(report.accounts[0]).toMatchObject({ accountId: '210000000002', unreadable: true, sources: ['poller'], regions: [{ region: 'us-east-1', cursorAgeSeconds: 5400, lagging: true }] });
    expect(report.accounts.find((account) => account.accountId === '210000000001')?.regions).toEqual([
      { region: 'us-east-1', readUpTo: minutesAgo(1), cursorAgeSeconds: 60, lagging: false, problem: null },
      { region: 'eu-west-1', readUpTo: minutesAgo(4), cursorAgeSeconds: 240, lagging: true, problem: null },
    ]);
    expect(coverageProblemLines(report).map((line) => `${line.accountId} ${line.region ?? '-'}: ${line.text}`)).toEqual([
      '210000000002 -: sts:AssumeRole: cannot assume arn:aws:iam::210000000002:role/r: AccessDenied',
      '210000000003 eu-west-1: cloudtrail:LookupEvents: AccessDeniedException: not allowed',
      // Lagging ones after every failure, in the accounts' order (those that could not be read first).
      '210000000002 us-east-1: lagging: read up to 90 min ago',
      '210000000001 eu-west-1: lagging: read up to 4 min ago',
    ]);
    expect(report.unreadableRecords).toBe(2);
    expect(coverageLine(report)).toBe('watching 3 accounts × 2 Regions; 1 could not be read (role missing)');
  });

  it('says an account whose every Region failed could not be read, and names the queue as its source where its rules forward', () => {
    const queue = { queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', received: 3, lastMessageAt: minutesAgo(0.2), lastMessageSentAt: minutesAgo(0.25), lastReceiveError: null };
    const failing = { action: 'cloudtrail:LookupEvents', reason: 'denied' };
    const memberRules = { stackSetName: 'rules', callAs: 'SELF' as const, readAt: NOW.toISOString(), truncated: false, instances: [instance('210000000009', 'us-east-1')] };
    const report = buildCoverageReport({ now: NOW, record: record({ accounts: [{ accountId: '210000000009', name: null, problem: null, regions: [{ region: 'us-east-1', problem: failing }] }], queue }), cursors: [], queueHealth: { depth: { visible: 4, inFlight: 1 }, oldestMessage: { ageSeconds: 95, asOf: minutesAgo(3) }, deadLetterQueue: { arn: DLQ_ARN, visible: 0, inFlight: 0 } }, memberRules, unreadableRecords: 0 });
    expect(report.accounts[0]).toMatchObject({ unreadable: true, sources: ['poller', 'queue'] });
    expect(coverageLine(report)).toBe('watching 1 account × 1 Region and the events queue (heard from 1 of 1 account); 1 could not be read (cloudtrail:LookupEvents), none of them blind (the events queue hears them)');
    expect(queueText(report.queue!, NOW)).toBe('4 waiting, 1 in flight; last message 12 s ago');
    expect(queueText({ ...report.queue!, depth: { error: 'sqs:GetQueueAttributes failed: AccessDenied' }, lastMessageAt: null, lastReceiveError: 'AccessDenied: no' }, NOW)).toBe('sqs:GetQueueAttributes failed: AccessDenied; no message since the bot started; ReceiveMessage failing: AccessDenied: no');
    // The live figures come along in the JSON (existing fields unchanged) and as the lines after the depth.
    expect(report.queue).toMatchObject({ depth: { visible: 4, inFlight: 1 }, oldestMessage: { ageSeconds: 95, asOf: minutesAgo(3) }, deadLetterQueue: { arn: DLQ_ARN, visible: 0, inFlight: 0 } });
    expect(queueDetailLines(report.queue!)).toEqual(['oldest message 95 s old (CloudWatch, as of 11:57 UTC)', 'dead-letter queue q-dlq: empty', 'member rules: StackSet rules (SELF): 1 of 1 stack instance forward']);
    // Without its member rules read, the queue is nobody's source: the bot cannot know it hears them.
    const unread = buildCoverageReport({ now: NOW, record: record({ accounts: [{ accountId: '210000000009', name: null, problem: null, regions: [{ region: 'us-east-1', problem: null }] }], queue }), cursors: [], queueHealth: null, unreadableRecords: 0 });
    expect(unread.accounts[0]).toMatchObject({ sources: ['poller'], queueRules: null });
    expect(coverageLine(unread)).toBe('watching 1 account × 1 Region and the events queue');
  });

  it('words the queue\'s oldest message and dead-letter queue for each thing status may have read', () => {
    const queue = { queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', received: 0, lastMessageAt: null, lastMessageSentAt: null, lastReceiveError: null };
    const lines = (health: QueueHealth | null) => queueDetailLines(buildCoverageReport({ now: NOW, record: record({ queue }), cursors: [], queueHealth: health, unreadableRecords: 0 }).queue!);
    const depth = { visible: 3, inFlight: 0 };
    expect(lines({ depth, oldestMessage: { ageSeconds: 3 * 3600 + 60, asOf: '2026-12-01T11:56:00.000Z' }, deadLetterQueue: { arn: DLQ_ARN, visible: 2, inFlight: 1 } })).toEqual([
      'oldest message 3 h old (CloudWatch, as of 11:56 UTC)',
      'dead-letter queue q-dlq: 3 messages the bot could not store and never alerted on',
    ]);
    // No datapoint is not an age of 0; a queue without RedrivePolicy is said, once its attributes were read.
    expect(lines({ depth, oldestMessage: { ageSeconds: null, noDatapointSince: '2026-12-01T11:46:00.000Z' }, deadLetterQueue: null })).toEqual([
      'oldest message age unknown: CloudWatch has no datapoint since 11:46 UTC (a new or idle queue, or the metric not published yet)',
      'no dead-letter queue (RedrivePolicy): a message the bot can never store comes back forever',
    ]);
    const denied = 'Access denied to cloudwatch:GetMetricData in account 123456789012: allow the IAM action cloudwatch:GetMetricData in the bot\'s policy (see iam-policy.json). AWS said: no';
    expect(lines({ depth: { error: 'sqs:GetQueueAttributes failed: AccessDenied' }, oldestMessage: { error: denied }, deadLetterQueue: null })).toEqual([`oldest message age unknown: ${denied}`]);
    expect(lines({ depth, oldestMessage: { ageSeconds: 0, asOf: '2026-12-01T11:59:00.000Z' }, deadLetterQueue: { arn: DLQ_ARN, error: 'sqs:GetQueueAttributes failed: AccessDenied: no' } })).toEqual([
      'oldest message 0 s old (CloudWatch, as of 11:59 UTC)',
      'dead-letter queue q-dlq: sqs:GetQueueAttributes failed: AccessDenied: no',
    ]);
    // Read without the live figures (the summary's line): nothing to say about them.
    expect(lines(null)).toEqual([]);
  });

  it('is empty before the first pass', () => {
    const report = buildCoverageReport({ now: NOW, record: null, cursors: [], queueHealth: null, unreadableRecords: 0 });
    expect(report.totals.accounts).toBe(0);
    expect(report.lastPassAt).toBeNull();
  });
});

function instance(accountId: string, region: string, state: Partial<MemberRuleInstance> = {}): MemberRuleInstance {
  return { accountId, region, status: 'CURRENT', detailedStatus: 'SUCCEEDED', reason: null, ...state };
}

describe('which accounts the events queue hears (the member-rules StackSet\'s instances)', () => {
  const queue = { queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', received: 0, lastMessageAt: null, lastMessageSentAt: null, lastReceiveError: null };
  const MANAGEMENT = '123456789012';
  const accounts: CoverageRecord['accounts'] = [
    { accountId: MANAGEMENT, name: 'management', problem: null, regions: [{ region: 'us-east-1', problem: null }, { region: 'eu-west-1', problem: null }] },
    { accountId: '210000000001', name: 'prod', problem: null, regions: [{ region: 'us-east-1', problem: null }, { region: 'eu-west-1', problem: null }] },
    { accountId: '210000000002', name: 'sandbox', problem: { action: 'sts:AssumeRole', reason: 'cannot assume the role: AccessDenied' }, regions: [] },
    { accountId: '210000000003', name: 'data', problem: null, regions: [{ region: 'us-east-1', problem: null }, { region: 'eu-west-1', problem: null }] },
    { accountId: '210000000004', name: 'new', problem: null, regions: [{ region: 'us-east-1', problem: null }, { region: 'eu-west-1', problem: null }] },
  ];
  const reading = {
    stackSetName: 'aws-root-guard-member-root-event-rules',
    callAs: 'DELEGATED_ADMIN' as const,
    readAt: NOW.toISOString(),
    truncated: false,
    instances: [
      instance('210000000001', 'us-east-1'),
      instance('210000000001', 'eu-west-1'),
      // The poller cannot read sandbox (no member role), but its rules are there: the queue hears it.
      instance('210000000002', 'us-east-1'),
      instance('210000000002', 'eu-west-1'),
      instance('210000000003', 'us-east-1'),
      instance('210000000003', 'eu-west-1', { status: 'OUTDATED', detailedStatus: 'FAILED', reason: 'Account 210000000003 should have eu-west-1 enabled' }),
      instance('210000000004', 'us-east-1', { status: 'OUTDATED', detailedStatus: 'RUNNING' }),
    ],
  };
  const build = (memberRules: Parameters<typeof buildCoverageReport>[0]['memberRules']) => buildCoverageReport({ now: NOW, record: record({ accounts, queue, managementAccountId: MANAGEMENT }), cursors: [], queueHealth: null, memberRules, unreadableRecords: 0 });

  it('counts the queue as an account\'s source only where it hears every Region, and says why elsewhere', () => {
    const report = build(reading);
    const sources = Object.fromEntries(report.accounts.map((account) => [account.accountId, account.sources]));
    expect(sources).toEqual({ [MANAGEMENT]: ['poller'], '210000000001': ['poller', 'queue'], '210000000002': ['poller', 'queue'], '210000000003': ['poller'], '210000000004': ['poller'] });
    expect(report.totals.queueAccounts).toBe(2);
    expect(report.accounts.find((account) => account.accountId === '210000000003')?.queueRules).toEqual({ forwardingRegions: 1, regions: 2, reason: null, gaps: [{ region: 'eu-west-1', reason: 'stack instance OUTDATED (FAILED: Account 210000000003 should have eu-west-1 enabled)' }] });
    expect(report.queue?.memberRules).toEqual({ stackSetName: 'aws-root-guard-member-root-event-rules', callAs: 'DELEGATED_ADMIN', readAt: NOW.toISOString(), instances: 7, forwarding: 5, truncated: false, error: null });
    expect(coverageLine(report)).toBe('watching 5 accounts × 2 Regions and the events queue (heard from 2 of 5 accounts); 1 could not be read (role missing), none of them blind (the events queue hears them)');
    expect(queueGapLines(report).map((line) => `${line.name}: ${line.text}`)).toEqual([
      'management: not known: a StackSet does not deploy to the management account; deploy the member rules there as a stack per Region (deploy/org-events.yaml)',
      'data: eu-west-1: stack instance OUTDATED (FAILED: Account 210000000003 should have eu-west-1 enabled)',
      'new: us-east-1: stack instance being deployed: OUTDATED (RUNNING); eu-west-1: no stack instance of aws-root-guard-member-root-event-rules: add the account (its OU) and the Region to the StackSet',
    ]);
    expect(queueDetailLines(report.queue!)).toEqual(['member rules: StackSet aws-root-guard-member-root-event-rules (DELEGATED_ADMIN): 5 of 7 stack instances forward']);
    // They are not read-failures: the problem lines are the poller's alone.
    expect(coverageProblemLines(report).map((line) => line.accountId)).toEqual(['210000000002', MANAGEMENT, MANAGEMENT, '210000000001', '210000000001', '210000000003', '210000000003', '210000000004', '210000000004']);
  });

  it('calls an account blind when the poller cannot read it and the queue does not hear it', () => {
    const withoutSandboxRules = { ...reading, instances: reading.instances.filter((instance) => instance.accountId !== '210000000002') };
    expect(coverageLine(build(withoutSandboxRules))).toBe('watching 5 accounts × 2 Regions and the events queue (heard from 1 of 5 accounts); 1 could not be read (role missing), 1 of them blind');
  });

  it('could not read the StackSet: no account\'s source, one line saying why', () => {
    const report = build({ stackSetName: 'aws-root-guard-member-root-event-rules', readAt: NOW.toISOString(), error: 'Access denied to cloudformation:ListStackInstances in account 123456789012' });
    expect(report.accounts.every((account) => account.sources.length === 1 && account.queueRules === null)).toBe(true);
    expect(report.totals.queueAccounts).toBeNull();
    expect(queueGapLines(report)).toEqual([]);
    expect(coverageLine(report)).toBe('watching 5 accounts × 2 Regions and the events queue (its member rules could not be read); 1 could not be read (role missing)');
    expect(queueDetailLines(report.queue!)).toEqual(['member rules (StackSet aws-root-guard-member-root-event-rules) not read: Access denied to cloudformation:ListStackInstances in account 123456789012']);
  });

  it('says nothing of member rules without an events queue', () => {
    const report = buildCoverageReport({ now: NOW, record: record({ accounts, managementAccountId: MANAGEMENT }), cursors: [], queueHealth: null, memberRules: reading, unreadableRecords: 0 });
    expect(report.queue).toBeNull();
    expect(report.accounts.every((account) => account.queueRules === null && account.sources.length === 1)).toBe(true);
    expect(queueGapLines(report)).toEqual([]);
  });
});

describe('the coverage tracker and its record in DATA_DIR', () => {
  it('keeps the last pass with the action to blame, and round-trips through the file', () => {
    const tracker = createCoverageTracker({ pollIntervalMs: 60_000 });
    tracker.recordPollPass(
      {
        finishedAt: NOW.toISOString(),
        accounts: [
          unreadAccount('210000000002', 'cannot assume the role', 'sts:AssumeRole'),
          accountPassOf({
            accountId: '210000000003',
            startedAt: NOW.toISOString(),
            finishedAt: NOW.toISOString(),
            totals: { pages: 0, eventsRead: 0, rootEvents: 0, inserted: 0, duplicates: 0, malformed: 0, failedRegions: 1 },
            regions: [
              { region: 'ap-east-1', ok: false, window: { startTime: '', endTime: '', firstStart: true, clampedToHistory: false }, committedCursor: null, pages: 0, eventsRead: 0, rootEvents: 0, inserted: 0, duplicates: 0, malformed: 0, throttleRetries: 0, transientRetries: 0, error: { kind: 'region-not-enabled', code: 'UnrecognizedClientException', message: 'ap-east-1 refused the credentials' } },
              { region: 'us-east-1', ok: true, window: { startTime: '', endTime: '', firstStart: true, clampedToHistory: false }, committedCursor: null, pages: 1, eventsRead: 0, rootEvents: 0, inserted: 0, duplicates: 0, malformed: 0, throttleRetries: 0, transientRetries: 0, error: null },
            ],
          }),
        ],
      },
      (accountId) => (accountId === '210000000003' ? 'data' : null),
    );
    const snapshot = tracker.snapshot(NOW);
    expect(snapshot.accounts).toEqual([
      { accountId: '210000000002', name: null, problem: { action: 'sts:AssumeRole', reason: 'cannot assume the role' }, regions: [] },
      // An opted-out Region is not a permission to grant: no action.
      {
        accountId: '210000000003',
        name: 'data',
        problem: null,
        regions: [
          { region: 'ap-east-1', problem: { action: null, reason: 'ap-east-1 refused the credentials' } },
          { region: 'us-east-1', problem: null },
        ],
      },
    ]);
  });
});
