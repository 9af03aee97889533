// End to end: a seeded SQLite store, the real summary run, the outbox sender with the real WebClient, and the fake
// Slack Web API. The posted blocks must carry the figures of what was seeded.
import type { KnownBlock } from '@slack/types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RootEvent } from '../../src/activity/model.js';
import { acknowledgeAlert, createOutboxSender, createSenderWebClient, webClientMessenger, type OutboxRenderer, type OutboxSender } from '../../src/alerts/index.js';
import { ledgerRecord, messageFromLedger, renderWeeklySummary } from '../../src/slack/blocks/summary.js';
import { checkBlockKitLimits } from '../../src/slack/blocks/limits.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { countSparkline, runWeeklySummary, storeSummaryLedger, storeSummarySources, type AssessedAccount } from '../../src/summary/index.js';
import { startFakeSlack, type FakeSlack, type RecordedCall } from '../fakes/slack/index.js';
import { batch, capturingLogger, manualClock, rootEvent } from '../store/helpers.js';
import { report } from './fixtures.js';

const CHANNEL = 'C0SECURITY';
const ACCOUNT_ID = '123456789012'; // the account test/store/helpers.ts seeds events for
const TEAM_URL = 'https://acme.slack.com/';

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  slack.requests.length = 0;
  slack.state.messages.length = 0;
});

// Alerts are not this test's subject: a plain line is enough for them. Summaries go through the real path.
const render: OutboxRenderer = (view) => {
  const row = view.message;
  if (view.kind === 'summary') return messageFromLedger(view.entry, row.kind === 'summary-reply' ? Number(row.payload.part) : null);
  return { text: `${row.kind} for alert ${row.alertId ?? '-'}` };
};

function summaryPosts(): RecordedCall[] {
  return slack.calls('chat.postMessage').filter((call) => call.error === null && (call.args.metadata as { event_payload?: { kind?: string } } | undefined)?.event_payload?.kind === 'summary-post');
}

function blockText(blocks: KnownBlock[]): string {
  return blocks
    .flatMap((block) => {
      if (block.type === 'section') return [block.text?.text ?? '', ...(block.fields ?? []).map((field) => field.text)];
      if (block.type === 'header') return [block.text.text];
      if (block.type === 'context') return block.elements.map((element) => ('text' in element ? element.text : ''));
      return [];
    })
    .join('\n');
}

/** Each event reaches the store a few minutes after it happened, as CloudTrail delivers it, and its alert is posted. */
async function seed(store: SqliteStore, sender: OutboxSender, clock: ReturnType<typeof manualClock>, events: RootEvent[]): Promise<void> {
  for (const event of events) {
    clock.set(new Date(Date.parse(event.eventTime) + 5 * 60_000).toISOString());
    await store.commitBatch(batch([event], { accountId: event.accountId, cursor: clock.now().toISOString() }));
    await sender.sendDue();
  }
}

describe('weekly summary end to end', () => {
  it('posts the right figures for a seeded store to Slack once, however often it runs', async () => {
    const clock = manualClock('2026-11-16T00:00:00.000Z');
    const store = openSqliteStore({ path: ':memory:' }, { clock: clock.now });
    cleanups.push(() => store.close());
    const { logger } = capturingLogger();
    const client = createSenderWebClient({ token: slack.botToken, slackApiUrl: slack.apiUrl, logger });
    const sender = createOutboxSender({ store, messenger: webClientMessenger(client), render, defaultChannel: CHANNEL, logger, clock: clock.now, channelIntervalMs: 0 });

    // Posture: two earlier summaries left their snapshots; this week's checks find two more problems fixed.
    await store.savePostureSnapshot(report(ACCOUNT_ID, { 'root-no-access-keys': 'fail', 'root-hardware-mfa': 'fail', 'password-policy': 'warn', 'security-contact': 'fail', 'root-mfa-enabled': 'fail' }, 'prod'), new Date('2026-11-16T09:00:05Z'));
    await store.savePostureSnapshot(report(ACCOUNT_ID, { 'root-no-access-keys': 'fail', 'root-hardware-mfa': 'fail', 'password-policy': 'warn', 'security-contact': 'fail' }, 'prod'), new Date('2026-11-23T09:00:05Z'));

    // Root activity: one call the week before, and a busy week 2026-W48.
    const consoleWithoutMfa = rootEvent({ kind: 'console-login-success', mfaUsed: false, eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', severity: 'critical', eventTime: '2026-11-25T03:12:00Z' });
    await seed(store, sender, clock, [
      rootEvent({ kind: 'root-api-call', eventTime: '2026-11-18T10:00:00Z' }),
      consoleWithoutMfa,
      rootEvent({ kind: 'console-login-success', mfaUsed: true, eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', eventTime: '2026-11-26T10:00:00Z' }),
      rootEvent({ kind: 'root-api-call', sessionKey: 'session-a', eventTime: '2026-11-26T10:01:00Z' }),
      rootEvent({ kind: 'root-api-call', sessionKey: 'session-a', eventName: 'GetBucketPolicy', eventTime: '2026-11-26T10:02:00Z' }),
      rootEvent({ kind: 'root-api-call', sessionKey: 'session-a', eventName: 'PutBucketPolicy', eventTime: '2026-11-26T10:03:00Z' }),
      rootEvent({ kind: 'console-login-failure', mfaUsed: null, eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', errorMessage: 'Failed authentication', eventTime: '2026-11-27T08:00:00Z' }),
      rootEvent({ kind: 'root-credential-change', eventName: 'CreateAccessKey', eventSource: 'iam.amazonaws.com', eventTime: '2026-11-27T09:00:00Z' }),
      // Root attaching AdministratorAccess: an IAM access change, never counted as expected root use.
      rootEvent({ kind: 'root-access-change', severity: 'critical', eventName: 'AttachUserPolicy', eventSource: 'iam.amazonaws.com', action: 'attached AdministratorAccess to IAM user support-backup', eventTime: '2026-11-27T09:05:00Z' }),
      // Sunday 23:59:59 is still in the week; Monday 00:00 is not.
      rootEvent({ kind: 'root-only-task', rootOnlyTask: true, eventName: 'UpdateAccountName', eventSource: 'account.amazonaws.com', eventTime: '2026-11-29T23:59:59Z' }),
      rootEvent({ kind: 'root-api-call', eventTime: '2026-11-30T00:00:00Z' }),
    ]);

    // Someone acknowledges the console sign-in 8 minutes after its alert was posted.
    const signInAlert = (await store.listOpenAlerts()).find((alert) => alert.firstEventId === consoleWithoutMfa.eventId)!;
    expect(signInAlert.post).not.toBeNull();
    expect((await acknowledgeAlert(store, signInAlert.id, 'U0ALICE', 'my own test login', new Date(Date.parse(signInAlert.postedAt!) + 8 * 60_000))).changed).toBe(true);
    const openAlerts = await store.listOpenAlerts();

    // Monday 30 Nov, 06:00 UTC: the scheduled scan keeps a snapshot; 09:00: the run reads it, checking nothing.
    const scanAt = new Date('2026-11-30T06:00:00.000Z');
    await store.savePostureSnapshot(report(ACCOUNT_ID, { 'password-policy': 'warn', 'security-contact': 'fail' }, 'prod', scanAt.toISOString()), scanAt);
    clock.set('2026-11-30T09:00:00.000Z');
    const noFreshCheck = async (): Promise<AssessedAccount[]> => {
      throw new Error('the account has a snapshot: no fresh check expected');
    };
    const deps = {
      sources: storeSummarySources(store, { watchedAccounts: async () => [{ id: ACCOUNT_ID, alias: 'prod' }], assessFresh: noFreshCheck, slackTeamUrl: TEAM_URL }),
      ledger: storeSummaryLedger(store, { record: ledgerRecord }),
      timezone: 'UTC',
      now: clock.now,
    };
    const outcome = await runWeeklySummary(deps);
    expect(outcome).toMatchObject({ status: 'posted', weekKey: '2026-W48' });
    await sender.sendDue();

    const [post, ...others] = summaryPosts();
    expect(others).toEqual([]);
    expect(post!.args.channel).toBe(CHANNEL);
    const blocks = post!.args.blocks as KnownBlock[];
    expect(checkBlockKitLimits({ text: post!.args.text as string, blocks })).toEqual([]);
    const text = blockText(blocks);
    expect(text).toContain('Weekly root hygiene: 23–29 Nov 2026');
    expect(text).toContain('posture from the scheduled scan, 3 h old');
    expect(text).toContain('7/9, up from 5/9');
    expect(text).toMatch(/fixed: .*Root user has no access keys/);
    expect(text).toContain('*Root activity:* 9 events');
    expect(text).toContain(countSparkline([0, 0, 0, 0, 0, 0, 1, 9]));
    for (const [label, count] of [['Console sign-ins without MFA', 1], ['Console sign-ins with MFA', 1], ['Failed sign-ins', 1], ['Credential changes', 1], ['IAM access changes (not expected root use)', 1], ['Security logging turned off', 0], ['Root-only tasks (expected root use)', 1], ['Other API calls', 3]] as const) {
      expect(text).toContain(`${label}\n*${count}*`);
    }
    expect(text).toContain('Root changed IAM access: AttachUserPolicy (attached AdministratorAccess to IAM user support-backup)');
    expect(text).toContain('Median time to acknowledge: *8 min* (1 acknowledgment)');
    expect(text).toContain(`*${openAlerts.length} alerts not acknowledged*`);
    for (const alert of openAlerts) {
      expect(text).toContain(`<${TEAM_URL}archives/${alert.post!.channel}/p${alert.post!.ts.replace('.', '')}|`);
    }
    expect(text).not.toContain(`p${signInAlert.post!.ts.replace('.', '')}|`); // acknowledged: not listed
    expect(blocks.at(-1)).toMatchObject({ type: 'actions', elements: [{ action_id: 'summary_run_checks', value: '2026-W48' }] });

    // What was posted is what the renderer makes of the stored summary.
    const stored = (await store.getWeeklySummary('2026-W48'))!;
    expect(stored.post).toEqual({ channel: CHANNEL, ts: expect.any(String) });
    expect(post!.args.blocks).toEqual(renderWeeklySummary(outcome.status === 'posted' ? outcome.summary : (undefined as never)).blocks);

    // Restarts and repeated runs the same week post nothing more.
    clock.set('2026-11-30T09:07:00.000Z');
    expect(await runWeeklySummary(deps)).toEqual({ status: 'already-posted', weekKey: '2026-W48' });
    await sender.sendDue();
    expect(summaryPosts()).toHaveLength(1);
    // And the scan's snapshot is next week's baseline; the summary added none.
    expect((await store.listPostureSnapshots({ from: '2026-11-30T00:00:00Z', to: '2026-12-07T00:00:00Z' })).map((snapshot) => snapshot.passed)).toEqual([7]);
  });

  it('details that do not fit go out as replies in the summary\'s thread', async () => {
    const clock = manualClock('2026-11-30T09:00:00.000Z');
    const store = openSqliteStore({ path: ':memory:' }, { clock: clock.now });
    cleanups.push(() => store.close());
    const { logger } = capturingLogger();
    const sender = createOutboxSender({ store, messenger: webClientMessenger(createSenderWebClient({ token: slack.botToken, slackApiUrl: slack.apiUrl, logger })), render, defaultChannel: CHANNEL, logger, clock: clock.now, channelIntervalMs: 0 });
    const accounts = Array.from({ length: 40 }, (_, index) => String(300000000000 + index));
    const outcome = await runWeeklySummary({
      // A fresh store: no snapshot yet, so every account is checked for the summary.
      sources: storeSummarySources(store, {
        watchedAccounts: async () => accounts.map((id) => ({ id, alias: `team-${id.slice(-2)}` })),
        assessFresh: async (ids) => ids.map((id) => ({ account: { id, alias: `team-${id.slice(-2)}` }, posture: { ok: true, report: report(id) } })),
      }),
      ledger: storeSummaryLedger(store, { record: ledgerRecord }),
      timezone: 'Europe/Berlin',
      now: clock.now,
    });
    expect(outcome.status).toBe('posted');
    await sender.sendDue();
    const [post] = summaryPosts();
    const replies = slack.calls('chat.postMessage').filter((call) => call.error === null && call.args.thread_ts === slack.state.messages.find((message) => message.channel === CHANNEL)?.ts);
    expect(post).toBeDefined();
    expect(replies.length).toBeGreaterThan(0);
    const threadText = replies.map((reply) => blockText(reply.args.blocks as KnownBlock[])).join('\n');
    for (const id of accounts) expect(threadText).toContain(`\`${id}\``);
    expect(blockText(post!.args.blocks as KnownBlock[])).toContain('no scan snapshot yet: posture checked now');
    expect(threadText).toContain('checked now (no snapshot yet)');
  });
});
