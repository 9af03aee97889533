// The reads the weekly summary and the slash command need, and the summary ledger.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acknowledgeAlert, setAlertState } from '../../src/alerts/index.js';
import type { PostureReport } from '../../src/posture/model.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { ACCOUNT, batch, manualClock, OTHER_ACCOUNT, rootEvent, tempDir } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function open(path = ':memory:', clock = manualClock('2026-11-09T09:00:00.000Z')): SqliteStore {
  const store = openSqliteStore({ path }, { clock: clock.now });
  cleanups.push(() => store.close());
  return store;
}

function report(accountId: string, generatedAt: string, passed: number, total = 9): PostureReport {
  return {
    account: { id: accountId, alias: accountId === ACCOUNT ? 'prod' : null },
    generatedAt,
    score: { passed, total },
    findings: [
      {
        id: 'root-mfa-enabled',
        title: 'Root user has MFA enabled',
        status: passed > 5 ? 'pass' : 'fail',
        severity: 'critical',
        evidence: 'AccountMFAEnabled = 1',
        remediation: { text: 'Enable MFA for the root user.', url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html' },
        references: [{ label: 'CIS AWS Foundations v3.0 1.5' }],
      },
    ],
  };
}

async function markPosted(store: SqliteStore, at: Date): Promise<void> {
  for (const [index, row] of (await store.listOutbox({ state: 'pending' })).entries()) {
    await store.markOutboxSending(row.id, at);
    await store.markOutboxSent(row.id, { channel: 'C0ALERTS1', ts: `1767000000.${String(row.id * 100 + index).padStart(6, '0')}` }, at);
  }
}

describe('summary queries', () => {
  it('counts a week\'s events by account, kind and MFA use, with a half-open range', async () => {
    const store = open();
    await store.commitBatch(
      batch([
        rootEvent({ kind: 'console-login-success', severity: 'critical', mfaUsed: false, eventTime: '2026-11-02T00:00:00Z' }),
        rootEvent({ kind: 'console-login-success', severity: 'high', mfaUsed: true, eventTime: '2026-11-03T10:00:00Z' }),
        rootEvent({ kind: 'console-login-success', severity: 'high', mfaUsed: true, eventTime: '2026-11-04T10:00:00Z' }),
        rootEvent({ kind: 'console-login-failure', severity: 'high', mfaUsed: null, eventTime: '2026-11-05T10:00:00Z' }),
        rootEvent({ kind: 'root-api-call', eventTime: '2026-11-08T23:59:59Z', accountId: OTHER_ACCOUNT }),
        // Outside the week: the boundary itself belongs to the next week.
        rootEvent({ kind: 'root-api-call', eventTime: '2026-11-09T00:00:00Z' }),
        rootEvent({ kind: 'root-api-call', eventTime: '2026-11-01T23:59:59Z' }),
      ]),
    );
    const week = { from: '2026-11-02T00:00:00Z', to: '2026-11-09T00:00:00Z' };
    expect(await store.countEventsByKind(week)).toEqual([
      { accountId: ACCOUNT, kind: 'console-login-failure', mfaUsed: null, count: 1 },
      { accountId: ACCOUNT, kind: 'console-login-success', mfaUsed: false, count: 1 },
      { accountId: ACCOUNT, kind: 'console-login-success', mfaUsed: true, count: 2 },
      { accountId: OTHER_ACCOUNT, kind: 'root-api-call', mfaUsed: null, count: 1 },
    ]);
    expect(await store.countEventsByKind({ ...week, accountId: OTHER_ACCOUNT })).toEqual([{ accountId: OTHER_ACCOUNT, kind: 'root-api-call', mfaUsed: null, count: 1 }]);
    expect(await store.listEvents(week)).toHaveLength(5);
  });

  it('lists alerts still open (not acknowledged) with their links, oldest first', async () => {
    const clock = manualClock('2026-11-02T04:00:00.000Z');
    const store = open(':memory:', clock);
    await store.commitBatch(batch([rootEvent({ eventTime: '2026-11-02T03:00:00Z' }), rootEvent({ eventTime: '2026-11-02T03:01:00Z', accountId: OTHER_ACCOUNT }), rootEvent({ eventTime: '2026-11-02T03:02:00Z' })]));
    await markPosted(store, clock.now());
    const [first, second, third] = await store.listOpenAlerts();
    await acknowledgeAlert(store, first!.id, 'U0ALICE01');
    await setAlertState(store, second!.id, 'investigate', 'U0BOB0001');

    expect((await store.listOpenAlerts()).map((alert) => [alert.id, alert.state])).toEqual([
      [second!.id, 'investigating'],
      [third!.id, 'open'],
    ]);
    expect((await store.listOpenAlerts({ accountId: ACCOUNT })).map((alert) => alert.id)).toEqual([third!.id]);
    expect(await store.listOpenAlerts({ limit: 1 })).toHaveLength(1);
    expect((await store.listOpenAlerts())[1]?.post).toEqual({ channel: 'C0ALERTS1', ts: expect.any(String) });
    expect((await store.listAlertsAwaitingResponse()).map((alert) => alert.id)).toEqual([third!.id]);
  });

  it('acknowledgment durations run from the Slack post to the acknowledgment, for acknowledgments made in the range', async () => {
    const clock = manualClock('2026-11-02T04:00:00.000Z');
    const store = open(':memory:', clock);
    await store.commitBatch(batch([rootEvent({ eventTime: '2026-11-02T03:00:00Z' }), rootEvent({ eventTime: '2026-11-02T03:01:00Z', severity: 'critical' })]));
    clock.advance(60_000);
    await markPosted(store, clock.now()); // posted 04:01
    const [fast, slow] = await store.listOpenAlerts();
    await acknowledgeAlert(store, fast!.id, 'U0ALICE01', 'expected', new Date('2026-11-02T04:06:00Z'));
    await acknowledgeAlert(store, slow!.id, 'U0BOB0001', null, new Date('2026-11-09T00:30:00Z'));

    expect(await store.acknowledgmentDurations({ from: '2026-11-02T00:00:00Z', to: '2026-11-09T00:00:00Z' })).toEqual([
      {
        alertId: fast!.id,
        accountId: ACCOUNT,
        severity: 'medium',
        firstEventTime: '2026-11-02T03:00:00.000Z',
        createdAt: '2026-11-02T04:00:00.000Z',
        postedAt: '2026-11-02T04:01:00.000Z',
        acknowledgedAt: '2026-11-02T04:06:00.000Z',
        acknowledgedBy: 'U0ALICE01',
        secondsToAcknowledge: 300,
      },
    ]);
    expect((await store.acknowledgmentDurations({ from: '2026-11-09T00:00:00Z', to: '2026-11-16T00:00:00Z' })).map((entry) => [entry.alertId, entry.secondsToAcknowledge])).toEqual([[slow!.id, (Date.parse('2026-11-09T00:30:00Z') - Date.parse('2026-11-02T04:01:00Z')) / 1000]]);
  });

  it('posture snapshots: by account over the last weeks, and the latest of each account before a time', async () => {
    const store = open();
    await store.savePostureSnapshot(report(ACCOUNT, '2026-10-19T09:00:00Z', 5));
    await store.savePostureSnapshot(report(ACCOUNT, '2026-10-26T09:00:00Z', 6));
    await store.savePostureSnapshot(report(OTHER_ACCOUNT, '2026-10-26T09:00:00Z', 8));
    await store.savePostureSnapshot(report(ACCOUNT, '2026-11-02T09:00:00Z', 7));
    const takenExplicitly = await store.savePostureSnapshot(report(ACCOUNT, '2026-11-09T08:59:00Z', 7), new Date('2026-11-09T09:00:00Z'));

    const lastThreeWeeks = await store.listPostureSnapshots({ from: '2026-10-20T00:00:00Z', to: '2026-11-10T00:00:00Z' });
    expect(lastThreeWeeks.map((snapshot) => [snapshot.accountId, snapshot.takenAt, `${snapshot.passed}/${snapshot.total}`])).toEqual([
      [ACCOUNT, '2026-10-26T09:00:00.000Z', '6/9'],
      [ACCOUNT, '2026-11-02T09:00:00.000Z', '7/9'],
      [ACCOUNT, '2026-11-09T09:00:00.000Z', '7/9'],
      [OTHER_ACCOUNT, '2026-10-26T09:00:00.000Z', '8/9'],
    ]);
    expect(lastThreeWeeks[2]?.id).toBe(takenExplicitly);
    expect(lastThreeWeeks[0]?.report.findings[0]?.id).toBe('root-mfa-enabled');
    expect((await store.latestPostureSnapshots('2026-11-09T00:00:00Z')).map((snapshot) => [snapshot.accountId, snapshot.passed])).toEqual([
      [ACCOUNT, 7],
      [OTHER_ACCOUNT, 8],
    ]);
    expect((await store.latestPostureSnapshots()).map((snapshot) => snapshot.takenAt)).toEqual(['2026-11-09T09:00:00.000Z', '2026-10-26T09:00:00.000Z']);
  });
});

describe('weekly summary ledger', () => {
  it('a week\'s summary is enqueued once, even across a restart, with its thread parts under the post', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const path = join(dir.path, 'state.sqlite');
    const first = openSqliteStore({ path });
    const recorded = await first.recordWeeklySummary({ weekKey: '2026-W46', summary: { score: '7/9' }, threadParts: [{ details: 'a' }, { details: 'b' }], channel: 'C0SUMMARY' });
    expect(recorded.created).toBe(true);
    expect(await first.recordWeeklySummary({ weekKey: '2026-W46', summary: { score: 'other' } })).toEqual({ created: false, outboxId: recorded.outboxId });
    await first.close();

    const second = openSqliteStore({ path });
    cleanups.push(() => second.close());
    expect(await second.recordWeeklySummary({ weekKey: '2026-W46', summary: { score: 'again' } })).toEqual({ created: false, outboxId: recorded.outboxId });
    const outbox = await second.listOutbox();
    expect(outbox.map((row) => [row.kind, row.weekKey, row.channel, row.parentId, row.payload])).toEqual([
      ['summary-post', '2026-W46', 'C0SUMMARY', null, { weekKey: '2026-W46' }],
      ['summary-reply', '2026-W46', null, recorded.outboxId, { weekKey: '2026-W46', part: 0 }],
      ['summary-reply', '2026-W46', null, recorded.outboxId, { weekKey: '2026-W46', part: 1 }],
    ]);
    expect(await second.getWeeklySummary('2026-W46')).toMatchObject({ weekKey: '2026-W46', summary: { score: '7/9' }, threadParts: [{ details: 'a' }, { details: 'b' }], outboxId: recorded.outboxId, post: null });

    await second.markOutboxSending(recorded.outboxId);
    await second.markOutboxSent(recorded.outboxId, { channel: 'C0SUMMARY', ts: '1767000000.000100' });
    expect((await second.getWeeklySummary('2026-W46'))?.post).toEqual({ channel: 'C0SUMMARY', ts: '1767000000.000100' });
    expect(await second.getWeeklySummary('2026-W45')).toBeNull();
  });

  it('outbox counts show what waits, including rows waiting for an unposted parent', async () => {
    const store = open();
    await store.commitBatch(batch([rootEvent({ sessionKey: 's', eventTime: '2026-11-02T03:00:00Z' }), rootEvent({ sessionKey: 's', eventTime: '2026-11-02T03:01:00Z' })]));
    expect(await store.outboxCounts()).toEqual({ pending: 2, sending: 0, sent: 0, failed: 0, waitingForParent: 1, oldestPendingCreatedAt: '2026-11-09T09:00:00.000Z' });
  });
});
