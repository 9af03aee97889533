// The member-rules reader (which accounts and Regions forward root events to the events queue) through the real
// @aws-sdk/client-cloudformation against the wire-level fake's ListStackInstances: paging, SELF and
// DELEGATED_ADMIN, a missing StackSet, AccessDenied naming the action, the account and the StackSet, throttling
// retried, and one reading a minute shared by callers.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStackSetsClient } from '../../../src/aws/index.js';
import { createMemberRulesReader, instanceForwards, instanceStateText } from '../../../src/activity/sources/queue-member-rules.js';
import { deployedStackSet, FAKE_CREDENTIALS, startFakeAws, type FakeAws } from '../../fakes/aws/index.js';

const STACK_SET = 'aws-root-guard-member-root-event-rules';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/aws-root-guard-root-events';
const MEMBERS = Array.from({ length: 125 }, (_, index) => String(210_000_000_000 + index));

let fake: FakeAws;
beforeAll(async () => {
  fake = await startFakeAws();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.stackSets.clear();
  fake.faults.clear();
  fake.requests.length = 0;
});

function reader(options: { cacheMs?: number; now?: () => Date; stackSetName?: string } = {}) {
  const cloudFormation = createStackSetsClient({ region: 'us-east-1', endpoint: fake.url, credentials: FAKE_CREDENTIALS, maxAttempts: 3 }, QUEUE_URL);
  return createMemberRulesReader({ cloudFormation, stackSetName: options.stackSetName ?? STACK_SET, queueUrl: QUEUE_URL, ...(options.cacheMs !== undefined ? { cacheMs: options.cacheMs } : {}), ...(options.now ? { now: options.now } : {}) });
}

const listCalls = () => fake.requests.filter((request) => request.operation === 'ListStackInstances');

describe('member rules: ListStackInstances', () => {
  it('reads every page in the queue\'s Region, as the management account (SELF)', async () => {
    fake.stackSets.set(STACK_SET, deployedStackSet(MEMBERS, ['us-east-1', 'eu-west-1'], { region: 'eu-west-1' }));
    const reading = await reader().read();
    if ('error' in reading) throw new Error(reading.error);
    expect(reading.instances).toHaveLength(250);
    expect(reading.callAs).toBe('SELF');
    expect(reading.truncated).toBe(false);
    expect(reading.instances[0]).toEqual({ accountId: MEMBERS[0], region: 'us-east-1', status: 'CURRENT', detailedStatus: 'SUCCEEDED', reason: null });
    // 100 a page: three pages, all signed for the queue's Region, each after the previous one's NextToken.
    expect(listCalls().map((call) => [call.region, call.params.MaxResults, call.params.CallAs, Boolean(call.params.NextToken)])).toEqual([
      ['eu-west-1', '100', 'SELF', false],
      ['eu-west-1', '100', 'SELF', true],
      ['eu-west-1', '100', 'SELF', true],
    ]);
  });

  it('asks as a delegated administrator when the management account has no such StackSet, and keeps to it', async () => {
    fake.stackSets.set(STACK_SET, deployedStackSet(MEMBERS.slice(0, 3), ['us-east-1'], { region: 'eu-west-1', callAs: 'DELEGATED_ADMIN' }));
    let clock = Date.parse('2026-12-02T10:00:00Z');
    const rules = reader({ now: () => new Date(clock) });
    const first = await rules.read();
    expect('error' in first ? first.error : first.callAs).toBe('DELEGATED_ADMIN');
    expect(listCalls().map((call) => call.params.CallAs)).toEqual(['SELF', 'DELEGATED_ADMIN']);
    clock += 61_000;
    await rules.read();
    expect(listCalls().map((call) => call.params.CallAs)).toEqual(['SELF', 'DELEGATED_ADMIN', 'DELEGATED_ADMIN']);
  });

  it('says which StackSet it looked for, where, and how to fix it, when there is none', async () => {
    const reading = await reader({ stackSetName: 'no-such-rules' }).read();
    expect('error' in reading).toBe(true);
    const error = 'error' in reading ? reading.error : '';
    expect(error).toContain('cloudformation:ListStackInstances');
    expect(error).toContain('no StackSet no-such-rules in account 123456789012, Region eu-west-1');
    expect(error).toContain('EVENTS_STACK_SET_NAME');
    // It asked both ways, then stopped.
    expect(listCalls().map((call) => call.params.CallAs)).toEqual(['SELF', 'DELEGATED_ADMIN']);
  });

  it('names the IAM action, the account and the StackSet ARN when access is denied', async () => {
    fake.stackSets.set(STACK_SET, deployedStackSet(MEMBERS.slice(0, 1), ['us-east-1'], { region: 'eu-west-1' }));
    fake.faults.accessDenied('ListStackInstances');
    const reading = await reader().read();
    const error = 'error' in reading ? reading.error : '';
    expect(error).toMatch(/^Access denied to cloudformation:ListStackInstances in account 123456789012: allow the IAM action cloudformation:ListStackInstances/);
    expect(error).toContain(`(on arn:aws:cloudformation:eu-west-1:123456789012:stackset/${STACK_SET}:*)`);
    // A refusal is the answer: not asked again as a delegated administrator.
    expect(listCalls()).toHaveLength(1);
  });

  it('retries a throttled page and a 5xx, and still reads every instance', async () => {
    fake.stackSets.set(STACK_SET, deployedStackSet(MEMBERS, ['us-east-1'], { region: 'eu-west-1' }));
    fake.faults.throttle('ListStackInstances', { times: 1 });
    fake.faults.serverError('ListStackInstances', { times: 1, status: 503 });
    const reading = await reader().read();
    expect('error' in reading ? reading.error : reading.instances.length).toBe(125);
    expect(listCalls().map((call) => call.status)).toEqual([400, 503, 200, 200]);
  });

  it('serves one reading a minute, and one listing to callers at the same moment', async () => {
    fake.stackSets.set(STACK_SET, deployedStackSet(MEMBERS.slice(0, 2), ['us-east-1'], { region: 'eu-west-1' }));
    let clock = Date.parse('2026-12-02T10:00:00Z');
    const rules = reader({ now: () => new Date(clock) });
    await Promise.all([rules.read(), rules.read(), rules.read()]);
    expect(listCalls()).toHaveLength(1);
    clock += 59_000;
    await rules.read();
    expect(listCalls()).toHaveLength(1);
    // A change shows after the minute.
    fake.stackSets.get(STACK_SET)!.instances[0]!.Status = 'OUTDATED';
    clock += 2_000;
    const reading = await rules.read();
    expect(listCalls()).toHaveLength(2);
    expect('error' in reading ? null : reading.instances[0]!.status).toBe('OUTDATED');
  });
});

describe('member rules: what counts as forwarding', () => {
  it('counts CURRENT / SUCCEEDED only, and says why not in CloudFormation\'s words', () => {
    expect(instanceForwards({ status: 'CURRENT', detailedStatus: 'SUCCEEDED' })).toBe(true);
    expect(instanceForwards({ status: 'CURRENT', detailedStatus: null })).toBe(true);
    for (const [status, detailedStatus] of [['OUTDATED', 'FAILED'], ['OUTDATED', 'RUNNING'], ['OUTDATED', 'PENDING'], ['INOPERABLE', 'INOPERABLE'], ['OUTDATED', 'SKIPPED_SUSPENDED_ACCOUNT'], ['OUTDATED', 'CANCELLED']] as const) {
      expect(instanceForwards({ status, detailedStatus })).toBe(false);
    }
    expect(instanceStateText({ accountId: '1', region: 'us-east-1', status: 'OUTDATED', detailedStatus: 'FAILED', reason: 'Role aws-root-guard-forward-us-east-1 already exists' })).toBe('OUTDATED (FAILED: Role aws-root-guard-forward-us-east-1 already exists)');
    expect(instanceStateText({ accountId: '1', region: 'us-east-1', status: 'OUTDATED', detailedStatus: 'RUNNING', reason: null })).toBe('being deployed: OUTDATED (RUNNING)');
    expect(instanceStateText({ accountId: '1', region: 'us-east-1', status: 'OUTDATED', detailedStatus: 'SKIPPED_SUSPENDED_ACCOUNT', reason: null })).toBe('skipped, the account is suspended: OUTDATED (SKIPPED_SUSPENDED_ACCOUNT)');
  });
});
