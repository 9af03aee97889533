// Readiness over time, with auth.test going to the fake Slack through the real WebClient: a failed check is
// asked again in the background (a probe never waits for Slack), and polling must keep finishing passes: the
// deployment's, read from a real store (any replica's commit counts), at most once a second.
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadiness, type LastPollRead } from '../../src/metrics/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { batch, manualClock, tempDir } from '../store/helpers.js';

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack?.close();
});

function readinessFor(clock: ReturnType<typeof manualClock>, checkStore: () => string | null = () => null, lastPollRead: () => Promise<LastPollRead | null> = async () => null) {
  const client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  return createReadiness({ checkStore, authTest: () => client.auth.test(), lastPollRead, pollIntervalMs: 60_000, clock: clock.now, authRetryMs: 30_000 });
}

const byName = (report: { checks: Array<{ name: string; ok: boolean; detail: string }> }, name: string) => report.checks.find((check) => check.name === name);

describe('readiness', () => {
  it('recovers from a failed auth.test once Slack answers, asking again no more than every 30 s', async () => {
    const clock = manualClock();
    const readiness = readinessFor(clock);
    slack.faults.serverError('auth.test', { status: 503, times: 1 });
    expect(await readiness.verifySlack()).toMatchObject({ ok: false, refusedToken: false });
    const callsAfterStart = slack.calls('auth.test').length;

    clock.advance(10_000);
    expect(byName(await readiness.check(), 'slack')?.ok).toBe(false);
    expect(slack.calls('auth.test').length).toBe(callsAfterStart);

    clock.advance(20_000);
    // Due again: this probe still answers from what is known and asks Slack meanwhile; the next one sees it.
    expect(byName(await readiness.check(), 'slack')?.ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(slack.calls('auth.test').length).toBe(callsAfterStart + 1);
    expect(await readiness.check()).toMatchObject({ ready: true });
  });

  it('tells a refused token from Slack not answering', async () => {
    slack.faults.error('auth.test', 'token_revoked', { times: 1 });
    expect(await readinessFor(manualClock()).verifySlack()).toEqual({ name: 'slack', ok: false, detail: 'auth.test failed: token_revoked', refusedToken: true });
  });

  it('is not ready when no replica read CloudTrail for more than three intervals, and ready again after a read', async () => {
    const clock = manualClock();
    const dir = tempDir('arg-readiness-');
    // Another replica's store on the same file: its commits are the passes this replica does not run.
    const other = openSqliteStore({ dataDir: dir.path }, { clock: clock.now, replicaName: 'host-b:3001' });
    const reads: Array<Promise<unknown>> = [];
    const readiness = readinessFor(clock, () => null, () => {
      const read = other.lastPollRead();
      reads.push(read);
      return read;
    });
    try {
      await readiness.verifySlack();
      await other.commitBatch(batch([], { cursor: clock.now().toISOString() }));
      clock.advance(180_000);
      expect(byName(await readiness.check(), 'poll')).toEqual({ name: 'poll', ok: true, detail: 'last poll pass 180 s ago by host-b:3001 (at most 180 s allowed)', lastPassAt: '2026-11-02T04:00:00.000Z', lastPassBy: 'host-b:3001' });
      clock.advance(1_000);
      expect(await readiness.check()).toMatchObject({ ready: false });
      // A commit after a failed read is no pass.
      await other.commitBatch(batch([], { cursor: '2026-11-02T04:00:00.000Z', regionFailed: true }));
      clock.advance(1_000);
      expect(await readiness.check()).toMatchObject({ ready: false });
      await other.commitBatch(batch([], { cursor: clock.now().toISOString() }));
      // Within the second, the answer read a moment ago stands: one store read for several probes.
      const readsBefore = reads.length;
      clock.advance(500);
      expect(await readiness.check()).toMatchObject({ ready: false });
      expect(reads.length).toBe(readsBefore);
      clock.advance(500);
      expect(await readiness.check()).toMatchObject({ ready: true });
      expect(reads.length).toBe(readsBefore + 1);
    } finally {
      await other.close();
      dir.remove();
    }
  });

  it('is not ready, and says why, when the last poll pass cannot be read from the store', async () => {
    const readiness = readinessFor(manualClock(), () => null, () => Promise.reject(new Error('connection terminated unexpectedly')));
    await readiness.verifySlack();
    expect(byName(await readiness.check(), 'poll')).toEqual({ name: 'poll', ok: false, detail: 'could not read the last poll pass from the store: connection terminated unexpectedly', lastPassAt: null, lastPassBy: null });
  });

  it('is not ready when the store reports a problem or throws', async () => {
    const clock = manualClock();
    const problems: Array<() => string | null> = [() => 'the database file /data/x was deleted while the bot was running', () => { throw new Error('SQLITE_IOERR: disk I/O error'); }];
    const details: string[] = [];
    for (const checkStore of problems) {
      const readiness = readinessFor(clock, checkStore);
      await readiness.verifySlack();
      const report = await readiness.check();
      expect(report.ready).toBe(false);
      details.push(byName(report, 'store')!.detail);
    }
    expect(details).toEqual(['the database file /data/x was deleted while the bot was running', 'the store does not answer: SQLITE_IOERR: disk I/O error']);
  });
});
