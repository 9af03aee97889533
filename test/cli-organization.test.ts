// `aws-root-guard check` over an organization, end to end: the real CLI process and the real SDK, against moto's
// organization of five members (behind test/fakes/aws/moto-front.ts for AssumeRoot) and against the wire-level fake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, addMember, createFakeOrganization, FAKE_CREDENTIALS, hardenedAccount, startFakeAws, createRootSessionAuthority, type FakeAws } from './fakes/aws/index.js';
import { startMotoFront, type MotoFront } from './fakes/aws/moto-front.js';
import { buildMotoOrganization, MOTO_MANAGEMENT_ACCOUNT, type MotoMemberName } from './fakes/aws/moto-organization.js';
import { MOTO_CREDENTIALS, motoSkipReason, startMoto } from './fakes/moto.js';
import { runCli } from './support/cli-process.js';
import { openSqliteStore } from '../src/store/index.js';
import { tempDir } from './store/helpers.js';

interface AccountJson {
  id: string;
  alias: string | null;
  name: string | null;
  ouId: string | null;
  ouPath: string | null;
}
interface ReportJson {
  account: AccountJson;
  findings: Array<{ id: string; status: string; evidence: string }>;
}
interface OrganizationJson {
  accounts: Array<{ account: AccountJson; report?: ReportJson; error?: { message: string; code?: string } }>;
  generatedAt: string;
  totals: { accounts: number; clean: number; failing: number; warning: number; unchecked: number };
  skipped: Array<{ id: string; name: string | null; status: string; reason: string }>;
}

const statusOf = (report: ReportJson | undefined, checkId: string) => report?.findings.find((finding) => finding.id === checkId)?.status;

const moto = await startMoto();

// A child process each: a minute of budget under load, none of it a speed goal.
describe.skipIf(!moto)(`check over moto's organization of five members ${motoSkipReason()}`, { timeout: 120_000 }, () => {
  let front: MotoFront;
  let ids: Record<MotoMemberName, string>;
  let env: Record<string, string>;

  beforeAll(async () => {
    await moto!.reset();
    const authority = createRootSessionAuthority();
    front = await startMotoFront({ motoUrl: moto!.url, authority, organizationsFeatures: { organizationId: 'o-motoorg', enabledFeatures: ['RootCredentialsManagement', 'RootSessions'] } });
    ids = await buildMotoOrganization(moto!.url, authority);
    env = {
      AWS_ENDPOINT_URL: front.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      WATCH_ACCOUNTS: 'organization',
    };
  });

  afterAll(async () => {
    await front?.close();
    await moto?.stop();
  });

  it('--all --json: every active account with its report or its error, the totals, the suspended one left out; exit 1', async () => {
    const run = await runCli(['check', '--all', '--json'], env);
    expect(run.code, run.stderr).toBe(1);
    const output = JSON.parse(run.stdout) as OrganizationJson;
    expect(output.accounts.map((entry) => entry.account.id).sort()).toEqual([MOTO_MANAGEMENT_ACCOUNT, ids.hardened, ids.rootKey, ids.noRole, ids.removed].sort());
    expect(output.skipped).toEqual([expect.objectContaining({ id: ids.suspended, name: 'suspended' })]);
    expect(Date.parse(output.generatedAt)).not.toBeNaN();
    expect(output.totals.accounts).toBe(5);
    expect(output.totals.clean + output.totals.failing + output.totals.warning + output.totals.unchecked).toBe(5);
    const byId = new Map(output.accounts.map((entry) => [entry.account.id, entry]));
    const rootKey = byId.get(ids.rootKey)!;
    expect(rootKey.account).toMatchObject({ name: 'rootKey', ouPath: 'Root/Prod' });
    expect(statusOf(rootKey.report, 'root-no-access-keys')).toBe('fail');
    // Worst first: the table and the JSON list failing accounts before the rest.
    expect(output.accounts[0]!.report?.findings.some((finding) => finding.status === 'fail')).toBe(true);
    // The member without the role: its role-based checks name what to deploy, its root checks still ran.
    const noRole = byId.get(ids.noRole)!.report;
    expect(noRole?.findings.find((finding) => finding.id === 'password-policy')?.evidence).toContain('deploy the member role (deploy/member-role.yaml)');
    expect(statusOf(noRole, 'root-mfa-enabled')).toBe('fail');
    expect(statusOf(byId.get(ids.removed)!.report, 'root-mfa-enabled')).toBe('pass');
    expect(run.stdout + run.stderr).not.toContain(MOTO_CREDENTIALS.secretAccessKey);
  });

  it('--all: the overview as a table, failing accounts first, the suspended account said', async () => {
    const run = await runCli(['check', '--all'], env);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^Root posture across 5 accounts: \d+ clean, \d+ failing/);
    const rows = run.stdout.split('\n').filter((line) => /^(FAIL|WARN|ERROR|CLEAN)\s/.test(line));
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatch(/^FAIL/);
    const rootKeyRow = rows.find((row) => row.includes(ids.rootKey))!;
    expect(rootKeyRow).toMatch(new RegExp(`^FAIL\\s+${ids.rootKey}\\s+rootKey\\s+Root/Prod\\s+.*root access key`));
    expect(run.stdout).toContain('Not checked (1):');
    expect(run.stdout).toContain(`${ids.suspended} (suspended)`);
  });

  it('no flag with several accounts watched: the overview too', async () => {
    const run = await runCli(['check'], env);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('Root posture across 5 accounts');
  });

  it('--account by Organizations name: that account full report with its name and OU; exit 1 for the root key', async () => {
    const run = await runCli(['check', '--account', 'rootKey', '--json'], env);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as ReportJson;
    expect(report.account).toMatchObject({ id: ids.rootKey, name: 'rootKey', ouPath: 'Root/Prod' });
    expect(statusOf(report, 'root-no-access-keys')).toBe('fail');

    const table = await runCli(['check', '--account', ids.removed], env);
    expect(table.stdout).toContain(`AWS root user posture: account ${ids.removed} · removed · Root/Prod`);
    expect(table.stdout).toMatch(/PASS\s+critical\s+root-mfa-enabled/);
  });

  it('--account with a name no account has: says so, suggests the closest, exits 2', async () => {
    const run = await runCli(['check', '--account', 'rootkye'], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`no watched account matches 'rootkye'; did you mean rootKey (${ids.rootKey})?`);
    const far = await runCli(['check', '--account', 'prod-x'], env);
    expect(far.code).toBe(2);
    expect(far.stderr).toContain("no watched account matches 'prod-x'\n");
  });
});

describe('check over the wire-level fake organization: exit codes over every account, one watched account as before', { timeout: 120_000 }, () => {
  let fake: FakeAws;
  let env: Record<string, string>;
  const members = ['210987654321', '310987654321'];

  beforeAll(async () => {
    fake = await startFakeAws();
    env = { AWS_ENDPOINT_URL: fake.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey };
  });

  afterAll(async () => {
    await fake.close();
  });

  function organization(options: { withoutRole?: string } = {}): void {
    fake.state = hardenedAccount();
    fake.state.organizationsFeatures = { organizationId: 'o-exampleorgid1', enabledFeatures: ['RootCredentialsManagement', 'RootSessions'] };
    const org = createFakeOrganization(ACCOUNT_ID);
    for (const id of members) addMember(org, { id, name: `member-${id.slice(0, 3)}`, ...(id === options.withoutRole ? { roles: [] } : {}) });
    fake.organization = org;
  }

  it('a member whose role is missing and nothing failing anywhere: exit 2 (a check could not run)', async () => {
    organization({ withoutRole: members[1]! });
    const run = await runCli(['check', '--all', '--json'], { ...env, WATCH_ACCOUNTS: 'organization' });
    const output = JSON.parse(run.stdout) as OrganizationJson;
    expect(output.accounts).toHaveLength(3);
    const failing = output.accounts.flatMap((entry) => entry.report?.findings.filter((finding) => finding.status === 'fail').map((finding) => `${entry.account.id} ${finding.id}`) ?? []);
    expect(failing).toEqual([]);
    expect(output.accounts.find((entry) => entry.account.id === members[1])!.report!.findings.some((finding) => finding.status === 'error')).toBe(true);
    expect(run.code).toBe(2);
  });

  it('every account hardened: exit 0, all clean', async () => {
    organization();
    const run = await runCli(['check', '--all'], { ...env, WATCH_ACCOUNTS: 'organization' });
    expect(run.stdout).toContain('Root posture across 3 accounts: 3 clean, 0 failing, 0 could not be checked');
    expect(run.code).toBe(0);
  });

  it('one account watched (a list of one id): today\'s single-account JSON, no "accounts" wrapper', async () => {
    organization();
    const run = await runCli(['check', '--json'], { ...env, WATCH_ACCOUNTS: members[0]! });
    const report = JSON.parse(run.stdout) as ReportJson & { accounts?: unknown; score: unknown };
    expect(report.accounts).toBeUndefined();
    expect(report.account.id).toBe(members[0]);
    expect(report.score).toBeDefined();
    expect(run.code).toBe(0);
  });

  it("with the bot's state in DATA_DIR: an alias from its snapshots is matched, and the terminal's audit sessions are recorded there", async () => {
    organization();
    const dir = tempDir('arg-cli-state-');
    const state = openSqliteStore({ dataDir: dir.path });
    try {
      await state.savePostureSnapshot({ account: { id: members[1]!, alias: 'acme-data' }, generatedAt: new Date().toISOString(), score: { passed: 0, total: 0 }, findings: [] });
      const run = await runCli(['check', '--account', 'acme-data', '--json'], { ...env, WATCH_ACCOUNTS: 'organization', DATA_DIR: dir.path });
      expect(run.code, run.stderr).toBe(0);
      expect((JSON.parse(run.stdout) as ReportJson).account).toMatchObject({ id: members[1], name: `member-${members[1]!.slice(0, 3)}` });
      // The AssumeRoot key the fake issued for that member is known to the bot as its own audit, not a person's root use.
      const issued = [...fake.organization!.rootSessions.sessions.keys()];
      expect(issued.length).toBeGreaterThan(0);
      for (const accessKeyId of issued) expect(await state.findAuditSession(accessKeyId)).toMatchObject({ accountId: members[1] });
    } finally {
      await state.close();
      dir.remove();
    }
  });

  it('--all and --account together: a usage error, exit 2', async () => {
    const run = await runCli(['check', '--all', '--account', members[0]!], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--all and --account cannot be used together');
  });
});
