// gatherAccountFacts against the wire-level fake AWS, through the real SDK clients: scenarios, one failing
// call spoiling only its own fact, retries, timeouts, and every AWS call made once.
import { afterEach, describe, expect, test } from 'vitest';
import { AwsCallError } from '../../src/aws/index.js';
import { gatherAccountFacts, type GatherOptions } from '../../src/posture/facts.js';
import type { AccountFacts, Fact } from '../../src/posture/model.js';
import {
  daysBefore,
  hardenedAccount,
  noMfa,
  noPasswordPolicy,
  noTrail,
  rootCredentialsRemoved,
  rootWithActiveKeysUsedYesterday,
  standaloneAccount,
  trailStopped,
  virtualMfaOnly,
} from '../fakes/aws/index.js';
import { useFakeAws } from '../support/fake-aws.js';

const NOW = new Date('2026-11-28T12:00:00Z');
const ROOT_ARN = 'arn:aws:iam::123456789012:root';
/** Every call one gather makes with the fake's one trail and a reusable credential report. */
const ONE_EACH = ['GetCallerIdentity', 'ListAccountAliases', 'GetAccountSummary', 'GetCredentialReport', 'ListVirtualMFADevices', 'GetAccountPasswordPolicy', 'DescribeTrails', 'GetTrailStatus', 'GetAlternateContact', 'ListOrganizationsFeatures'];

const aws = useFakeAws({ now: () => NOW });
const sleeps: number[] = [];

afterEach(() => {
  sleeps.length = 0;
});

// Unless given clients, each gather gets new ones with the SDK's default retries (destroyed after the test).
function gather(clients = aws.clientsFor(), options: Partial<GatherOptions> = {}): Promise<AccountFacts> {
  return gatherAccountFacts(clients, {
    credentialReportMaxAgeHours: 4,
    now: () => NOW,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
}

function value<T>(fact: Fact<T>): T {
  if (!fact.ok) throw new Error(`expected a value, got ${JSON.stringify(fact.error)}`);
  return fact.value;
}

function callCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of aws.fake.requests) counts[request.operation] = (counts[request.operation] ?? 0) + 1;
  return counts;
}

describe('scenarios', () => {
  test('a hardened account: every fact read, each AWS call made exactly once', async () => {
    aws.fake.state = hardenedAccount(NOW);
    const facts = await gather();
    expect(facts.account).toEqual({ id: '123456789012', alias: 'example-prod' });
    expect(facts.gatheredAt).toBe(NOW.toISOString());
    expect(value(facts.accountSummary)).toEqual({ accountMfaEnabled: true, accountAccessKeysPresent: false, accountSigningCertificatesPresent: false });
    const report = value(facts.credentialReport);
    // The report from an hour ago was reused.
    expect(report.generatedAt).toBe(new Date(NOW.getTime() - 3_600_000).toISOString());
    expect(report.root).toMatchObject({ arn: ROOT_ARN, passwordEnabled: null, passwordLastChanged: null, mfaActive: true, passwordLastUsed: daysBefore(NOW, 200).toISOString() });
    expect(report.root?.accessKeys.map((key) => key.active)).toEqual([false, false]);
    expect(value(facts.virtualMfaDevices).map((device) => device.userArn)).toEqual(['arn:aws:iam::123456789012:user/admin']);
    expect(value(facts.passwordPolicy)).toMatchObject({ minimumPasswordLength: 14, passwordReusePrevention: 24 });
    expect(value(facts.trails)).toEqual([
      { name: 'management-events', arn: 'arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events', homeRegion: 'us-east-1', isMultiRegionTrail: true, includeGlobalServiceEvents: true, isOrganizationTrail: false, isLogging: true },
    ]);
    expect(value(facts.securityContact)).toEqual({ name: 'Security Team', emailAddress: 'security@example.com', phoneNumber: '+1-555-0100', title: 'Security' });
    expect(value(facts.organizationsFeatures)).toEqual({ inOrganization: true, organizationId: 'o-exampleorgid1', enabledFeatures: ['RootCredentialsManagement', 'RootSessions'] });
    expect(callCounts()).toEqual(Object.fromEntries(ONE_EACH.map((operation) => [operation, 1])));
    expect(aws.fake.requests.filter((request) => request.operation === 'ListVirtualMFADevices')[0]?.params.AssignmentStatus).toBe('Assigned');
  });

  test('root with active access keys used yesterday: both slots, the inactive one too', async () => {
    aws.fake.state = rootWithActiveKeysUsedYesterday(NOW);
    const facts = await gather();
    expect(value(facts.accountSummary).accountAccessKeysPresent).toBe(true);
    expect(value(facts.credentialReport).root?.accessKeys).toEqual([
      { slot: 1, active: true, lastRotated: daysBefore(NOW, 300).toISOString(), lastUsedDate: daysBefore(NOW, 20 / 24).toISOString(), lastUsedRegion: 'us-east-1', lastUsedService: 'sts' },
      { slot: 2, active: false, lastRotated: daysBefore(NOW, 600).toISOString(), lastUsedDate: null, lastUsedRegion: null, lastUsedService: null },
    ]);
  });

  test('virtual MFA only: a device assigned to the root ARN', async () => {
    aws.fake.state = virtualMfaOnly(NOW);
    const facts = await gather();
    expect(value(facts.virtualMfaDevices)).toContainEqual({ serialNumber: 'arn:aws:iam::123456789012:mfa/root-account-mfa-device', userArn: ROOT_ARN, enableDate: daysBefore(NOW, 400).toISOString() });
    expect(value(facts.credentialReport).root?.mfaActive).toBe(true);
  });

  test('no MFA: the summary and the report agree', async () => {
    aws.fake.state = noMfa(NOW);
    const facts = await gather();
    expect(value(facts.accountSummary).accountMfaEnabled).toBe(false);
    expect(value(facts.credentialReport).root?.mfaActive).toBe(false);
    expect(value(facts.virtualMfaDevices).some((device) => device.userArn === ROOT_ARN)).toBe(false);
  });

  test('no password policy is a fact (null), not an error', async () => {
    aws.fake.state = noPasswordPolicy(NOW);
    const facts = await gather();
    expect(facts.passwordPolicy).toEqual({ ok: true, value: null });
  });

  test('no trail, and a stopped trail', async () => {
    aws.fake.state = noTrail(NOW);
    expect((await gather()).trails).toEqual({ ok: true, value: [] });
    expect(aws.fake.calls('GetTrailStatus')).toBe(0);
    aws.fake.state = trailStopped(NOW);
    expect(value((await gather()).trails)[0]?.isLogging).toBe(false);
  });

  test('a standalone account: not in an organization, no alias, no security contact', async () => {
    aws.fake.state = standaloneAccount(NOW);
    const facts = await gather();
    expect(facts.account.alias).toBeNull();
    expect(facts.organizationsFeatures).toEqual({ ok: true, value: { inOrganization: false, organizationId: null, enabledFeatures: [] } });
    expect(facts.securityContact).toEqual({ ok: true, value: null });
  });

  test('a member account with root credentials removed: no password, keys or MFA; features readable only from the management account', async () => {
    aws.fake.state = rootCredentialsRemoved(NOW);
    const facts = await gather();
    const root = value(facts.credentialReport).root;
    expect(root).toMatchObject({ passwordLastUsed: null, mfaActive: false });
    expect(root?.accessKeys.every((key) => !key.active && key.lastRotated === null)).toBe(true);
    expect(facts.organizationsFeatures).toMatchObject({ ok: false, error: { action: 'iam:ListOrganizationsFeatures', code: 'AccountNotManagementOrDelegatedAdministratorException' } });
  });

  test('trails in other home Regions: GetTrailStatus by ARN in each home Region, in parallel', async () => {
    aws.fake.state = hardenedAccount(NOW);
    aws.fake.state.trails.push({ ...aws.fake.state.trails[0]!, Name: 'org-trail', HomeRegion: 'eu-west-1', IsOrganizationTrail: true, isLogging: false });
    const trails = value((await gather()).trails);
    expect(trails.map((trail) => [trail.name, trail.homeRegion, trail.isLogging])).toEqual([
      ['management-events', 'us-east-1', true],
      ['org-trail', 'eu-west-1', false],
    ]);
    const statusCalls = aws.fake.requests.filter((request) => request.operation === 'GetTrailStatus');
    expect(statusCalls.map((request) => [request.region, request.params.Name]).sort()).toEqual([
      ['eu-west-1', 'arn:aws:cloudtrail:eu-west-1:123456789012:trail/org-trail'],
      ['us-east-1', 'arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events'],
    ]);
  });
});

describe('the credential report chain', () => {
  test('in progress twice, then ready: Get, Generate, Get x3 with a doubling backoff', async () => {
    aws.fake.state = hardenedAccount(NOW);
    aws.fake.state.credentialReport.generatedAt = null;
    aws.fake.state.credentialReport.inProgressPolls = 2;
    const facts = await gather();
    expect(value(facts.credentialReport).generatedAt).toBe(NOW.toISOString());
    expect(aws.fake.requests.filter((request) => /CredentialReport/.test(request.operation)).map((request) => `${request.operation} ${request.errorCode ?? request.status}`)).toEqual([
      'GetCredentialReport ReportNotPresent',
      'GenerateCredentialReport 200',
      'GetCredentialReport ReportInProgress',
      'GetCredentialReport ReportInProgress',
      'GetCredentialReport 200',
    ]);
    expect(sleeps).toEqual([100, 200]);
  });

  test('a report older than the max age is regenerated; one under it is reused', async () => {
    aws.fake.state = hardenedAccount(NOW);
    aws.fake.state.credentialReport.generatedAt = new Date(NOW.getTime() - 5 * 3_600_000);
    expect(value((await gather()).credentialReport).generatedAt).toBe(NOW.toISOString());
    expect(aws.fake.calls('GenerateCredentialReport')).toBe(1);
    aws.fake.requests.length = 0;
    aws.fake.state.credentialReport.generatedAt = new Date(NOW.getTime() - 3 * 3_600_000);
    await gather();
    expect(aws.fake.calls('GenerateCredentialReport')).toBe(0);
    expect(aws.fake.calls('GetCredentialReport')).toBe(1);
  });

  test('an expired report is regenerated', async () => {
    aws.fake.state = hardenedAccount(NOW);
    aws.fake.state.credentialReport.expired = true;
    expect((await gather()).credentialReport.ok).toBe(true);
    expect(aws.fake.calls('GenerateCredentialReport')).toBe(1);
  });

  test('polling is bounded: a report that never finishes is an error naming iam:GetCredentialReport', async () => {
    aws.fake.state = hardenedAccount(NOW);
    aws.fake.state.credentialReport.generatedAt = null;
    aws.fake.state.credentialReport.inProgressPolls = 1_000;
    const facts = await gather(undefined, { credentialReportPolling: { maxPolls: 4 } });
    expect(facts.credentialReport).toMatchObject({ ok: false, error: { action: 'iam:GetCredentialReport', code: 'ReportInProgress', message: expect.stringContaining('still being generated after 4 tries') } });
    expect(aws.fake.calls('GetCredentialReport')).toBe(5);
    expect(sleeps).toEqual([100, 200, 400]);
    expect(value(facts.accountSummary).accountMfaEnabled).toBe(true);
  });

  test('the total wait is bounded too', async () => {
    aws.fake.state = hardenedAccount(NOW);
    aws.fake.state.credentialReport.generatedAt = null;
    aws.fake.state.credentialReport.inProgressPolls = 1_000;
    await gather();
    expect(sleeps.reduce((total, ms) => total + ms, 0)).toBeLessThanOrEqual(15_000);
    expect(sleeps).toEqual([100, 200, 400, 800, 1600, 3200, 4000]);
  });

  test('AccessDenied on GenerateCredentialReport names that action', async () => {
    aws.fake.state = hardenedAccount(NOW);
    aws.fake.state.credentialReport.generatedAt = null;
    aws.fake.faults.accessDenied('GenerateCredentialReport');
    expect((await gather()).credentialReport).toMatchObject({ ok: false, error: { action: 'iam:GenerateCredentialReport', code: 'AccessDenied' } });
  });
});

describe('failures stay with their own fact', () => {
  test('AccessDenied on GetCredentialReport: only that fact errors, naming iam:GetCredentialReport; the rest arrive', async () => {
    aws.fake.state = hardenedAccount(NOW);
    aws.fake.faults.accessDenied('GetCredentialReport');
    const facts = await gather();
    expect(facts.credentialReport).toEqual({
      ok: false,
      error: { action: 'iam:GetCredentialReport', code: 'AccessDenied', message: expect.stringMatching(/^Access denied to iam:GetCredentialReport: allow the IAM action iam:GetCredentialReport/) },
    });
    for (const fact of [facts.accountSummary, facts.virtualMfaDevices, facts.passwordPolicy, facts.trails, facts.securityContact, facts.organizationsFeatures]) expect(fact.ok).toBe(true);
    // Not retried (AccessDenied is not transient) and not followed by a generation.
    expect(aws.fake.calls('GetCredentialReport')).toBe(1);
    expect(aws.fake.calls('GenerateCredentialReport')).toBe(0);
  });

  test('throttling, then success: the SDK retries within maxAttempts and the fact arrives', async () => {
    aws.fake.state = hardenedAccount(NOW);
    aws.fake.faults.throttle('GetAccountSummary', { times: 1 }).throttle('DescribeTrails', { times: 1 });
    const facts = await gather();
    expect(facts.accountSummary.ok).toBe(true);
    expect(facts.trails.ok).toBe(true);
    expect(aws.fake.calls('GetAccountSummary')).toBe(2);
    expect(aws.fake.calls('DescribeTrails')).toBe(2);
  });

  test('throttling past maxAttempts: an error with the attempts, only for that fact', async () => {
    aws.fake.state = hardenedAccount(NOW);
    aws.fake.faults.throttle('ListVirtualMFADevices');
    const facts = await gather(aws.clientsFor({ maxAttempts: 2 }));
    expect(facts.virtualMfaDevices).toMatchObject({ ok: false, error: { action: 'iam:ListVirtualMFADevices', code: 'Throttling', message: expect.stringContaining('after 2 attempts') } });
    expect(aws.fake.calls('ListVirtualMFADevices')).toBe(2);
    expect(facts.credentialReport.ok).toBe(true);
  });

  test('a 5xx once is retried; AccessDenied on GetTrailStatus keeps the trail with its statusError', async () => {
    aws.fake.state = hardenedAccount(NOW);
    aws.fake.faults.serverError('GetAlternateContact', { times: 1 }).accessDenied('GetTrailStatus');
    const facts = await gather();
    expect(facts.securityContact.ok).toBe(true);
    expect(value(facts.trails)[0]).toMatchObject({ isLogging: null, statusError: { action: 'cloudtrail:GetTrailStatus', code: 'AccessDeniedException' } });
  });

  test('a response slower than the request timeout: that fact is a TimeoutError, the others arrive, the run stays bounded', async () => {
    aws.fake.state = hardenedAccount(NOW);
    aws.fake.faults.delay('GetAlternateContact', 1_500);
    const started = performance.now();
    const facts = await gather(aws.clientsFor({ requestTimeoutMs: 250, maxAttempts: 2 }));
    expect(facts.securityContact).toMatchObject({ ok: false, error: { action: 'account:GetAlternateContact', code: 'TimeoutError' } });
    expect(facts.credentialReport.ok && facts.trails.ok && facts.accountSummary.ok).toBe(true);
    expect(aws.fake.calls('GetAlternateContact')).toBe(2);
    expect(performance.now() - started).toBeLessThan(1_400);
  });

  test('STS cannot identify the account: the gather fails as a whole with AwsCallError', async () => {
    aws.fake.state = hardenedAccount(NOW);
    aws.fake.faults.accessDenied('GetCallerIdentity');
    await expect(gather()).rejects.toBeInstanceOf(AwsCallError);
    await expect(gather()).rejects.toMatchObject({ action: 'sts:GetCallerIdentity', code: 'AccessDenied' });
  });

  test('independent calls run in parallel: with 50 ms per call the run takes about the credential report chain', async () => {
    aws.fake.state = hardenedAccount(NOW);
    aws.fake.state.credentialReport.generatedAt = null;
    aws.fake.latencyMs = 50; // back to 0 before the next test
    const clients = aws.clientsFor();
    await gather(clients); // warm the connections and credentials
    aws.fake.state.credentialReport.generatedAt = null;
    const started = performance.now();
    await gather(clients);
    const elapsed = performance.now() - started;
    // The chain alone is three sequential calls (Get, Generate, Get): 150 ms; one after another the twelve calls would take 600 ms.
    expect(elapsed).toBeGreaterThanOrEqual(145);
    expect(elapsed).toBeLessThan(450);
  });
});
