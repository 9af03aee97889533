// lookupRegionEvents against the fake CloudTrail: which lookups, merging by EventId, retries and how failures read.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../src/aws/index.js';
import { describeLookupFailure, lookupRegionEvents, lookupsForRegion } from '../../src/activity/lookup.js';
import { createRateLimiter } from '../../src/activity/rate-limiter.js';
import { FAKE_CREDENTIALS, hardenedAccount, startFakeAws, type CloudTrailRecord, type FakeAws } from '../fakes/aws/index.js';

const ACCOUNT = '123456789012';
const now = new Date('2026-11-28T12:00:00.000Z');
const window = { startTime: new Date(now.getTime() - 3_600_000), endTime: now };

/** A root PasswordUpdated (signin.amazonaws.com, AwsConsoleSignIn), as CloudTrail records the root password change. */
function rootPasswordUpdated(eventTime: Date): CloudTrailRecord {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: '' } as CloudTrailRecord['userIdentity'],
    eventTime: eventTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'signin.amazonaws.com',
    eventName: 'PasswordUpdated',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
    requestParameters: null,
    responseElements: { PasswordUpdated: 'Success' },
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
  };
}

let fake: FakeAws;
let clients: AwsClients;

beforeAll(async () => {
  fake = await startFakeAws({ now: () => now });
  clients = createAwsClients({ region: 'us-east-1', endpoint: fake.url, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
});

afterAll(async () => {
  clients.destroy();
  await fake.close();
});

beforeEach(() => {
  fake.state = hardenedAccount(now);
  fake.faults.clear();
  fake.requests.length = 0;
});

const fastLimiter = () => createRateLimiter({ requestsPerSecond: 50 });

describe('lookups', () => {
  it('asks every Region for Username=root and us-east-1 also for the sign-in source', () => {
    expect(lookupsForRegion('eu-west-1')).toEqual([{ AttributeKey: 'Username', AttributeValue: 'root' }]);
    expect(lookupsForRegion('us-east-1')).toEqual([
      { AttributeKey: 'Username', AttributeValue: 'root' },
      { AttributeKey: 'EventSource', AttributeValue: 'signin.amazonaws.com' },
    ]);
  });

  it('merges the two lookups of us-east-1 by EventId', async () => {
    const passwordChange = rootPasswordUpdated(new Date(now.getTime() - 60_000));
    fake.addEvents('us-east-1', [passwordChange]);
    const result = await lookupRegionEvents({ cloudTrail: clients.cloudTrail('us-east-1'), region: 'us-east-1', window, limiter: fastLimiter() });
    expect(result).toMatchObject({ pages: 2, duplicateRecords: 1, failure: null });
    expect(result.records.map((record) => record.EventId)).toEqual([passwordChange.eventID]);
    expect(result.records[0]?.EventTime?.toISOString()).toBe(new Date(passwordChange.eventTime).toISOString());
  });

  it('retries a page after a 5xx, and gives up after the bounded retries', async () => {
    fake.addEvents('eu-west-1', [rootPasswordUpdated(new Date(now.getTime() - 60_000))]);
    fake.faults.serverError('LookupEvents', { times: 2, status: 503 });
    const recovered = await lookupRegionEvents({ cloudTrail: clients.cloudTrail('eu-west-1'), region: 'eu-west-1', window, limiter: fastLimiter(), backoff: { baseMs: 10, capMs: 20 } });
    expect(recovered).toMatchObject({ pages: 1, transientRetries: 2, failure: null });
    expect(recovered.records).toHaveLength(1);

    fake.faults.serverError('LookupEvents', { status: 500 });
    const failed = await lookupRegionEvents({ cloudTrail: clients.cloudTrail('eu-west-1'), region: 'eu-west-1', window, limiter: fastLimiter(), backoff: { baseMs: 10, capMs: 20 }, maxTransientRetries: 1 });
    expect(failed).toMatchObject({ pages: 0, transientRetries: 1, failure: { kind: 'failed', code: 'InternalFailure' } });
  });

  it('names what to fix for each kind of failure', () => {
    const named = (name: string, message = 'x') => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
    expect(describeLookupFailure(named('AccessDeniedException'), 'eu-west-1')).toMatchObject({ kind: 'access-denied', message: expect.stringContaining('cloudtrail:LookupEvents') });
    expect(describeLookupFailure(named('UnrecognizedClientException'), 'af-south-1')).toMatchObject({ kind: 'region-not-enabled', message: expect.stringContaining('AWS_REGIONS') });
    expect(describeLookupFailure(named('ThrottlingException', 'Rate exceeded'), 'eu-west-1')).toMatchObject({ kind: 'throttled' });
    expect(describeLookupFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'eu-west-1')).toMatchObject({ kind: 'failed', code: 'ECONNREFUSED' });
  });
});
