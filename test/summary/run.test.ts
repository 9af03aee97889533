import { describe, expect, it } from 'vitest';
import { firstSnapshotsIn, weeklyScoreHistory } from '../../src/summary/baselines.js';
import { buildSummaryOnDemand, runWeeklySummary } from '../../src/summary/run.js';
import { report, rootEvent } from './fixtures.js';
import { MemoryLedger, MemorySources } from './memory.js';

const PROD = { id: '111122223333', alias: 'prod' };

function snapshot(takenAt: string, statuses: Parameters<typeof report>[1]) {
  return { accountId: PROD.id, takenAt, report: report(PROD.id, statuses, 'prod', takenAt) };
}

describe('baselines from stored snapshots', () => {
  const snapshots = [
    snapshot('2026-11-27T15:00:00.000Z', { 'root-no-access-keys': 'fail' }), // a manual check on Friday
    snapshot('2026-11-23T09:00:05.000Z', { 'root-no-access-keys': 'fail', 'root-hardware-mfa': 'fail' }), // last Monday's summary
    snapshot('2026-11-16T09:00:05.000Z', { 'root-no-access-keys': 'fail', 'root-hardware-mfa': 'fail', 'security-contact': 'fail' }),
  ];

  it('"last week" is the first snapshot taken in the window: every change of the week shows', () => {
    const baselines = firstSnapshotsIn(snapshots, { start: new Date('2026-11-23T00:00:00Z'), end: new Date('2026-11-30T00:00:00Z') });
    expect(baselines.get(PROD.id)).toMatchObject({ takenAt: '2026-11-23T09:00:05.000Z', score: { passed: 7, total: 9 }, statuses: { 'root-hardware-mfa': 'fail' } });
  });

  it('one trend point per week: the first snapshot of that week', () => {
    expect(weeklyScoreHistory(snapshots, 'UTC').get(PROD.id)).toEqual([
      { weekKey: '2026-W47', score: { passed: 6, total: 9 } },
      { weekKey: '2026-W48', score: { passed: 7, total: 9 } },
    ]);
  });
});

describe('runWeeklySummary', () => {
  const now = new Date('2026-11-30T09:00:01.000Z');

  function setup() {
    const sources = new MemorySources({
      assess: async () => [{ account: PROD, posture: { ok: true, report: report(PROD.id, {}, 'prod', now.toISOString()) } }],
      snapshots: [
        snapshot('2026-11-23T09:00:05.000Z', { 'root-no-access-keys': 'fail', 'root-hardware-mfa': 'fail' }),
        snapshot('2026-11-16T09:00:05.000Z', { 'root-no-access-keys': 'fail', 'root-hardware-mfa': 'fail', 'security-contact': 'fail' }),
      ],
      events: [
        rootEvent({ kind: 'console-login-success', mfaUsed: false, eventTime: '2026-11-25T03:12:00Z', accountId: PROD.id }),
        rootEvent({ kind: 'root-api-call', eventTime: '2026-11-18T03:12:00Z', accountId: PROD.id }),
        rootEvent({ kind: 'root-api-call', eventTime: '2026-11-30T08:00:00Z', accountId: PROD.id }), // this week: not in the summary
      ],
      acknowledgments: [{ alertId: '3', raisedAt: '2026-11-25T03:13:00Z', acknowledgedAt: '2026-11-25T03:20:00Z' }],
    });
    sources.clock = () => now;
    return { sources, ledger: new MemoryLedger() };
  }

  it('builds the last complete week from the store and fresh checks, records and queues it once', async () => {
    const { sources, ledger } = setup();
    const outcome = await runWeeklySummary({ sources, ledger, timezone: 'UTC', now: () => now });
    expect(outcome.status).toBe('posted');
    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W48']);
    const summary = ledger.queued[0]!.summary;
    expect(summary.window).toMatchObject({ weekKey: '2026-W48', start: '2026-11-23T00:00:00.000Z', end: '2026-11-30T00:00:00.000Z' });
    expect(summary.accounts[0]).toMatchObject({ score: { passed: 9, total: 9 }, lastWeekScore: { passed: 7, total: 9 }, direction: 'up' });
    expect(summary.accounts[0]!.newlyFixed.map((change) => change.id).sort()).toEqual(['root-hardware-mfa', 'root-no-access-keys']);
    expect(summary.events).toMatchObject({ total: 1, consoleSignInWithoutMfa: 1 });
    expect(summary.eventTrend).toEqual([0, 0, 0, 0, 0, 0, 1, 1]);
    expect(summary.accounts[0]!.scoreTrend.slice(-3)).toEqual([6 / 9, 7 / 9, 1]);
    expect(summary.acknowledgments).toEqual({ count: 1, medianMs: 7 * 60_000 });
    // The store was read before the fresh snapshot was written, and the snapshot was kept.
    expect(sources.calls.indexOf('postureSnapshots')).toBeLessThan(sources.calls.indexOf('saveSnapshots'));
    expect(sources.snapshots.at(-1)).toMatchObject({ accountId: PROD.id, takenAt: now.toISOString() });
  });

  it('a second run for the same week runs no checks and posts nothing', async () => {
    const { sources, ledger } = setup();
    await runWeeklySummary({ sources, ledger, timezone: 'UTC', now: () => now });
    const assessCalls = sources.calls.filter((call) => call === 'assessAll').length;
    const again = await runWeeklySummary({ sources, ledger, timezone: 'UTC', now: () => new Date('2026-11-30T09:05:00Z') });
    expect(again).toEqual({ status: 'already-posted', weekKey: '2026-W48' });
    expect(sources.calls.filter((call) => call === 'assessAll')).toHaveLength(assessCalls);
    expect(ledger.queued).toHaveLength(1);
  });

  it('two runs racing for one week: one claims it, the other queues nothing', async () => {
    const { sources, ledger } = setup();
    const outcomes = await Promise.all([
      runWeeklySummary({ sources, ledger, timezone: 'UTC', now: () => now }),
      runWeeklySummary({ sources, ledger, timezone: 'UTC', now: () => now }),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['already-posted', 'posted']);
    expect(ledger.queued).toHaveLength(1);
  });

  it('checks that cannot start at all: the summary still goes out and says why, for the accounts the store knows', async () => {
    const { ledger } = setup();
    const sources = new MemorySources({
      assess: async () => {
        throw Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' });
      },
      snapshots: [snapshot('2026-11-23T09:00:05.000Z', {})],
    });
    const outcome = await runWeeklySummary({ sources, ledger, timezone: 'UTC', now: () => now });
    expect(outcome.status).toBe('posted');
    const summary = ledger.queued[0]!.summary;
    expect(summary.checksFailed).toEqual([{ account: { id: PROD.id, alias: null }, error: { message: 'The security token included in the request is expired', code: 'ExpiredTokenException' } }]);
    expect(summary.empty).toBe(false);
    expect(sources.calls).not.toContain('saveSnapshots');
  });

  it('in Pacific/Auckland the Monday 09:00 run reports the local week that just ended', async () => {
    const { sources, ledger } = setup();
    const outcome = await runWeeklySummary({ sources, ledger, timezone: 'Pacific/Auckland', now: () => new Date('2026-11-29T20:00:01Z') });
    expect(outcome).toMatchObject({ status: 'posted', weekKey: '2026-W48' });
    expect(ledger.queued[0]!.summary.window).toMatchObject({ start: '2026-11-22T11:00:00.000Z', end: '2026-11-29T11:00:00.000Z', timezone: 'Pacific/Auckland' });
  });
});

describe('buildSummaryOnDemand', () => {
  it('this week so far: a partial window ending now, nothing recorded, no snapshot saved', async () => {
    const sources = new MemorySources({
      assess: async () => [{ account: PROD, posture: { ok: true, report: report(PROD.id, { 'root-mfa-enabled': 'fail' }, 'prod') } }],
      snapshots: [snapshot('2026-11-30T09:00:05.000Z', {})],
      events: [rootEvent({ kind: 'root-api-call', eventTime: '2026-12-01T10:00:00Z', accountId: PROD.id }), rootEvent({ kind: 'root-api-call', eventTime: '2026-12-02T13:00:00Z', accountId: PROD.id })],
    });
    const summary = await buildSummaryOnDemand({ sources, timezone: 'UTC', now: new Date('2026-12-02T12:00:00Z'), scope: 'this-week' });
    expect(summary.window).toMatchObject({ weekKey: '2026-W49', partial: true, end: '2026-12-02T12:00:00.000Z' });
    expect(summary.events.total).toBe(1);
    // Compared with this Monday's summary snapshot.
    expect(summary.accounts[0]).toMatchObject({ direction: 'down', lastWeekScore: { passed: 9, total: 9 } });
    expect(sources.calls).not.toContain('saveSnapshots');
  });
});
