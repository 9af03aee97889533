import { describe, expect, it } from 'vitest';
import { firstSnapshotsIn, weeklyScoreHistory } from '../../src/summary/baselines.js';
import { buildSummaryOnDemand, runWeeklySummary } from '../../src/summary/run.js';
import { renderWeeklySummaryText } from '../../src/summary/render-text.js';
import { report, rootEvent } from './fixtures.js';
import { renderWeeklySummary } from '../../src/slack/blocks/summary.js';
import { MemoryLedger, MemorySources } from './memory.js';

const PROD = { id: '111122223333', alias: 'prod' };
const NEW_ACCOUNT = { id: '444455556666', alias: 'new' };

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
  // The scheduled scan's snapshot three hours before the Monday post: everything fixed.
  const scanThisMorning = snapshot('2026-11-30T06:00:00.000Z', {});

  function setup(extra: Partial<ConstructorParameters<typeof MemorySources>[0]> = {}) {
    const sources = new MemorySources({
      watched: [PROD],
      snapshots: [
        scanThisMorning,
        snapshot('2026-11-23T06:00:05.000Z', { 'root-no-access-keys': 'fail', 'root-hardware-mfa': 'fail' }),
        snapshot('2026-11-16T06:00:05.000Z', { 'root-no-access-keys': 'fail', 'root-hardware-mfa': 'fail', 'security-contact': 'fail' }),
      ],
      events: [
        rootEvent({ kind: 'console-login-success', mfaUsed: false, eventTime: '2026-11-25T03:12:00Z', accountId: PROD.id }),
        rootEvent({ kind: 'root-api-call', eventTime: '2026-11-18T03:12:00Z', accountId: PROD.id }),
        rootEvent({ kind: 'root-api-call', eventTime: '2026-11-30T08:00:00Z', accountId: PROD.id }), // this week: not in the summary
      ],
      acknowledgments: [{ alertId: '3', raisedAt: '2026-11-25T03:13:00Z', acknowledgedAt: '2026-11-25T03:20:00Z' }],
      ...extra,
    });
    return { sources, ledger: new MemoryLedger() };
  }

  it('the last complete week from the snapshots the scan keeps: no fresh check, the change since the week began, the age shown', async () => {
    const { sources, ledger } = setup();
    const outcome = await runWeeklySummary({ sources, ledger, timezone: 'UTC', now: () => now });
    expect(outcome.status).toBe('posted');
    expect(ledger.queued.map((entry) => entry.weekKey)).toEqual(['2026-W48']);
    const summary = ledger.queued[0]!.summary;
    expect(summary.window).toMatchObject({ weekKey: '2026-W48', start: '2026-11-23T00:00:00.000Z', end: '2026-11-30T00:00:00.000Z' });
    // Now: this morning's snapshot; last week: the first snapshot of the window (Monday's scan).
    expect(summary.accounts[0]).toMatchObject({ score: { passed: 9, total: 9 }, lastWeekScore: { passed: 7, total: 9 }, direction: 'up', checkedAt: scanThisMorning.takenAt, checkedFresh: false });
    expect(summary.accounts[0]!.checkedAgeMs).toBe(3 * 3600_000 + 1_000);
    expect(summary.accounts[0]!.newlyFixed.map((change) => change.id).sort()).toEqual(['root-hardware-mfa', 'root-no-access-keys']);
    expect(summary.postureSource).toEqual({ fromSnapshots: 1, checkedFresh: 0, oldestSnapshotAt: scanThisMorning.takenAt, oldestSnapshotAgeMs: 3 * 3600_000 + 1_000 });
    expect(summary.events).toMatchObject({ total: 1, consoleSignInWithoutMfa: 1 });
    expect(summary.eventTrend).toEqual([0, 0, 0, 0, 0, 0, 1, 1]);
    expect(summary.accounts[0]!.scoreTrend.slice(-3)).toEqual([6 / 9, 7 / 9, 1]);
    expect(summary.acknowledgments).toEqual({ count: 1, medianMs: 7 * 60_000 });
    expect(sources.calls).not.toContain('assessFresh');
    expect(renderWeeklySummaryText(summary, { colour: false })).toContain('posture from the scheduled scan, 3 h old');
  });

  it('an account with no snapshot yet is checked fresh, only that one, and the summary says so', async () => {
    const { sources, ledger } = setup({
      watched: [PROD, NEW_ACCOUNT],
      assess: async (accountIds) => accountIds.map((id) => ({ account: { id, alias: 'new' }, posture: { ok: true, report: report(id, { 'root-mfa-enabled': 'fail' }, 'new', now.toISOString()) } })),
    });
    await runWeeklySummary({ sources, ledger, timezone: 'UTC', now: () => now });
    expect(sources.freshChecks).toEqual([[NEW_ACCOUNT.id]]);
    const summary = ledger.queued[0]!.summary;
    const fresh = summary.accounts.find((account) => account.account.id === NEW_ACCOUNT.id)!;
    expect(fresh).toMatchObject({ checkedFresh: true, direction: 'first', checkedAgeMs: 0 });
    expect(summary.postureSource).toMatchObject({ fromSnapshots: 1, checkedFresh: 1 });
    const text = renderWeeklySummaryText(summary, { colour: false });
    expect(text).toContain('1 account without a snapshot checked now');
    expect(text).toContain('(checked now: no snapshot yet)');
  });

  it('no snapshot at all (a fresh store): every account checked now, said so', async () => {
    const { sources, ledger } = setup({
      snapshots: [],
      assess: async (accountIds) => accountIds.map((id) => ({ account: { id, alias: 'prod' }, posture: { ok: true, report: report(id, {}, 'prod', now.toISOString()) } })),
    });
    await runWeeklySummary({ sources, ledger, timezone: 'UTC', now: () => now });
    const summary = ledger.queued[0]!.summary;
    expect(sources.freshChecks).toEqual([[PROD.id]]);
    expect(summary.postureSource).toEqual({ fromSnapshots: 0, checkedFresh: 1, oldestSnapshotAt: null, oldestSnapshotAgeMs: null });
    expect(renderWeeklySummaryText(summary, { colour: false })).toContain('no scan snapshot yet: posture checked now');
  });

  it('carries the activity coverage line into the post and the terminal text; a coverage that fails leaves it out', async () => {
    const { sources, ledger } = setup();
    const line = 'watching 143 accounts × 17 Regions; 2 could not be read';
    const withCoverage = Object.assign(sources, { coverage: async () => line });
    await runWeeklySummary({ sources: withCoverage, ledger, timezone: 'UTC', now: () => now });
    const summary = ledger.queued[0]!.summary;
    expect(summary.coverage).toBe(line);
    expect(JSON.stringify(renderWeeklySummary(summary).blocks[1])).toContain(`Coverage: ${line}`);
    expect(renderWeeklySummaryText(summary, { colour: false }).split('\n')[2]).toBe(`Coverage: ${line}`);

    const failing = Object.assign(setup().sources, { coverage: async () => Promise.reject(new Error('store closed')) });
    const onDemand = await buildSummaryOnDemand({ sources: failing, timezone: 'UTC', now, scope: 'last-week' });
    expect(onDemand.coverage).toBeNull();
    expect(renderWeeklySummaryText(onDemand, { colour: false })).not.toContain('Coverage:');
  });

  it('a second run for the same week reads nothing and posts nothing', async () => {
    const { sources, ledger } = setup();
    await runWeeklySummary({ sources, ledger, timezone: 'UTC', now: () => now });
    const reads = sources.calls.length;
    const again = await runWeeklySummary({ sources, ledger, timezone: 'UTC', now: () => new Date('2026-11-30T09:05:00Z') });
    expect(again).toEqual({ status: 'already-posted', weekKey: '2026-W48' });
    expect(sources.calls).toHaveLength(reads);
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

  it('fresh checks that cannot start at all: the summary still goes out and says why for the account without a snapshot', async () => {
    const { sources, ledger } = setup({
      snapshots: [],
      assess: async () => {
        throw Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' });
      },
    });
    const outcome = await runWeeklySummary({ sources, ledger, timezone: 'UTC', now: () => now });
    expect(outcome.status).toBe('posted');
    const summary = ledger.queued[0]!.summary;
    expect(summary.checksFailed).toEqual([{ account: PROD, error: { message: 'The security token included in the request is expired', code: 'ExpiredTokenException' } }]);
    expect(summary.empty).toBe(false);
  });

  it('the watched accounts cannot be listed: the accounts the snapshots know, with their age; with no snapshot either, why', async () => {
    const expired = () => Promise.reject(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' }));
    const { sources, ledger } = setup({ watched: expired });
    await runWeeklySummary({ sources, ledger, timezone: 'UTC', now: () => now });
    expect(ledger.queued[0]!.summary.accounts.map((account) => [account.account.id, account.checkedAt])).toEqual([[PROD.id, scanThisMorning.takenAt]]);

    const bare = setup({ watched: expired, snapshots: [] });
    await runWeeklySummary({ sources: bare.sources, ledger: bare.ledger, timezone: 'UTC', now: () => now });
    expect(bare.ledger.queued[0]!.summary.checksFailed).toEqual([{ account: { id: '(unknown)', alias: null }, error: { message: 'The security token included in the request is expired', code: 'ExpiredTokenException' } }]);
  });

  it('in Pacific/Auckland the Monday 09:00 run reports the local week that just ended', async () => {
    const { sources, ledger } = setup();
    const outcome = await runWeeklySummary({ sources, ledger, timezone: 'Pacific/Auckland', now: () => new Date('2026-11-29T20:00:01Z') });
    expect(outcome).toMatchObject({ status: 'posted', weekKey: '2026-W48' });
    expect(ledger.queued[0]!.summary.window).toMatchObject({ start: '2026-11-22T11:00:00.000Z', end: '2026-11-29T11:00:00.000Z', timezone: 'Pacific/Auckland' });
  });
});

describe('buildSummaryOnDemand', () => {
  it('this week so far: a partial window ending now, from the newest snapshot, compared with the first one of the week', async () => {
    const sources = new MemorySources({
      watched: [PROD],
      snapshots: [snapshot('2026-11-30T06:00:05.000Z', {}), snapshot('2026-12-02T06:00:00.000Z', { 'root-mfa-enabled': 'fail' })],
      events: [rootEvent({ kind: 'root-api-call', eventTime: '2026-12-01T10:00:00Z', accountId: PROD.id }), rootEvent({ kind: 'root-api-call', eventTime: '2026-12-02T13:00:00Z', accountId: PROD.id })],
    });
    const summary = await buildSummaryOnDemand({ sources, timezone: 'UTC', now: new Date('2026-12-02T12:00:00Z'), scope: 'this-week' });
    expect(summary.window).toMatchObject({ weekKey: '2026-W49', partial: true, end: '2026-12-02T12:00:00.000Z' });
    expect(summary.events.total).toBe(1);
    expect(summary.accounts[0]).toMatchObject({ direction: 'down', lastWeekScore: { passed: 9, total: 9 }, checkedAgeMs: 6 * 3600_000 });
    expect(summary.accounts[0]!.newlyFailing.map((change) => change.id)).toEqual(['root-mfa-enabled']);
    expect(sources.calls).not.toContain('assessFresh');
  });
});
