// An organization of five members on moto server, which models Organizations (accounts, OUs, closing an account) and
// cross-account sts:AssumeRole (calls signed with the assumed credentials land in the member's backends). What moto
// lacks goes through test/fakes/aws/moto-front.ts, one URL in front of moto: sts:AssumeRoot with root answers
// (IAMAuditRootUserCredentials enforced), AssumeRole refused for a role that does not exist, ListOrganizationsFeatures.
// Members: one hardened, one with an active root key used yesterday, one without the member role, one suspended,
// one whose root credentials were removed centrally.
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createAccountAccess, createAwsClients, readAccountsConfig, type AuditSession } from '../../src/aws/index.js';
import { assessAccounts, type AssessedAccount, type Finding } from '../../src/posture/index.js';
import { createRootSessionAuthority, TASK_POLICY_ACTIONS, type RootSessionAuthority } from '../fakes/aws/index.js';
import { buildMotoOrganization, MOTO_MANAGEMENT_ACCOUNT } from '../fakes/aws/moto-organization.js';
import { startMotoFront, type MotoFront } from '../fakes/aws/moto-front.js';
import { MOTO_CREDENTIALS, motoSkipReason, startMoto } from '../fakes/moto.js';

const moto = await startMoto();
const MANAGEMENT = MOTO_MANAGEMENT_ACCOUNT;
const POSTURE = { rootUsedFailDays: 1, rootUsedWarnDays: 90, credentialReportMaxAgeHours: 4 };

let front: MotoFront;
let authority: RootSessionAuthority;

async function scanOrganization(recorded: AuditSession[]) {
  const { config } = readAccountsConfig({ WATCH_ACCOUNTS: 'organization' });
  const self = createAwsClients({ region: 'us-east-1', endpoint: front.url, credentials: MOTO_CREDENTIALS });
  const access = createAccountAccess({ self, clientOptions: { region: 'us-east-1', endpoint: front.url, credentials: MOTO_CREDENTIALS, maxAttempts: 2 }, config, recorder: { recordAuditSession: async (session) => void recorded.push(session) } });
  const watched = await access.listWatchedAccounts();
  const results = new Map<string, AssessedAccount>();
  for await (const result of assessAccounts(watched.accounts, { access, posture: POSTURE, concurrency: 3, accountTimeoutMs: 60_000, managementAccountId: watched.managementAccountId, gather: { credentialReportPolling: { initialDelayMs: 20 } } })) {
    results.set(result.account.id, result);
  }
  access.close();
  self.destroy();
  return { watched, results };
}

function finding(results: Map<string, AssessedAccount>, accountId: string, checkId: string): Finding {
  const result = results.get(accountId);
  if (!result?.posture.ok) throw new Error(`${accountId} has no report: ${JSON.stringify(result?.posture)}`);
  return result.posture.report.findings.find((candidate) => candidate.id === checkId)!;
}

beforeEach(async () => {
  if (!moto) return;
  await moto.reset();
  authority = createRootSessionAuthority();
  front = await startMotoFront({ motoUrl: moto.url, authority, organizationsFeatures: { organizationId: 'o-motoorg', enabledFeatures: ['RootCredentialsManagement', 'RootSessions'] } });
});

afterEach(async () => {
  await front?.close();
});

afterAll(async () => {
  await moto?.stop();
});

describe.skipIf(!moto)(`an organization of five members on moto ${motoSkipReason()}`, () => {
  test('each member is judged on its own facts; the suspended one is skipped; one failing member spoils no other', async () => {
    const ids = await buildMotoOrganization(moto!.url, authority);
    const recorded: AuditSession[] = [];
    const { watched, results } = await scanOrganization(recorded);

    expect(watched.skipped.map((account) => account.id)).toEqual([ids.suspended]);
    expect([...results.keys()].sort()).toEqual([MANAGEMENT, ids.hardened, ids.rootKey, ids.noRole, ids.removed].sort());
    expect(results.get(ids.hardened)!.account).toMatchObject({ name: 'hardened', ouPath: 'Root/Prod' });

    // Hardened: a FIDO key on root, the password policy set in that member's own backend.
    expect(finding(results, ids.hardened, 'root-hardware-mfa')).toMatchObject({ status: 'pass', evidence: expect.stringContaining('FIDO security key') });
    expect(finding(results, ids.hardened, 'password-policy').status).toBe('pass');
    // The root key member: its key active and used yesterday; virtual MFA; no password policy of its own.
    expect(finding(results, ids.rootKey, 'root-no-access-keys')).toMatchObject({ status: 'fail', evidence: 'root access key 1 active, last used 20 hours ago in eu-west-1 (ec2)' });
    expect(finding(results, ids.rootKey, 'root-not-used-recently').status).toBe('fail');
    expect(finding(results, ids.rootKey, 'root-hardware-mfa')).toMatchObject({ status: 'fail', evidence: expect.stringContaining('virtual device (mfa/root-phone)') });
    expect(finding(results, ids.rootKey, 'password-policy').status).toBe('fail');
    // No member role: the role's checks say what to deploy; root's own checks still ran through AssumeRoot.
    expect(finding(results, ids.noRole, 'password-policy')).toMatchObject({
      status: 'error',
      evidence: expect.stringContaining(`cannot assume arn:aws:iam::${ids.noRole}:role/aws-root-guard-audit: AccessDenied: deploy the member role (deploy/member-role.yaml)`),
    });
    expect(finding(results, ids.noRole, 'root-mfa-enabled')).toMatchObject({ status: 'fail', evidence: 'Root has a password and no MFA device' });
    // Removed centrally: passes with that evidence.
    expect(finding(results, ids.removed, 'root-mfa-enabled')).toMatchObject({ status: 'pass', evidence: expect.stringContaining('Root credentials removed through centralized root access') });
    expect(finding(results, ids.removed, 'root-no-access-keys').status).toBe('pass');

    // One audit session per checked member, recorded; every root-session call inside the audit task policy.
    expect(recorded.map((session) => session.accountId).sort()).toEqual([ids.hardened, ids.rootKey, ids.noRole, ids.removed].sort());
    const rootCalls = front.calls.filter((call) => call.rootSession);
    expect(rootCalls.length).toBeGreaterThan(0);
    for (const call of rootCalls) expect(TASK_POLICY_ACTIONS.IAMAuditRootUserCredentials).toContain(call.operation);
    // Everything else went to moto.
    expect(front.calls.filter((call) => call.handledBy === 'moto').length).toBeGreaterThan(20);
  });
});
