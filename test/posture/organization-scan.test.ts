// The scheduled org-wide scan end to end: the fake AWS organization, assessAccounts, a real SQLite store keeping a
// snapshot per account, the overview built from those snapshots, and a finding that newly fails between two scans.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createOutboxSender, createSenderWebClient, webClientMessenger } from '../../src/alerts/index.js';
import { checkBlockKitLimits } from '../../src/slack/blocks/index.js';
import { createOutboxRenderer } from '../../src/slack/index.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { createAccountAccess, readAccountsConfig } from '../../src/aws/index.js';
import { createLogger } from '../../src/log.js';
import { assessAccounts, buildOverview, createOrganizationResults, createRunCoordinator, newlyFailingFindings, type NewlyFailing, type PostureReport } from '../../src/posture/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { ACCOUNT_ID, addMember, createFakeOrganization, daysBefore, FAKE_CREDENTIALS, hardenedRootUser, rootWithActiveKeysUsedYesterday } from '../fakes/aws/index.js';
import { tempDir } from '../store/helpers.js';
import { useFakeAws } from '../support/fake-aws.js';

const aws = useFakeAws();
let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(() => slack.close());
const POSTURE = { rootUsedFailDays: 1, rootUsedWarnDays: 90, credentialReportMaxAgeHours: 4 };
const HARDENED = '210000000001';
const ROOT_KEY = '210000000002';
const NO_ROLE = '210000000003';

describe('the organization scan', () => {
  test('keeps a snapshot per account, serves the overview from them, and finds what newly fails on the next scan', async () => {
    const now = new Date();
    aws.fake.state.organizationsFeatures = { organizationId: 'o-exampleorgid1', enabledFeatures: ['RootCredentialsManagement', 'RootSessions'] };
    const organization = createFakeOrganization(ACCOUNT_ID);
    organization.units.push({ id: 'ou-ex4m-prod0001', name: 'Prod', parentId: organization.rootId });
    addMember(organization, { id: HARDENED, name: 'prod-eu', parentId: 'ou-ex4m-prod0001' });
    addMember(organization, { id: ROOT_KEY, name: 'legacy', aws: { ...rootWithActiveKeysUsedYesterday(now), accountId: ROOT_KEY } });
    addMember(organization, { id: NO_ROLE, name: 'sandbox', roles: [] });
    addMember(organization, { id: '210000000004', name: 'old', state: 'SUSPENDED' });
    aws.fake.organization = organization;

    const dir = tempDir('arg-scan-');
    const store = openSqliteStore({ dataDir: dir.path });
    const { config } = readAccountsConfig({ WATCH_ACCOUNTS: 'organization' });
    const access = createAccountAccess({ self: aws.clients, clientOptions: { region: 'us-east-1', endpoint: aws.fake.url, credentials: FAKE_CREDENTIALS, maxAttempts: 3 }, config });
    const alerts: NewlyFailing[] = [];
    const results = createOrganizationResults({
      listWatchedAccounts: () => access.listWatchedAccounts(),
      assess: (accounts, managementAccountId) =>
        assessAccounts(accounts, { access, posture: POSTURE, concurrency: 2, accountTimeoutMs: 20_000, managementAccountId, gather: { credentialReportPolling: { initialDelayMs: 5 } } }),
      // As main.ts records: the snapshot and, when a check newly fails, its alert post in one transaction.
      record: async (report, previous) => {
        const worse = newlyFailingFindings(previous, report);
        if (worse) alerts.push(worse);
        await store.savePostureSnapshotWithAlert(report, worse ? { ...worse } : null);
      },
      latestReports: async () => await store.latestPostureSnapshots(),
      logger: createLogger({ level: 'silent', secretValues: [] }),
    });
    try {
      const first = await results.scan();
      expect(first).toMatchObject({ accounts: 4, skipped: 1 });
      expect(new Set((await store.latestPostureSnapshots()).map((snapshot) => snapshot.accountId))).toEqual(new Set([ACCOUNT_ID, HARDENED, ROOT_KEY, NO_ROLE]));
      expect(alerts).toEqual([]);
      // Organizations has no aliases: each account's comes from its report, and a new listing keeps it from the store.
      expect(results.watchedAccounts().find((account) => account.id === HARDENED)?.alias).toBe('example-prod');
      await results.refreshAccounts();
      expect(results.watchedAccounts().find((account) => account.id === HARDENED)).toMatchObject({ alias: 'example-prod', name: 'prod-eu' });

      const overview = buildOverview(await results.latestResults());
      expect(overview.totals.accounts).toBe(4);
      const legacy = overview.lines.find((line) => line.account.id === ROOT_KEY);
      expect(legacy?.standing).toBe('failing');
      expect(legacy?.failing.map((finding) => finding.id)).toContain('root-no-access-keys');
      expect(overview.lines.find((line) => line.account.id === HARDENED)?.account).toMatchObject({ name: 'prod-eu', ouPath: 'Root/Prod' });
      // Nothing was checked to answer the overview: it came from the store.
      const callsBefore = aws.fake.requests.length;
      await results.latestResults();
      expect(aws.fake.requests.length).toBe(callsBefore);

      // Someone creates an access key for prod-eu's root user; the next scan says so, with the evidence.
      organization.rootSessions.rootUsers.set(HARDENED, {
        ...hardenedRootUser(HARDENED, now),
        accessKeys: [{ accessKeyId: 'AKIANEWROOTKEY000001', status: 'Active', createDate: daysBefore(now, 0.01), lastUsed: null }],
      });
      await results.scan();
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.accountId).toBe(HARDENED);
      expect(alerts[0]?.findings.map((finding) => finding.id)).toEqual(['root-no-access-keys']);
      expect(alerts[0]?.findings[0]?.evidence).toMatch(/access key/);
      expect(await store.listPostureSnapshots({ from: new Date(0), to: new Date(Date.now() + 60_000), accountId: HARDENED })).toHaveLength(2);

      // The outbox posts it to the alert channel through the real WebClient, on the fake Slack.
      const queued = (await store.listOutbox({ state: 'pending' })).filter((row) => row.kind === 'posture-alert');
      expect(queued).toHaveLength(1);
      const logger = createLogger({ level: 'silent', secretValues: [] });
      const sender = createOutboxSender({ store, messenger: webClientMessenger(createSenderWebClient({ token: slack.botToken, slackApiUrl: slack.apiUrl, logger })), render: createOutboxRenderer(), defaultChannel: 'C0ALERTS', logger, channelIntervalMs: 0 });
      expect((await sender.sendDue()).sent).toBe(1);
      const post = slack.calls('chat.postMessage').at(-1)!;
      expect(post.args.channel).toBe('C0ALERTS');
      expect(String(post.args.text)).toBe('Root posture got worse in prod-eu (210000000001): Root user has no access keys');
      const blocks = (typeof post.args.blocks === "string" ? JSON.parse(post.args.blocks) : post.args.blocks) as unknown[];
      expect(checkBlockKitLimits({ text: String(post.args.text), blocks: blocks as never })).toEqual([]);
      expect(JSON.stringify(blocks)).toContain('OU Root/Prod');
      expect(JSON.stringify(blocks)).not.toContain('AKIANEWROOTKEY000001');
      expect((await store.getOutboxMessage(queued[0]!.id))?.state).toBe('sent');
    } finally {
      access.close();
      await store.close();
      dir.remove();
    }
  }, 60_000);

  test('a scan and the runs users start share one coordinator: no account is checked twice at once, in either order', async () => {
    aws.fake.state.organizationsFeatures = { organizationId: 'o-exampleorgid1', enabledFeatures: ['RootCredentialsManagement', 'RootSessions'] };
    const organization = createFakeOrganization(ACCOUNT_ID);
    addMember(organization, { id: HARDENED, name: 'prod-eu' });
    addMember(organization, { id: ROOT_KEY, name: 'legacy' });
    addMember(organization, { id: NO_ROLE, name: 'sandbox' });
    aws.fake.organization = organization;
    const dir = tempDir('arg-scan-coord-');
    const store = openSqliteStore({ dataDir: dir.path });
    const { config } = readAccountsConfig({ WATCH_ACCOUNTS: 'organization' });
    const access = createAccountAccess({ self: aws.clients, clientOptions: { region: 'us-east-1', endpoint: aws.fake.url, credentials: FAKE_CREDENTIALS, maxAttempts: 3 }, config });
    // The user's run waits for `userGate`; the scan's result of HARDENED is held until `scanGate` opens.
    let openUserGate!: () => void;
    const userGate = new Promise<void>((resolve) => (openUserGate = resolve));
    let openScanGate!: () => void;
    const scanGate = new Promise<void>((resolve) => (openScanGate = resolve));
    let holdHardened = false;
    let hardenedHeld = false;
    const userRuns: string[] = [];
    const results = createOrganizationResults({
      listWatchedAccounts: () => access.listWatchedAccounts(),
      async *assess(accounts, managementAccountId) {
        for await (const result of assessAccounts(accounts, { access, posture: POSTURE, concurrency: 2, accountTimeoutMs: 20_000, managementAccountId, gather: { credentialReportPolling: { initialDelayMs: 5 } } })) {
          if (holdHardened && result.account.id === HARDENED) {
            hardenedHeld = true;
            await scanGate;
          }
          yield result;
        }
      },
      record: async (report) => void (await store.savePostureSnapshot(report)),
      latestReports: async () => await store.latestPostureSnapshots(),
      claimRun: (accountId) => runs.claim(accountId),
      logger: createLogger({ level: 'silent', secretValues: [] }),
    });
    const runs = createRunCoordinator<PostureReport>({
      userCooldownMs: 0,
      run: async (accountId) => {
        userRuns.push(accountId);
        await userGate;
        return results.assessAccount(accountId);
      },
    });
    const passwordPolicyReads = (accountId: string) => aws.fake.requests.filter((request) => request.operation === 'GetAccountPasswordPolicy' && request.accountId === accountId).length;
    const snapshotsOf = async (accountId: string) => (await store.listPostureSnapshots({ from: new Date(0), to: new Date(Date.now() + 60_000), accountId })).length;
    try {
      await results.refreshAccounts();
      // A user asked first: the scan does not check that account again, it waits for the user's run.
      const asked = runs.request(ROOT_KEY, 'U1');
      const scanning = results.scan();
      await vi.waitFor(async () => expect((await snapshotsOf(HARDENED)) + (await snapshotsOf(NO_ROLE)) + (await snapshotsOf(ACCOUNT_ID))).toBe(3), { timeout: 20_000 });
      expect(passwordPolicyReads(ROOT_KEY)).toBe(0);
      openUserGate();
      expect(await asked).toMatchObject({ kind: 'result', source: 'started' });
      expect(await scanning).toMatchObject({ accounts: 4, checked: 4, failed: 0, shared: 1 });
      expect(passwordPolicyReads(ROOT_KEY)).toBe(1);
      expect(await snapshotsOf(ROOT_KEY)).toBe(1);

      // The scan first: a user asking for an account the scan is checking gets the scan's result, no run of its own.
      holdHardened = true;
      const before = passwordPolicyReads(HARDENED);
      const secondScan = results.scan();
      await vi.waitFor(() => expect(hardenedHeld).toBe(true), { timeout: 20_000 });
      const sharing = runs.request(HARDENED, 'U2');
      openScanGate();
      const shared = await sharing;
      expect(shared).toMatchObject({ kind: 'result', source: 'shared' });
      if (shared.kind === 'result') expect(shared.value.account.id).toBe(HARDENED);
      expect(await secondScan).toMatchObject({ checked: 4, shared: 0 });
      expect(passwordPolicyReads(HARDENED) - before).toBe(1);
      expect(userRuns).toEqual([ROOT_KEY]);
      expect(runs.counts()).toMatchObject({ inFlight: 0 });
    } finally {
      access.close();
      await store.close();
      dir.remove();
    }
  }, 60_000);
});
