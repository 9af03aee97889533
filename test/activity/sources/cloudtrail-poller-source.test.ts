// The poller as an ActivitySource: start-up retry (moved out of main.ts), one pass at start into the store,
// onIngested told, and stop() ending the schedule. Through the wire-level fake AWS.
import { afterEach, describe, expect, it } from 'vitest';
import { createCloudTrailPollerSource } from '../../../src/activity/index.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/index.js';
import { createLogger } from '../../../src/log.js';
import { useFakeAws } from '../../support/fake-aws.js';
import { fixtureRecord } from '../../fixtures/cloudtrail/load.js';
import type { CloudTrailRecord } from '../../fakes/aws/index.js';

const aws = useFakeAws({ clients: { maxAttempts: 1 } });
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

const waitFor = async (condition: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

function recentSignIn(): CloudTrailRecord {
  const record = fixtureRecord('root-console-login-success-no-mfa');
  const accountId = aws.fake.state.accountId;
  return {
    ...record,
    eventTime: new Date(Date.now() - 5 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    recipientAccountId: accountId,
    userIdentity: { ...(record.userIdentity as object), accountId, principalId: accountId, arn: `arn:aws:iam::${accountId}:root` },
  } as unknown as CloudTrailRecord;
}

describe('createCloudTrailPollerSource', () => {
  it('keeps retrying while STS cannot be reached, then polls into the store and says what it stored', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    stores.push(store);
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', secretValues: [], destination: { write: (line: string) => void lines.push(line) } });
    const signIn = recentSignIn();
    aws.fake.addEvents('us-east-1', [signIn]);
    aws.fake.faults.serverError('GetCallerIdentity', { times: 2, status: 503 });
    const ingested: number[] = [];

    const source = createCloudTrailPollerSource({
      aws: aws.clients,
      cloudTrailFor: (region) => aws.clients.cloudTrail(region),
      sink: store,
      config: { schedule: '0 0 1 1 *', regions: ['us-east-1'], overlapMinutes: 15, initialLookbackHours: 1 },
      logger,
      onIngested: (inserted) => ingested.push(inserted),
      startRetry: { baseMs: 20, maxMs: 40 },
    });
    expect(source.name).toBe('cloudtrail-poller');
    await source.start();
    await waitFor(() => ingested.length > 0);
    await source.stop();

    expect(aws.fake.calls('GetCallerIdentity')).toBe(3);
    expect(lines.filter((line) => line.includes('root activity polling cannot start yet'))).toHaveLength(2);
    expect(ingested).toEqual([1]);
    expect((await store.getEvent(signIn.eventID as string))?.event.kind).toBe('console-login-success');
    expect(await store.readCursor(aws.fake.state.accountId, 'us-east-1')).not.toBeNull();
  });

  it('stop() during the start-up backoff ends the retries', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    stores.push(store);
    aws.fake.faults.serverError('GetCallerIdentity', { status: 503 });
    const source = createCloudTrailPollerSource({
      aws: aws.clients,
      cloudTrailFor: (region) => aws.clients.cloudTrail(region),
      sink: store,
      config: { schedule: '0 0 1 1 *', regions: ['us-east-1'], overlapMinutes: 15, initialLookbackHours: 1 },
      logger: createLogger({ level: 'silent', secretValues: [] }),
      onIngested: () => undefined,
      startRetry: { baseMs: 30, maxMs: 30 },
    });
    await source.start();
    await source.stop();
    const callsAtStop = aws.fake.calls('GetCallerIdentity');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(aws.fake.calls('GetCallerIdentity')).toBe(callsAtStop);
    expect(aws.fake.calls('LookupEvents')).toBe(0);
  });
});
