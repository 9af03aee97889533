// /aws-root-check status's blocks for the events queue: its depth line, then the age of its oldest message
// (CloudWatch, with the minute the datapoint stands for, or why there is none), its dead-letter queue and its member
// rules, then the accounts it does not hear, within Block Kit's limits whatever AWS answered.
import { describe, expect, it } from 'vitest';
import { buildCoverageReport, type CoverageRecord, type MemberRulesReading, type QueueHealth } from '../../../src/activity/index.js';
import { checkBlockKitLimits, renderCoverage } from '../../../src/slack/blocks/index.js';

const NOW = new Date('2026-12-01T12:06:30Z');
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/aws-root-guard-root-events';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:123456789012:aws-root-guard-root-events-dlq';

const record: CoverageRecord = {
  writtenAt: NOW.toISOString(),
  pollIntervalMs: 60_000,
  lastPassAt: '2026-12-01T12:06:00Z',
  accounts: [{ accountId: '210000000001', name: 'prod', problem: null, regions: [{ region: 'eu-west-1', problem: null }] }],
  queue: { queueUrl: QUEUE_URL, received: 4, lastMessageAt: '2026-12-01T12:06:18Z', lastMessageSentAt: '2026-12-01T12:06:17Z', lastReceiveError: null },
};

function rendered(health: QueueHealth) {
  const message = renderCoverage(buildCoverageReport({ now: NOW, record, cursors: [{ accountId: '210000000001', region: 'eu-west-1', cursor: '2026-12-01T12:05:00Z' }], queueHealth: health, unreadableRecords: 0 }));
  const facts = (message.blocks[0] as { text: { text: string } }).text.text;
  return { message, lines: facts.split('\n') };
}

describe('renderCoverage: the events queue', () => {
  it('lists the depth, the oldest message with its CloudWatch minute, and the dead-letter queue\'s messages', () => {
    const { message, lines } = rendered({ depth: { visible: 3, inFlight: 1 }, oldestMessage: { ageSeconds: 180, asOf: '2026-12-01T12:04:00.000Z' }, deadLetterQueue: { arn: DLQ_ARN, visible: 2, inFlight: 0 } });
    expect(lines.slice(2, 5)).toEqual([
      '• events queue: 3 waiting, 1 in flight; last message 12 s ago',
      '• oldest message 3 min old (CloudWatch, as of 12:04 UTC)',
      '• dead-letter queue aws-root-guard-root-events-dlq: 2 messages the bot could not store and never alerted on',
    ]);
    expect(checkBlockKitLimits(message)).toEqual([]);
  });

  it('says there is no datapoint rather than 0, and names the action and the account CloudWatch refused', () => {
    expect(rendered({ depth: { visible: 0, inFlight: 0 }, oldestMessage: { ageSeconds: null, noDatapointSince: '2026-12-01T11:52:00.000Z' }, deadLetterQueue: { arn: DLQ_ARN, visible: 0, inFlight: 0 } }).lines.slice(3, 5)).toEqual([
      '• oldest message age unknown: CloudWatch has no datapoint since 11:52 UTC (a new or idle queue, or the metric not published yet)',
      '• dead-letter queue aws-root-guard-root-events-dlq: empty',
    ]);
    const denied = `Access denied to cloudwatch:GetMetricData in account 123456789012: allow the IAM action cloudwatch:GetMetricData in the bot's policy (see iam-policy.json). AWS said: User: arn:aws:sts::123456789012:assumed-role/aws-root-guard/bot is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action`;
    const { message, lines } = rendered({ depth: { visible: 0, inFlight: 0 }, oldestMessage: { error: denied }, deadLetterQueue: null });
    expect(lines[3]).toMatch(/^• oldest message age unknown: Access denied to cloudwatch:GetMetricData in account 123456789012: allow the IAM action cloudwatch:GetMetricData/);
    expect(lines[4]).toBe('• no dead-letter queue (RedrivePolicy): a message the bot can never store comes back forever');
    expect(message.text).toBe('Coverage: watching 1 account × 1 Region and the events queue');
    expect(checkBlockKitLimits(message)).toEqual([]);
  });

  it('keeps every line within its share of the section whatever AWS answered (long, with mrkdwn in it)', () => {
    const huge = `sqs:GetQueueAttributes failed: AccessDenied: *bold* <!channel> ${'x'.repeat(5_000)}`;
    const { message, lines } = rendered({ depth: { error: huge }, oldestMessage: { error: `cloudwatch:GetMetricData failed: ${'y'.repeat(5_000)}` }, deadLetterQueue: { arn: DLQ_ARN, error: huge } });
    expect(checkBlockKitLimits(message)).toEqual([]);
    for (const line of lines.slice(2, 5)) expect(line.length).toBeLessThanOrEqual(640);
    expect(lines.join('\n')).not.toContain('<!channel>');
  });
});

describe('renderCoverage: the accounts the events queue does not hear', () => {
  const health: QueueHealth = { depth: { visible: 0, inFlight: 0 }, oldestMessage: { ageSeconds: 0, asOf: '2026-12-01T12:05:00.000Z' }, deadLetterQueue: null };
  const accountIds = Array.from({ length: 1_000 }, (_, index) => String(210_000_001_000 + index));
  const regions = ['us-east-1', 'eu-west-1', 'ap-south-1'];
  // 1,000 members, every Region read; the rules forward in every other account and failed elsewhere, with a long
  // reason holding mrkdwn (CloudFormation's words are not ours).
  const big: CoverageRecord = { ...record, accounts: accountIds.map((accountId) => ({ accountId, name: `member *${accountId}*`, problem: null, regions: regions.map((region) => ({ region, problem: null })) })) };
  const reading: MemberRulesReading = {
    stackSetName: 'aws-root-guard-member-root-event-rules',
    callAs: 'SELF',
    readAt: NOW.toISOString(),
    truncated: false,
    instances: accountIds.flatMap((accountId, index) => regions.map((region) => ({ accountId, region, status: index % 2 === 0 ? 'CURRENT' : 'OUTDATED', detailedStatus: index % 2 === 0 ? 'SUCCEEDED' : 'FAILED', reason: index % 2 === 0 ? null : `<!here> ${'z'.repeat(400)}` }))),
  };
  const cursors = accountIds.flatMap((accountId) => regions.map((region) => ({ accountId, region, cursor: '2026-12-01T12:05:30Z' })));

  it('lists them after the problems, folds the rest into a count, and stays within Block Kit\'s limits', () => {
    const message = renderCoverage(buildCoverageReport({ now: NOW, record: big, cursors, queueHealth: health, memberRules: reading, unreadableRecords: 0 }));
    expect(checkBlockKitLimits(message)).toEqual([]);
    expect(message.text).toBe('Coverage: watching 1,000 accounts × 3 Regions and the events queue (heard from 500 of 1,000 accounts)');
    const texts = message.blocks.map((block) => JSON.stringify(block));
    const heading = texts.findIndex((text) => text.includes('Not heard by the events queue'));
    // Every Region was read: the poller's line comes first, then the queue's.
    expect(texts[heading - 1]).toContain('Every watched account-Region was read in the last pass.');
    expect(texts[heading + 1]).toContain('• member *210000001001* (210000001001): us-east-1, eu-west-1, ap-south-1: stack instance OUTDATED (FAILED: &lt;!here&gt; zzz');
    // CloudFormation's words cannot mention anyone.
    expect(texts.join('')).not.toContain('<!here>');
    const more = texts.at(-1)!;
    const listed = texts.slice(heading + 1, -1).reduce((sum, text) => sum + (text.match(/• /g) ?? []).length, 0);
    expect(listed).toBeGreaterThan(0);
    expect(more).toContain(`… and ${(500 - listed).toLocaleString('en-US')} more: \`aws-root-guard status --json\` lists them all.`);
  });
});
