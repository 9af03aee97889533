// The summary's view of the real SQLite store: the ledger claims a week once, across handles on one file.
import { afterEach, describe, expect, it } from 'vitest';
import { alertTitle } from '../../src/alerts/index.js';
import { ledgerRecord } from '../../src/slack/blocks/summary.js';
import { openSqliteStore } from '../../src/store/index.js';
import { buildWeeklySummary, messagePermalink, storeSummaryLedger, storeSummarySources } from '../../src/summary/index.js';
import { shouldPostOnStartup } from '../../src/summary/catch-up.js';
import { rootEvent, tempDir } from '../store/helpers.js';
import { input } from './fixtures.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

describe('storeSummaryLedger on SQLite', () => {
  it('records a week once, even from two handles on the same file (two processes, or a restart mid-run)', async () => {
    const dir = tempDir('arg-summary-');
    cleanups.push(() => dir.remove());
    const first = openSqliteStore({ dataDir: dir.path });
    cleanups.push(() => first.close());
    const second = openSqliteStore({ dataDir: dir.path });
    cleanups.push(() => second.close());
    const ledgerA = storeSummaryLedger(first, { record: ledgerRecord });
    const ledgerB = storeSummaryLedger(second, { record: ledgerRecord });
    const summary = buildWeeklySummary(input());

    expect(await ledgerA.isRecorded('2026-W48')).toBe(false);
    expect(await ledgerA.claimWeek('2026-W48', summary)).toBe(true);
    expect(await ledgerB.claimWeek('2026-W48', summary)).toBe(false);
    expect(await ledgerB.isRecorded('2026-W48')).toBe(true);
    expect((await second.listOutbox()).filter((row) => row.kind === 'summary-post')).toHaveLength(1);
    // The start-up decision reads the same ledger.
    const decision = shouldPostOnStartup(new Date('2026-11-30T10:00:00Z'), await ledgerB.isRecorded('2026-W48') ? '2026-W48' : null, '0 9 * * 1', 'UTC');
    expect(decision.reason).toBe('already-posted');
  });

  it('queues one thread reply per detail message, under the post', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    cleanups.push(() => store.close());
    const accounts = Array.from({ length: 30 }, (_, index) => ({ account: { id: String(500000000000 + index), alias: null }, posture: { ok: false as const, error: { message: 'AccessDenied' } }, lastWeek: null, scoreHistory: [] }));
    const summary = buildWeeklySummary(input({ accounts }));
    const { threadParts } = ledgerRecord(summary);
    expect(threadParts.length).toBeGreaterThan(0);
    expect(await storeSummaryLedger(store, { record: ledgerRecord, channel: 'C0SUMMARY' }).claimWeek(summary.window.weekKey, summary)).toBe(true);
    const rows = await store.listOutbox();
    const post = rows.find((row) => row.kind === 'summary-post')!;
    expect(post.channel).toBe('C0SUMMARY');
    expect(rows.filter((row) => row.kind === 'summary-reply').map((row) => [row.parentId, row.payload.part])).toEqual(threadParts.map((_part, index) => [post.id, index]));
  });
});

describe('storeSummarySources', () => {
  it('maps the store\'s alerts, events and acknowledgments into the summary\'s inputs', async () => {
    let now = new Date('2026-11-25T03:17:00Z');
    const store = openSqliteStore({ path: ':memory:' }, { clock: () => now });
    cleanups.push(() => store.close());
    const event = rootEvent({ kind: 'console-login-success', mfaUsed: false, eventName: 'ConsoleLogin', eventTime: '2026-11-25T03:12:00Z' });
    await store.commitBatch({ accountId: event.accountId, region: 'us-east-1', cursor: now.toISOString(), events: [{ event, rawRecord: '{}' }], malformedCount: 0 });
    const [alert] = await store.listOpenAlerts();
    const [postRow] = await store.listOutbox({ alertId: alert!.id });
    await store.markOutboxSending(postRow!.id, now);
    await store.markOutboxSent(postRow!.id, { channel: 'C0SECURITY', ts: '1764040620.000100' }, now);

    const sources = storeSummarySources(store, { watchedAccounts: async () => [], assessFresh: async () => [], slackTeamUrl: 'https://acme.slack.com' });
    // The posture the summary shows: each account's newest snapshot, whole.
    const older = { account: { id: event.accountId, alias: 'prod' }, generatedAt: '2026-11-24T06:00:00.000Z', score: { passed: 1, total: 2 }, findings: [] };
    await store.savePostureSnapshot(older, new Date(older.generatedAt));
    await store.savePostureSnapshot({ ...older, generatedAt: '2026-11-25T06:00:00.000Z', score: { passed: 2, total: 2 } }, new Date('2026-11-25T06:00:00.000Z'));
    expect(await sources.latestSnapshots()).toEqual([{ accountId: event.accountId, takenAt: '2026-11-25T06:00:00.000Z', report: expect.objectContaining({ score: { passed: 2, total: 2 } }) }]);
    const week = { from: new Date('2026-11-23T00:00:00Z'), to: new Date('2026-11-30T00:00:00Z') };
    expect(await sources.eventCount(week)).toBe(1);
    expect(await sources.events(week)).toEqual([event]);
    expect(await sources.unacknowledgedAlerts()).toEqual([
      { alertId: String(alert!.id), accountId: event.accountId, headline: 'Root console sign-in WITHOUT MFA', kind: 'console-login-success', state: 'open', createdAt: '2026-11-25T03:17:00.000Z', message: { permalink: 'https://acme.slack.com/archives/C0SECURITY/p1764040620000100' } },
    ]);

    now = new Date('2026-11-25T03:29:00Z');
    await store.transitionAlert({ alertId: alert!.id, action: 'acknowledge', toState: 'acknowledged', allowedFrom: ['open', 'investigating', 'escalated'], userId: 'U0ALICE', reason: null, at: now });
    expect(await sources.unacknowledgedAlerts()).toEqual([]);
    expect(await sources.acknowledgments(week)).toEqual([{ alertId: String(alert!.id), raisedAt: '2026-11-25T03:17:00.000Z', acknowledgedAt: '2026-11-25T03:29:00.000Z' }]);
  });
});

describe('alert headlines and links', () => {
  it('says what the alert is about in one line', () => {
    const signIn = rootEvent({ kind: 'console-login-success', mfaUsed: true });
    expect(alertTitle({ kind: 'console-login-success', groupKind: 'single', eventCount: 1 }, signIn)).toBe('Root console sign-in with MFA');
    expect(alertTitle({ kind: 'console-login-failure', groupKind: 'failed-logins', eventCount: 4 }, null)).toBe('4 failed root sign-ins');
    expect(alertTitle({ kind: 'root-api-call', groupKind: 'session', eventCount: 10 }, rootEvent({ eventName: 'DeleteBucket' }))).toBe('Root API call: DeleteBucket and 9 more in the same session');
    expect(alertTitle({ kind: 'root-only-task', groupKind: 'single', eventCount: 1 }, null)).toBe('Root-only task');
  });

  it('builds the permalink shape chat.getPermalink returns', () => {
    expect(messagePermalink('https://ghostbusters.slack.com/', 'C1H9RESGA', '1358546515.000008')).toBe('https://ghostbusters.slack.com/archives/C1H9RESGA/p1358546515000008');
  });
});
