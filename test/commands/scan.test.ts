// `aws-root-guard scan` end to end: the real SDK clients against the fake AWS, no Slack, no store.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/aws/index.js';
import { createLogger } from '../../src/log.js';
import { runScanCommand, type ScanCommandDeps } from '../../src/commands/scan.js';
import { FAKE_CREDENTIALS, hardenedAccount, startFakeAws, type CloudTrailRecord, type FakeAws } from '../fakes/aws/index.js';

const ACCOUNT = '123456789012';

/** A root API call (real record format) made with the root user's access key. */
function rootApiCall(eventTime: Date, region: string, eventName: string): CloudTrailRecord {
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' } as CloudTrailRecord['userIdentity'],
    eventTime: eventTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'iam.amazonaws.com',
    eventName,
    awsRegion: region,
    sourceIPAddress: '198.51.100.23',
    userAgent: 'aws-cli/2.15.0 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.6',
    requestParameters: null,
    responseElements: null,
    requestID: randomUUID(),
    eventID: randomUUID(),
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
  };
}

/** An IAM user's API call: read by no root lookup (its Username is the user's). */
function userApiCall(eventTime: Date, region: string): CloudTrailRecord {
  const record = rootApiCall(eventTime, region, 'ListUsers');
  return { ...record, userIdentity: { type: 'IAMUser', principalId: 'AIDACKCEVSQ6C2EXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice', accessKeyId: 'AKIAI44QH8DHBEXAMPLE' } as CloudTrailRecord['userIdentity'] };
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

let fake: FakeAws;
let now: Date;

beforeAll(async () => {
  fake = await startFakeAws({ now: () => now });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  now = new Date('2026-11-28T12:00:00.000Z');
  fake.state = hardenedAccount(now);
  fake.faults.clear();
  fake.requests.length = 0;
});

const deps = (): ScanCommandDeps => ({
  createClients: (region) => createAwsClients({ region, endpoint: fake.url, credentials: FAKE_CREDENTIALS, maxAttempts: 1 }),
  clock: () => now,
  logger: createLogger({ level: 'silent', secretValues: [] }),
});

async function scan(env: Record<string, string>, since: string, json = false) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runScanCommand(env, { since, json, stdout, stderr }, deps());
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('scan', () => {
  it('prints the root events found since --since, oldest first, and exits 1', async () => {
    fake.addEvents('eu-west-1', [rootApiCall(new Date(now.getTime() - 30 * 60_000), 'eu-west-1', 'CreateAccessKey'), userApiCall(new Date(now.getTime() - 20 * 60_000), 'eu-west-1')]);
    fake.addEvents('us-east-1', [rootApiCall(new Date(now.getTime() - 50 * 60_000), 'us-east-1', 'ListAccountAliases')]);
    // Older than --since: not read.
    fake.addEvents('us-west-2', [rootApiCall(new Date(now.getTime() - 3 * 3_600_000), 'us-west-2', 'GetAccountSummary')]);
    const result = await scan({ AWS_REGIONS: 'eu-west-1,us-west-2' }, '2h');

    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^2026-11-28T11:10:00Z .*us-east-1 .*ListAccountAliases/);
    expect(lines[1]).toMatch(/^2026-11-28T11:30:00Z .*eu-west-1 .*CreateAccessKey/);
    expect(lines[1]).toContain('key AKIA…MPLE');
    expect(lines[2]).toBe('2 root events in account 123456789012, 3 Regions, since 2026-11-28T10:00:00.000Z');
    expect(result.stderr).toBe('');
    // The window asked of CloudTrail is exactly --since, not the poller's overlap or 24 h lookback.
    const lookup = fake.requests.find((request) => request.operation === 'LookupEvents');
    expect(lookup?.params.StartTime).toBe((now.getTime() - 2 * 3_600_000) / 1000);
  });

  it('shows how calls of one session would be grouped into one alert', async () => {
    fake.addEvents('eu-west-1', [5, 4, 3].map((minutes) => rootApiCall(new Date(now.getTime() - minutes * 60_000), 'eu-west-1', `GetAccountSummary`)));
    const result = await scan({ AWS_REGIONS: 'eu-west-1' }, '1h');
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[3]).toMatch(/^grouped \(3 events, high\): /);
    expect(lines[4]).toMatch(/^3 root events in account/);
  });

  it('writes JSON lines with --json', async () => {
    const record = rootApiCall(new Date(now.getTime() - 5 * 60_000), 'us-east-1', 'CreateAccessKey');
    fake.addEvents('us-east-1', [record]);
    const result = await scan({ AWS_REGIONS: 'us-east-1' }, '90m', true);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ eventId: record.eventID, alert: true, eventName: 'CreateAccessKey', region: 'us-east-1', accountId: ACCOUNT, accessKeyId: 'AKIA…MPLE' });
  });

  it('exits 0 with a clean line when there is no root activity, over every enabled Region', async () => {
    fake.addEvents('eu-west-1', [userApiCall(new Date(now.getTime() - 5 * 60_000), 'eu-west-1')]);
    const result = await scan({}, '24h');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('No root activity in account 123456789012, 4 Regions, since 2026-11-27T12:00:00.000Z\n');
    expect(new Set(fake.requests.filter((request) => request.operation === 'LookupEvents').map((request) => request.region))).toEqual(new Set(['us-east-1', 'us-west-2', 'eu-west-1', 'eu-south-2']));
  });

  it('exits 2 when a Region could not be read and nothing was found, naming the permission', async () => {
    fake.faults.accessDenied('LookupEvents', { region: 'eu-west-1' });
    const result = await scan({ AWS_REGIONS: 'eu-west-1' }, '1h');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('eu-west-1 was not read');
    expect(result.stderr).toContain('cloudtrail:LookupEvents');
  });

  it('still exits 1 when root activity was found in another Region', async () => {
    fake.faults.accessDenied('LookupEvents', { region: 'eu-west-1' });
    fake.addEvents('us-east-1', [rootApiCall(new Date(now.getTime() - 5 * 60_000), 'us-east-1', 'CreateAccessKey')]);
    const result = await scan({ AWS_REGIONS: 'eu-west-1' }, '1h');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('eu-west-1 was not read');
  });

  it('exits 2 on a bad --since, a refused identity or unlistable Regions', async () => {
    expect(await scan({}, 'yesterday')).toMatchObject({ code: 2, stderr: expect.stringContaining('use a number and m, h or d') });

    fake.faults.accessDenied('GetCallerIdentity');
    expect(await scan({}, '1h')).toMatchObject({ code: 2, stderr: expect.stringContaining('sts:GetCallerIdentity') });
    fake.faults.clear();

    fake.faults.accessDenied('ListRegions');
    expect(await scan({}, '1h')).toMatchObject({ code: 2, stderr: expect.stringContaining('account:ListRegions') });
    expect(fake.calls('LookupEvents')).toBe(0);
  });
});
