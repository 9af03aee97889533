// The weekly summary's start-up catch-up on two real `aws-root-guard serve` processes started together on a fresh
// PostgreSQL store (a schema of its own): this week's run (Monday 00:00 UTC) was missed and no account has a posture
// snapshot, so the catch-up must check the account. It is claimed across the replicas (src/summary/catch-up-claim.ts):
// - one process checks the account (held about 16 s at the fake; GetAccountSummary from one user agent), the other
//   logs that it waits for the claim, and one summary reaches Slack;
// - the process holding the claim is killed (SIGKILL) while its check is held: its lease lapses, the other takes the
//   claim over, checks the account itself and posts the summary, once.
// Skips without TEST_DATABASE_URL (printed); fails under CI=true.
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { hardenedAccount, startFakeAws, type FakeAws } from './fakes/aws/index.js';
import { startFakeSlack, type FakeSlack } from './fakes/slack/index.js';
import { testDatabaseUrl } from './store/postgres-database.js';
import { waitFor } from './support/bot.js';
import { runLeaseRows, startReplicas, type Replicas } from './support/replicas.js';

const url = testDatabaseUrl();
/** GetAccountSummary: one call per account per posture check (src/posture/facts.ts), nothing else asks it. */
const POSTURE_CALL = 'GetAccountSummary';
const WAITING = 'another replica has the weekly summary catch-up';
const CATCH_UP_KEY = 'weekly-summary-catch-up:';
/**
 * What holds a posture check at the fake: DescribeTrails, then GetTrailStatus after it (one after the other in
 * src/posture/facts.ts), 8 s each, the first call of each: about 16 s a check, each call within the SDK's request
 * timeout (held longer, a call is retried, and counted twice).
 */
const HELD_CALLS = ['DescribeTrails', 'GetTrailStatus'];
const HELD_MS = 8_000;

describe.skipIf(url === null)('two replicas on a fresh PostgreSQL store after a missed weekly summary', () => {
  let fakeAws: FakeAws;
  let slack: FakeSlack;
  let deployment: Replicas | undefined;
  const waitingBy: string[] = [];

  afterEach(async () => {
    await deployment?.stop();
    await slack?.close();
    await fakeAws?.close();
    deployment = undefined;
    waitingBy.length = 0;
  });

  async function start(label: string): Promise<Replicas> {
    fakeAws = await startFakeAws({ state: hardenedAccount() });
    for (const operation of HELD_CALLS) fakeAws.faults.delay(operation, HELD_MS, { times: 1 });
    slack = await startFakeSlack();
    deployment = await startReplicas({
      databaseUrl: url!,
      label,
      aws: fakeAws,
      slack,
      signingSecret: 'replica-summary-signing-secret-01234',
      // Monday 00:00 UTC has passed this week (outside its first minute) and the store has no summary: missed.
      env: { SUMMARY_SCHEDULE: '0 0 * * 1', SUMMARY_TIMEZONE: 'UTC', LOG_LEVEL: 'info' },
      onLogLine: (name, line) => line.includes(WAITING) && waitingBy.push(name),
    });
    return deployment;
  }

  const summaryPosts = () => slack.state.messages.filter((message) => message.threadTs === null && message.metadata?.event_payload?.kind === 'summary-post');
  const postureCalls = (replicas: Replicas) => Object.fromEntries(replicas.list.map((replica) => [replica.name, fakeAws.requests.filter((request) => request.operation === POSTURE_CALL && replicas.nameOf(request) === replica.name).length]));
  /** Every AWS call but CloudTrail's polling (which each tick's one replica makes), per replica. */
  const awsCalls = (replicas: Replicas) => Object.fromEntries(replicas.list.map((replica) => [replica.name, fakeAws.requests.filter((request) => request.operation !== 'LookupEvents' && replicas.nameOf(request) === replica.name).length]));
  const holderName = (replicas: Replicas, holder: string) => replicas.list.find((replica) => holder.startsWith(`${hostname()}:${replica.port}/`))?.name ?? holder;

  it('runs the catch-up on one of them: the account checked once, one summary posted', async () => {
    const replicas = await start('summary_claim');
    await waitFor(() => summaryPosts().length > 0, 'the summary post', 120_000);
    // Room for a second post or a second check to show (the other rechecks every 10 s); it asked for the claim
    // about 10 s after start, while the check was held (16 s), so it logged its wait already.
    await new Promise((resolve) => setTimeout(resolve, 12_000));

    const calls = postureCalls(replicas);
    const leases = await runLeaseRows(replicas, CATCH_UP_KEY);
    console.log(`summary catch-up, two replicas, fresh store: ${summaryPosts().length} summary post(s), ${POSTURE_CALL} calls ${JSON.stringify(calls)}, AWS calls but LookupEvents ${JSON.stringify(awsCalls(replicas))}, catch-up claim by ${leases.map((lease) => holderName(replicas, lease.holder)).join(', ')}`);

    expect(summaryPosts()).toHaveLength(1);
    expect(Object.values(calls).sort()).toEqual([0, 1]);
    // The one that waited made no posture call; the claim is the other's, completed.
    expect(waitingBy).toHaveLength(1);
    expect(calls[waitingBy[0]!]).toBe(0);
    expect(leases).toHaveLength(1);
    expect(holderName(replicas, leases[0]!.holder)).not.toBe(waitingBy[0]);
    expect(leases[0]!.completed_at).not.toBeNull();
    expect(replicas.list.every((replica) => replica.child.exitCode === null)).toBe(true);
  }, 240_000);

  it('the replica holding the catch-up is killed mid-check: the other takes it over and posts the summary once', async () => {
    const replicas = await start('summary_takeover');
    // The holder's check has begun (and is held at the fake for about 16 s): kill it there.
    const begun = await waitFor(() => fakeAws.requests.find((request) => request.operation === POSTURE_CALL), `the first ${POSTURE_CALL}`, 120_000);
    const winner = replicas.nameOf(begun);
    const [claim] = await waitFor(async () => {
      const rows = await runLeaseRows(replicas, CATCH_UP_KEY);
      return rows.length > 0 && rows;
    }, 'the catch-up claim', 30_000);
    expect(holderName(replicas, claim!.holder)).toBe(winner);
    await replicas.kill(winner);
    const killedAtMs = Date.now();
    fakeAws.faults.clear();
    const survivor = replicas.list.find((replica) => replica.name !== winner)!;

    const [post] = await waitFor(() => summaryPosts().length > 0 && summaryPosts(), 'the summary posted by the survivor', 120_000);
    const postedAtMs = slack.calls('chat.postMessage').find((call) => call.args.metadata && (call.args.metadata as { event_payload?: { kind?: string } }).event_payload?.kind === 'summary-post')!.receivedAt;
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const calls = postureCalls(replicas);
    const leases = await runLeaseRows(replicas, CATCH_UP_KEY);
    console.log(`summary catch-up, holder ${winner} killed mid-check: ${survivor.name} posted the summary ${((postedAtMs - killedAtMs) / 1000).toFixed(1)} s after the kill; ${summaryPosts().length} summary post(s), ${POSTURE_CALL} calls ${JSON.stringify(calls)}`);

    expect(post).toBeDefined();
    expect(summaryPosts()).toHaveLength(1);
    expect(waitingBy).toContain(survivor.name);
    // The survivor checked the account itself (the killed check never answered).
    expect(calls).toEqual({ [winner]: 1, [survivor.name]: 1 });
    expect(leases).toHaveLength(1);
    expect(holderName(replicas, leases[0]!.holder)).toBe(survivor.name);
    expect(leases[0]!.completed_at).not.toBeNull();
    // Not before the dead holder's lease (30 s from its last renewal, at most 10 s before the kill) could lapse.
    expect(postedAtMs - killedAtMs).toBeGreaterThan(20_000);
    expect(survivor.child.exitCode).toBeNull();
  }, 300_000);
});
