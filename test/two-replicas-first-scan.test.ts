// Two real `aws-root-guard serve` processes started together on a fresh PostgreSQL database (a schema of its own):
// the store has no posture snapshot, so the start-up scan is due, and one of them runs it (claimed through the run
// leases, test/activity/latest-occurrence.test.ts). The fake holds GetAccountSummary 8 s, so the scan is still
// running when the later replica looks (before the claim, both scanned then). The account's posture calls reach the
// fake from one process (told apart by the user agent), the other logs that it skips the scan, one snapshot is
// stored, one run lease completed, and no posture alert is queued (a first report has nothing to compare with).
// Skips without TEST_DATABASE_URL (printed); fails under CI=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, readPostgresConfig, type PostgresStore } from '../src/store/index.js';
import { hardenedAccount, startFakeAws, type FakeAws } from './fakes/aws/index.js';
import { startFakeSlack, type FakeSlack } from './fakes/slack/index.js';
import { testDatabaseUrl } from './store/postgres-database.js';
import { waitFor } from './support/bot.js';
import { allAnswering, runLeaseRows, startReplicas, type Replicas } from './support/replicas.js';

const url = testDatabaseUrl();
const NAMES = ['replica-a', 'replica-b'];
/** GetAccountSummary: one call per account per posture check (src/posture/facts.ts), nothing else asks it. */
const POSTURE_CALL = 'GetAccountSummary';
const SKIPPED = 'another replica has the first posture scan of this store';

describe.skipIf(url === null)('two replicas starting together on a fresh PostgreSQL: the first posture scan', () => {
  let fakeAws: FakeAws;
  let slack: FakeSlack;
  let store: PostgresStore;
  let deployment: Replicas;
  const skippedBy: string[] = [];

  beforeAll(async () => {
    fakeAws = await startFakeAws({ state: hardenedAccount() });
    fakeAws.faults.delay(POSTURE_CALL, 8_000);
    slack = await startFakeSlack();
    deployment = await startReplicas({
      databaseUrl: url!,
      label: 'first_scan',
      aws: fakeAws,
      slack,
      signingSecret: 'replica-first-scan-signing-secret-0123',
      names: NAMES,
      env: {
        // The weekly summary's start-up catch-up checks accounts with no snapshot too: not due this week until
        // Sunday 23:59 UTC, so only the first scan checks posture here.
        SUMMARY_SCHEDULE: '59 23 * * 0',
        SUMMARY_TIMEZONE: 'UTC',
        LOG_LEVEL: 'info',
      },
      onLogLine: (name, line) => line.includes(SKIPPED) && skippedBy.push(name),
    });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await deployment?.stop();
    await slack?.close();
    await fakeAws?.close();
  });

  const postureCallsBy = (name: string) => fakeAws.requests.filter((request) => request.operation === POSTURE_CALL && deployment.nameOf(request) === name).length;

  it('runs once between them: one process checks the account, one snapshot, no posture alert', async () => {
    // Both up, the other replica's skip logged and a snapshot stored; then room for a second scan to show.
    await waitFor(() => allAnswering(deployment), 'both replicas answering', 90_000);
    store = await openPostgresStore(readPostgresConfig({ DATABASE_URL: deployment.schemaUrl }).config!);
    await waitFor(async () => (await store.latestPostureSnapshots()).length > 0, 'the first snapshot', 60_000);
    await waitFor(() => skippedBy.length > 0, 'a replica skipping the first scan', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 10_000));

    const calls = Object.fromEntries(NAMES.map((name) => [name, postureCallsBy(name)]));
    const snapshots = await store.listPostureSnapshots({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' });
    const leases = await runLeaseRows(deployment, 'posture-first-scan:');
    console.log(`first posture scan, two replicas: ${POSTURE_CALL} calls ${JSON.stringify(calls)}, ${snapshots.length} snapshot(s), ${leases.length} first-scan lease(s)`);

    expect(Object.values(calls).sort()).toEqual([0, 1]);
    // The one that skipped is the one that made no posture call.
    expect(skippedBy).toHaveLength(1);
    expect(calls[skippedBy[0]!]).toBe(0);
    expect(snapshots).toHaveLength(1);
    expect(leases).toHaveLength(1);
    expect(leases[0]!.completed_at).not.toBeNull();
    expect((await store.listOutbox()).filter((row) => row.kind === 'posture-alert')).toEqual([]);
    expect(slack.state.messages.filter((message) => message.metadata?.event_payload?.kind === 'posture-alert')).toEqual([]);
    expect(deployment.list.every((replica) => replica.child.exitCode === null)).toBe(true);
  }, 240_000);
});
