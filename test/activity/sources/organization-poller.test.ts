// The poller across the organization, against the wire-level fake AWS: 3 accounts x 2 Regions through the member
// role, one account's role denied, one Region opted out in another, LookupEvents' 2 requests/s per account and
// Region enforced by the fake (a request past it is throttled); accounts joining and leaving picked up without a restart.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { createCoverageTracker, createOrganizationPoller, type OrganizationPoller, type PassResult } from '../../../src/activity/index.js';
import { createAccountAccess, readAccountsConfig, type AccountAccess } from '../../../src/aws/index.js';
import { createLogger } from '../../../src/log.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/index.js';
import { ACCOUNT_ID, addMember, createFakeOrganization, envelopeFromRecord, FAKE_CREDENTIALS, type CloudTrailRecord, type FakeMember } from '../../fakes/aws/index.js';
import { fixtureRecord } from '../../fixtures/cloudtrail/load.js';
import { useFakeAws } from '../../support/fake-aws.js';

const aws = useFakeAws({ clients: { maxAttempts: 1 } });
const MEMBERS = { prod: '210000000011', denied: '210000000012', optedOut: '210000000013', joining: '210000000014' };
const REGIONS = ['us-east-1', 'eu-west-1'];
const lines: string[] = [];
const logger = createLogger({ level: 'info', secretValues: [], destination: { write: (line: string) => void lines.push(line) } });
const opened: Array<{ store: SqliteStore; access: AccountAccess; poller: OrganizationPoller }> = [];
afterEach(async () => {
  for (const { store, access, poller } of opened.splice(0)) {
    await poller.stop();
    access.close();
    await store.close();
  }
  lines.length = 0;
});

/** A root API call of `accountId` in `region`, `minutesAgo` old, in CloudTrail's record format. */
function rootCall(accountId: string, region: string, minutesAgo: number): CloudTrailRecord {
  const record = fixtureRecord('root-api-call-access-key');
  return {
    ...record,
    eventID: randomUUID(),
    eventTime: new Date(Date.now() - minutesAgo * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    awsRegion: region,
    recipientAccountId: accountId,
    userIdentity: { ...(record.userIdentity as object), accountId, principalId: accountId, arn: `arn:aws:iam::${accountId}:root` },
  } as unknown as CloudTrailRecord;
}

function seed(member: FakeMember, region: string, records: CloudTrailRecord[]): void {
  member.aws.events[region] = [...(member.aws.events[region] ?? []), ...records.map(envelopeFromRecord)];
}

function setUp(clock: { now: Date }) {
  const organization = createFakeOrganization(ACCOUNT_ID);
  const prod = addMember(organization, { id: MEMBERS.prod, name: 'prod-eu' });
  addMember(organization, { id: MEMBERS.denied, name: 'sandbox', roles: [] });
  const optedOut = addMember(organization, { id: MEMBERS.optedOut, name: 'data' });
  optedOut.aws.regions = optedOut.aws.regions.map((region) => (region.RegionName === 'eu-west-1' ? { ...region, RegionOptStatus: 'DISABLED' } : region));
  aws.fake.organization = organization;
  aws.fake.faults.lookupEventsRateLimit = true;
  // 60 root calls per account-Region: two pages of 50 each, so the quota matters.
  for (const region of REGIONS) seed(prod, region, Array.from({ length: 60 }, (_, index) => rootCall(MEMBERS.prod, region, 1 + index)));
  seed(optedOut, 'us-east-1', [rootCall(MEMBERS.optedOut, 'us-east-1', 3)]);

  const { config } = readAccountsConfig({ WATCH_ACCOUNTS: 'organization', EXCLUDE_ACCOUNTS: ACCOUNT_ID });
  const access = createAccountAccess({ self: aws.clients, clientOptions: { region: 'us-east-1', endpoint: aws.fake.url, credentials: FAKE_CREDENTIALS, maxAttempts: 1 }, config, now: () => clock.now });
  const store = openSqliteStore({ path: ':memory:' });
  const ingested: number[] = [];
  const accountPasses: PassResult[] = [];
  const poller = createOrganizationPoller({
    accounts: access,
    sink: store,
    config: { schedule: '0 0 1 1 *', regions: REGIONS, overlapMinutes: 15, initialLookbackHours: 3 },
    logger,
    onIngested: (inserted) => ingested.push(inserted),
    onAccountPass: (accountPass) => accountPasses.push(accountPass),
    maxRequestsInFlight: 4,
  });
  opened.push({ store, access, poller });
  return { organization, store, poller, ingested, accountPasses };
}

const lookups = () => aws.fake.requests.filter((request) => request.operation === 'LookupEvents');

describe('createOrganizationPoller', () => {
  test('reads every watched account x Region through its member role, reports the denied role and the opted-out Region, within each account-Region quota', async () => {
    const clock = { now: new Date() };
    const { store, poller, ingested, accountPasses } = setUp(clock);
    const pass = await poller.pollOnce();

    const byAccount = new Map(pass.accounts.map((result) => [result.accountId, result]));
    expect([...byAccount.keys()].sort()).toEqual([MEMBERS.prod, MEMBERS.denied, MEMBERS.optedOut].sort());
    // Every Region's result went to onAccountPass as its account finished; the pass kept which Regions failed.
    const passOf = new Map(accountPasses.map((accountPass) => [accountPass.accountId, accountPass]));
    expect([...passOf.keys()].sort()).toEqual([MEMBERS.prod, MEMBERS.optedOut].sort());
    expect(passOf.get(MEMBERS.prod)!.regions.map((region) => [region.region, region.ok, region.rootEvents])).toEqual([
      ['us-east-1', true, 60],
      ['eu-west-1', true, 60],
    ]);
    expect(byAccount.get(MEMBERS.prod)).toEqual({ accountId: MEMBERS.prod, ok: true, error: null, regions: REGIONS, failedRegions: [] });
    expect(byAccount.get(MEMBERS.denied)).toMatchObject({ ok: false, regions: [], failedRegions: [], error: expect.stringContaining(`arn:aws:iam::${MEMBERS.denied}:role/aws-root-guard-audit`) });
    const optedOut = passOf.get(MEMBERS.optedOut)!.regions;
    expect(optedOut.find((region) => region.region === 'us-east-1')).toMatchObject({ ok: true, rootEvents: 1 });
    const optedOutFailure = optedOut.find((region) => region.region === 'eu-west-1')?.error;
    expect(optedOutFailure).toMatchObject({ kind: 'region-not-enabled', code: 'UnrecognizedClientException' });
    expect(byAccount.get(MEMBERS.optedOut)).toMatchObject({ ok: true, regions: REGIONS, failedRegions: [{ region: 'eu-west-1', error: optedOutFailure }] });

    // The coverage tracker (main.ts feeds it the pass) sees every account-Region, and what failed with the action to blame.
    const coverage = createCoverageTracker({ pollIntervalMs: 60_000 });
    coverage.recordPollPass(pass);
    expect(new Map(coverage.snapshot().accounts.map((account) => [account.accountId, account]))).toEqual(
      new Map([
        [MEMBERS.prod, { accountId: MEMBERS.prod, name: null, problem: null, regions: REGIONS.map((region) => ({ region, problem: null })) }],
        [MEMBERS.denied, { accountId: MEMBERS.denied, name: null, problem: { action: 'sts:AssumeRole', reason: byAccount.get(MEMBERS.denied)!.error }, regions: [] }],
        [MEMBERS.optedOut, { accountId: MEMBERS.optedOut, name: null, problem: null, regions: [{ region: 'us-east-1', problem: null }, { region: 'eu-west-1', problem: { action: null, reason: optedOutFailure!.message } }] }],
      ]),
    );
    expect(pass.totals).toMatchObject({ accounts: 3, failedAccounts: 1, failedRegions: 1, inserted: 121 });
    expect(ingested).toEqual([121]);
    expect(await store.readCursor(MEMBERS.prod, 'eu-west-1')).not.toBeNull();
    expect(await store.readCursor(MEMBERS.optedOut, 'eu-west-1')).toBeNull();
    expect(lines.some((line) => line.includes(`account ${MEMBERS.denied} cannot be read`))).toBe(true);

    // Each call was signed into its own account (the member role), and no account-Region went past 2 requests/s.
    expect(new Set(lookups().map((request) => request.accountId))).toEqual(new Set([MEMBERS.prod, MEMBERS.optedOut]));
    // The limiters space each account-Region's requests at 2/s; on a loaded machine a late request can still meet the
    // fake's quota now and then, and is retried (every Region above was read to the end).
    const throttled = lookups().filter((request) => request.errorCode === 'ThrottlingException');
    expect(throttled.length).toBeLessThanOrEqual(Math.ceil(lookups().length / 10));
    const byAccountRegion = new Map<string, number[]>();
    for (const request of lookups().filter((candidate) => candidate.errorCode === null)) byAccountRegion.set(`${request.accountId}/${request.region}`, [...(byAccountRegion.get(`${request.accountId}/${request.region}`) ?? []), request.receivedAt]);
    for (const [key, times] of byAccountRegion) {
      for (let index = 2; index < times.length; index += 1) expect(times[index]! - times[index - 2]!, key).toBeGreaterThanOrEqual(990);
    }
    // prod's two Regions each needed 2 pages per lookup: the quota slowed them, so the test is not vacuous.
    expect(byAccountRegion.get(`${MEMBERS.prod}/us-east-1`)!.length).toBeGreaterThanOrEqual(3);
  });

  test('an account that joins is polled from POLL_INITIAL_LOOKBACK_HOURS back; one that leaves is no longer polled', async () => {
    const clock = { now: new Date() };
    const { organization, store, poller } = setUp(clock);
    const first = await poller.pollOnce();

    const joining = addMember(organization, { id: MEMBERS.joining, name: 'new-team' });
    const recent = rootCall(MEMBERS.joining, 'us-east-1', 120);
    const tooOld = rootCall(MEMBERS.joining, 'us-east-1', 5 * 60);
    seed(joining, 'us-east-1', [recent, tooOld]);
    organization.members.delete(MEMBERS.prod);
    // The organization is listed again hourly: no restart.
    clock.now = new Date(clock.now.getTime() + 61 * 60_000);
    const before = lookups().length;
    const second = await poller.pollOnce();

    expect(second.accountsLeft).toEqual([MEMBERS.prod]);
    // An account read again keeps its one Region list: a pass does not copy it per account.
    const regionsOf = (result: typeof first) => result.accounts.find((account) => account.accountId === MEMBERS.optedOut)!.regions;
    expect(regionsOf(second)).toBe(regionsOf(first));
    expect(second.accounts.map((result) => result.accountId).sort()).toEqual([MEMBERS.denied, MEMBERS.optedOut, MEMBERS.joining].sort());
    expect(await store.getEvent(recent.eventID)).not.toBeNull();
    expect(await store.getEvent(tooOld.eventID)).toBeNull();
    expect(lookups().slice(before).some((request) => request.accountId === MEMBERS.prod)).toBe(false);
    expect(lines.some((line) => line.includes('no longer watched'))).toBe(true);
  });
});
