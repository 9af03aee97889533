// assessAccounts over an organization of the fake AWS: Organizations lists the accounts, the member role serves the
// role-based checks, AssumeRoot audit sessions read each member's root credentials (the task policy enforced), and
// one member's failure (no role, a slow answer, throttled STS) never spoils the others.
import { DeleteLoginProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import { describe, expect, test } from 'vitest';
import { AUDIT_ROOT_TASK_POLICY_ARN, createAccountAccess, readAccountsConfig, type AccountAccess, type AuditSession } from '../../src/aws/index.js';
import { assessAccounts, type AssessedAccount, type Finding } from '../../src/posture/index.js';
import {
  ACCOUNT_ID,
  addMember,
  createFakeOrganization,
  daysBefore,
  FAKE_CREDENTIALS,
  hardenedRootUser,
  removedRootUser,
  rootCredentialsRemoved,
  rootWithActiveKeysUsedYesterday,
  TASK_POLICY_ACTIONS,
  type FakeOrganization,
} from '../fakes/aws/index.js';
import { useFakeAws } from '../support/fake-aws.js';

const aws = useFakeAws();
const POSTURE = { rootUsedFailDays: 1, rootUsedWarnDays: 90, credentialReportMaxAgeHours: 4 };
const MEMBERS = { hardened: '210000000001', rootKey: '210000000002', noRole: '210000000003', suspended: '210000000004', removed: '210000000005' };

function buildOrganization(): FakeOrganization {
  const now = new Date();
  aws.fake.state.organizationsFeatures = { organizationId: 'o-exampleorgid1', enabledFeatures: ['RootCredentialsManagement', 'RootSessions'] };
  const organization = createFakeOrganization(ACCOUNT_ID);
  organization.units.push({ id: 'ou-ex4m-prod0001', name: 'Prod', parentId: organization.rootId });
  addMember(organization, { id: MEMBERS.hardened, name: 'prod', parentId: 'ou-ex4m-prod0001' });
  addMember(organization, {
    id: MEMBERS.rootKey,
    name: 'legacy',
    aws: { ...rootWithActiveKeysUsedYesterday(now), accountId: MEMBERS.rootKey },
    root: {
      ...hardenedRootUser(MEMBERS.rootKey, now),
      accessKeys: [{ accessKeyId: 'AKIALEGACYROOTKEY123', status: 'Active', createDate: daysBefore(now, 300), lastUsed: { date: daysBefore(now, 20 / 24), region: 'us-east-1', service: 's3' } }],
    },
  });
  addMember(organization, { id: MEMBERS.noRole, name: 'sandbox', roles: [], root: { ...removedRootUser(now), password: { createDate: daysBefore(now, 30), lastUsed: null } } });
  addMember(organization, { id: MEMBERS.suspended, name: 'old', state: 'SUSPENDED' });
  addMember(organization, { id: MEMBERS.removed, name: 'data', aws: { ...rootCredentialsRemoved(now), accountId: MEMBERS.removed }, root: removedRootUser(now) });
  aws.fake.organization = organization;
  return organization;
}

function accessFor(env: Record<string, string>, recorded: AuditSession[] = []): AccountAccess {
  const { config } = readAccountsConfig(env);
  return createAccountAccess({
    self: aws.clients,
    clientOptions: { region: 'us-east-1', endpoint: aws.fake.url, credentials: FAKE_CREDENTIALS, maxAttempts: 3 },
    config,
    recorder: { recordAuditSession: async (session) => void recorded.push(session) },
  });
}

async function scan(access: AccountAccess, options: { concurrency?: number; accountTimeoutMs?: number } = {}): Promise<Map<string, AssessedAccount>> {
  const watched = await access.listWatchedAccounts();
  const results = new Map<string, AssessedAccount>();
  for await (const result of assessAccounts(watched.accounts, { access, posture: POSTURE, concurrency: options.concurrency ?? 3, accountTimeoutMs: options.accountTimeoutMs ?? 20_000, managementAccountId: watched.managementAccountId, gather: { credentialReportPolling: { initialDelayMs: 5 } } })) {
    results.set(result.account.id, result);
  }
  return results;
}

function finding(results: Map<string, AssessedAccount>, accountId: string, checkId: string): Finding {
  const result = results.get(accountId);
  if (!result?.posture.ok) throw new Error(`${accountId} has no report: ${JSON.stringify(result?.posture)}`);
  const found = result.posture.report.findings.find((candidate) => candidate.id === checkId);
  if (!found) throw new Error(`${accountId} has no finding ${checkId}`);
  return found;
}

describe('assessAccounts over an organization', () => {
  test('every ACTIVE account gets a report with its name and OU; the suspended one is left out and said so', async () => {
    buildOrganization();
    const access = accessFor({ WATCH_ACCOUNTS: 'organization' });
    const watched = await access.listWatchedAccounts();
    expect(watched.skipped).toEqual([{ id: MEMBERS.suspended, name: 'old', status: 'SUSPENDED', reason: 'SUSPENDED in AWS Organizations: only ACTIVE accounts are checked' }]);
    const results = await scan(access);
    expect([...results.keys()].sort()).toEqual([ACCOUNT_ID, MEMBERS.hardened, MEMBERS.rootKey, MEMBERS.noRole, MEMBERS.removed].sort());
    const prod = results.get(MEMBERS.hardened)!;
    expect(prod.account).toMatchObject({ id: MEMBERS.hardened, name: 'prod', ouId: 'ou-ex4m-prod0001', ouPath: 'Root/Prod' });
    expect(finding(results, MEMBERS.hardened, 'root-mfa-enabled').account).toEqual({ id: MEMBERS.hardened, name: 'prod', ouId: 'ou-ex4m-prod0001' });
    access.close();
  });

  test('member root credentials come from AssumeRoot audit sessions: FIDO key passes, an active root key used yesterday fails', async () => {
    buildOrganization();
    const access = accessFor({ WATCH_ACCOUNTS: 'organization' });
    const results = await scan(access);
    expect(finding(results, MEMBERS.hardened, 'root-mfa-enabled')).toMatchObject({ status: 'pass', evidence: expect.stringContaining('iam:ListMFADevices in a root audit session lists 1 device') });
    expect(finding(results, MEMBERS.hardened, 'root-hardware-mfa')).toMatchObject({ status: 'pass', evidence: expect.stringContaining('FIDO security key') });
    const key = finding(results, MEMBERS.rootKey, 'root-no-access-keys');
    expect(key.status).toBe('fail');
    expect(key.evidence).toBe('root access key 1 active, last used 20 hours ago in us-east-1 (s3)');
    expect(key.evidence).not.toContain('AKIALEGACYROOTKEY123');
    expect(finding(results, MEMBERS.rootKey, 'root-not-used-recently').status).toBe('fail');
    // The session answered for root, so no member's credential report was generated or read.
    const reportCalls = aws.fake.requests.filter((request) => request.operation.endsWith('CredentialReport') && request.accountId !== ACCOUNT_ID);
    expect(reportCalls).toEqual([]);
    access.close();
  });

  test('a member whose root credentials were removed centrally passes the credential checks with that evidence', async () => {
    buildOrganization();
    const access = accessFor({ WATCH_ACCOUNTS: 'organization' });
    const results = await scan(access);
    expect(finding(results, MEMBERS.removed, 'root-mfa-enabled')).toMatchObject({ status: 'pass', evidence: expect.stringMatching(/^Root credentials removed through centralized root access \(RootCredentialsManagement enabled in o-exampleorgid1\)/) });
    expect(finding(results, MEMBERS.removed, 'root-no-access-keys')).toMatchObject({ status: 'pass', evidence: expect.stringContaining('root audit session') });
    expect(finding(results, MEMBERS.removed, 'root-no-signing-certificates').status).toBe('pass');
    expect(finding(results, MEMBERS.removed, 'root-credentials-centralized').status).toBe('pass');
    access.close();
  });

  test('without the member role: role-based checks say how to fix it, the root credential checks still run', async () => {
    buildOrganization();
    const access = accessFor({ WATCH_ACCOUNTS: 'organization' });
    const results = await scan(access);
    const expected = `cannot assume arn:aws:iam::${MEMBERS.noRole}:role/aws-root-guard-audit: AccessDenied: deploy the member role (deploy/member-role.yaml)`;
    for (const checkId of ['password-policy', 'cloudtrail-multi-region']) {
      const roleBased = finding(results, MEMBERS.noRole, checkId);
      expect(roleBased.status).toBe('error');
      expect(roleBased.evidence).toContain(expected);
    }
    // The root session still shows a password and no MFA device.
    expect(finding(results, MEMBERS.noRole, 'root-mfa-enabled')).toMatchObject({ status: 'fail', evidence: 'Root has a password and no MFA device' });
    // The other members are untouched, and the bot tried the missing role once, not once per fact.
    expect(finding(results, MEMBERS.hardened, 'password-policy').status).toBe('pass');
    expect(aws.fake.requests.filter((request) => request.operation === 'AssumeRole' && request.params.RoleArn === `arn:aws:iam::${MEMBERS.noRole}:role/aws-root-guard-audit`).length).toBeLessThanOrEqual(3);
    access.close();
  });

  test('AssumeRoot asks for IAMAuditRootUserCredentials only, 900 s, and the issued key ids are recorded without secrets', async () => {
    expect(AUDIT_ROOT_TASK_POLICY_ARN).toBe('arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials');
    const organization = buildOrganization();
    const recorded: AuditSession[] = [];
    const access = accessFor({ WATCH_ACCOUNTS: 'organization' }, recorded);
    await scan(access);
    const assumeRoots = aws.fake.requests.filter((request) => request.operation === 'AssumeRoot');
    expect(assumeRoots.map((request) => request.params.TargetPrincipal).sort()).toEqual([MEMBERS.hardened, MEMBERS.rootKey, MEMBERS.noRole, MEMBERS.removed].sort());
    for (const request of assumeRoots) expect(request.params).toMatchObject({ 'TaskPolicyArn.arn': AUDIT_ROOT_TASK_POLICY_ARN, DurationSeconds: '900' });
    expect(recorded.map((session) => session.accountId).sort()).toEqual([MEMBERS.hardened, MEMBERS.rootKey, MEMBERS.noRole, MEMBERS.removed].sort());
    for (const session of recorded) {
      expect(Object.keys(session).sort()).toEqual(['accessKeyId', 'accountId', 'expiresAt', 'issuedAt']);
      expect(organization.rootSessions.session(session.accessKeyId)?.accountId).toBe(session.accountId);
    }
    // Every call made with root credentials is one the audit task policy allows.
    const rootCalls = aws.fake.requests.filter((request) => request.rootSession);
    expect(rootCalls.length).toBeGreaterThan(0);
    for (const request of rootCalls) expect(TASK_POLICY_ACTIONS.IAMAuditRootUserCredentials).toContain(request.operation);
    access.close();
  });

  test('the fake enforces the task policy: an audit session cannot delete the root password', async () => {
    buildOrganization();
    const access = accessFor({ WATCH_ACCOUNTS: 'organization' });
    const session = await access.rootAuditSession(MEMBERS.rootKey);
    await expect(session.iam.send(new DeleteLoginProfileCommand({}))).rejects.toMatchObject({ name: 'AccessDenied', message: expect.stringContaining('iam:DeleteLoginProfile') });
    session.close();
    expect(session.iam).toBeInstanceOf(IAMClient);
    access.close();
  });

  test('centralized root access off: no AssumeRoot is attempted, members fall back to their own credential report', async () => {
    buildOrganization();
    aws.fake.state.organizationsFeatures = { organizationId: 'o-exampleorgid1', enabledFeatures: ['RootCredentialsManagement'] };
    const access = accessFor({ WATCH_ACCOUNTS: 'organization' });
    const results = await scan(access);
    expect(aws.fake.calls('AssumeRoot')).toBe(0);
    expect(finding(results, MEMBERS.rootKey, 'root-no-access-keys')).toMatchObject({ status: 'fail', evidence: expect.stringContaining('root access key 1 active') });
    access.close();
  });

  test('AssumeRoot refused: the root checks fall back to the member role\'s credential report and account summary', async () => {
    const organization = buildOrganization();
    organization.rootSessions.rootSessionsEnabled = false;
    const access = accessFor({ WATCH_ACCOUNTS: 'organization' });
    const results = await scan(access);
    expect(aws.fake.requests.filter((request) => request.operation === 'AssumeRoot' && request.errorCode === 'AccessDenied').length).toBeGreaterThan(0);
    expect(finding(results, MEMBERS.rootKey, 'root-no-access-keys')).toMatchObject({ status: 'fail', evidence: expect.stringContaining('root access key 1 active') });
    expect(finding(results, MEMBERS.hardened, 'root-mfa-enabled')).toMatchObject({ status: 'pass', evidence: expect.stringContaining('credential report mfa_active=true') });
    expect(aws.fake.requests.filter((request) => request.operation === 'GetCredentialReport' && request.accountId === MEMBERS.hardened).length).toBeGreaterThan(0);
    access.close();
  });

  test('a slow account is reported as timed out; the others finish', async () => {
    buildOrganization();
    // One GetAccountPasswordPolicy answer held for 8 s: whichever account meets it.
    aws.fake.faults.delay('GetAccountPasswordPolicy', 8_000, { times: 1 });
    const access = accessFor({ WATCH_ACCOUNTS: 'organization' });
    const results = await scan(access, { accountTimeoutMs: 4_000 });
    const timedOut = [...results.values()].filter((result) => !result.posture.ok);
    expect(timedOut).toHaveLength(1);
    expect(timedOut[0]!.posture).toMatchObject({ ok: false, error: { code: 'AccountTimeout', message: expect.stringMatching(/did not finish within 4 s \(ACCOUNT_CHECK_TIMEOUT_SECONDS\)/) } });
    expect([...results.values()].filter((result) => result.posture.ok)).toHaveLength(4);
    access.close();
  });

  test('throttled STS backs off and the scan still completes without errors', async () => {
    buildOrganization();
    aws.fake.faults.throttle('AssumeRole', { times: 2 }).throttle('AssumeRoot', { times: 2 });
    const access = accessFor({ WATCH_ACCOUNTS: 'organization' });
    const results = await scan(access);
    expect(finding(results, MEMBERS.hardened, 'password-policy').status).toBe('pass');
    expect(finding(results, MEMBERS.rootKey, 'root-no-access-keys').status).toBe('fail');
    expect(aws.fake.requests.filter((request) => request.errorCode === 'Throttling')).toHaveLength(4);
    access.close();
  });

  test('results stream as they finish: one at a time, the first arrives before most accounts are touched', async () => {
    buildOrganization();
    aws.fake.latencyMs = 20;
    const access = accessFor({ WATCH_ACCOUNTS: 'organization' });
    const watched = await access.listWatchedAccounts();
    const stream = assessAccounts(watched.accounts, { access, posture: POSTURE, concurrency: 1, accountTimeoutMs: 20_000, gather: { credentialReportPolling: { initialDelayMs: 5 } } });
    const first = await stream.next();
    expect(first.done).toBe(false);
    // With one at a time, the first result arrives before most accounts were touched.
    const touched = new Set(aws.fake.requests.map((request) => request.accountId));
    expect(touched.size).toBeLessThan(watched.accounts.length);
    let rest = 0;
    for await (const result of stream) if (result) rest += 1;
    expect(rest).toBe(watched.accounts.length - 1);
    access.close();
  });
});
