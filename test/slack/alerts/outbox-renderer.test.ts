// The OutboxRenderer for every outbox kind, over the view the sender reads from a real store (loadOutboxView): alert post and update, the calls
// that joined, an escalation, reminders (and one withdrawn because someone acted before it went out), the raw
// record in code blocks (20 KB and more, split safely, masked as a whole), and the weekly summary from its ledger.
import { describe, expect, it } from 'vitest';
import { enqueueDueReminders, loadOutboxView, setAlertState, type OutboxMessage } from '../../../src/alerts/index.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/index.js';
import { checkBlockKitLimits, RECORD_CHUNK_MAX, RECORD_SECTIONS_MAX, renderEventRecord } from '../../../src/slack/blocks/index.js';
import { createOutboxRenderer } from '../../../src/slack/index.js';
import { manualClock } from '../../store/helpers.js';
import { commit, polledFixture, sessionCalls } from './support.js';

const renderView = createOutboxRenderer({ accountAlias: (accountId) => (accountId === '111122223333' ? 'prod' : null) });
/** As the sender does: the view read in one transaction, then rendered. */
const render = async (row: OutboxMessage, store: SqliteStore) => renderView(await store.transaction((tx) => loadOutboxView(row, tx)));
const texts = (blocks: unknown): string[] => ((blocks ?? []) as Array<{ text?: { text: string }; elements?: Array<{ text?: string }> }>).flatMap((block) => [block.text?.text ?? '', ...(block.elements ?? []).map((element) => element.text ?? '')]);

async function rowsOf(store: SqliteStore, kind: OutboxMessage['kind']): Promise<OutboxMessage[]> {
  return (await store.listOutbox()).filter((row) => row.kind === kind);
}

/** Marks every pending alert post as sent, as the sender would, so updates and thread replies can follow. */
async function postAll(store: SqliteStore, at?: Date): Promise<void> {
  const pending = (await rowsOf(store, 'alert-post')).filter((row) => row.state === 'pending');
  for (const [index, row] of pending.entries()) await store.markOutboxSent(row.id, { channel: 'C0ALERTS01', ts: `1793589000.00000${index + 1}` }, at);
}

describe('alert post and chat.update', () => {
  it('the update after a state change renders the current state and the whole audit trail', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    await commit(store, [polledFixture('root-console-login-success-no-mfa')]);
    const alert = (await store.listOpenAlerts())[0]!;
    const post = await render((await rowsOf(store, 'alert-post'))[0]!, store);
    expect(post.text).toContain('account 111122223333 (prod)');
    await postAll(store);
    await setAlertState(store, alert.id, 'investigate', 'U0BOB');
    await setAlertState(store, alert.id, 'acknowledge', 'U0ALICE', 'it was Bob');
    const updates = await rowsOf(store, 'alert-update');
    expect(updates).toHaveLength(1);
    const update = await render(updates[0]!, store);
    const shown = texts(update.blocks).join('\n');
    expect(shown).toMatch(/\*Investigating\* by <@U0BOB>.*\n.*\*Acknowledged\* by <@U0ALICE> at <!date\^\d+\^[^>]+>: it was Bob/);
    expect(checkBlockKitLimits(update as never)).toEqual([]);
  });

  it('a row whose alert is gone throws, so the sender retries instead of posting something wrong', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    await commit(store, [polledFixture('root-console-login-success-no-mfa')]);
    const row = { ...(await rowsOf(store, 'alert-post'))[0]!, alertId: 999 };
    await expect(render(row, store)).rejects.toThrow(/alert 999 is not in the store/);
  });
});

describe('thread replies', () => {
  it('calls that joined a posted session alert are listed, each with its time, name, Region and failure', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const calls = sessionCalls(60);
    await commit(store, calls.slice(0, 1));
    await postAll(store);
    await commit(store, calls.slice(1));
    const [reply] = await rowsOf(store, 'alert-reply');
    const message = await render(reply!, store);
    expect(message.text).toBe('59 more root events joined this alert');
    const shown = texts(message.blocks).join('\n');
    expect(shown).toContain('By name: DescribeInstances ×20, TerminateInstances ×20, RunInstances ×19');
    expect(shown.match(/^• <!date\^/gm)).toHaveLength(59);
    expect(shown).toMatch(/• <!date\^\d+\^\{date_short_pretty\} \{time_secs\}\|2024-06-03 05:00:49 UTC> DescribeInstances \(ec2\.amazonaws\.com\) in eu-west-1 from 198\.51\.100\.77 — \*failed\*: Client\.UnauthorizedOperation/);
    // The grown alert's message is refreshed too.
    expect(await rowsOf(store, 'alert-update')).toHaveLength(1);
    expect(checkBlockKitLimits(message as never)).toEqual([]);
  });

  it('500 calls joining at once: listed up to the cap, the rest counted, within limits', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const calls = sessionCalls(501);
    await commit(store, calls.slice(0, 1));
    await postAll(store);
    await commit(store, calls.slice(1));
    const message = await render((await rowsOf(store, 'alert-reply'))[0]!, store);
    const shown = texts(message.blocks).join('\n');
    expect(shown.match(/^• /gm)).toHaveLength(200);
    expect(shown).toContain('… and 300 more, each in CloudTrail event history.');
    expect(checkBlockKitLimits(message as never)).toEqual([]);
  });

  it('an escalation pages the responder group; a payload mention that is not a user group is dropped', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    await commit(store, [polledFixture('root-console-login-success-no-mfa')]);
    const alertId = (await store.listOpenAlerts())[0]!.id;
    const id = (await store.enqueueAlertThreadMessage(alertId, 'alert-reply', { escalatedBy: 'U0ALICE', mention: '<!subteam^S0ONCALL01>' }))!;
    expect((await render((await store.getOutboxMessage(id))!, store)).text).toMatch(/^<!subteam\^S0ONCALL01> :sos: <@U0ALICE> says this root activity was \*not\* them/);
    const forged = (await store.enqueueAlertThreadMessage(alertId, 'alert-reply', { escalatedBy: 'U0ALICE', mention: '<!channel>' }))!;
    expect((await render((await store.getOutboxMessage(forged))!, store)).text).toMatch(/^:sos: <@U0ALICE>/);
  });

  it('a reminder mentions RESPONDER_GROUP while the alert is open, and is withdrawn without a mention if someone acted first', async () => {
    const clock = manualClock('2026-11-02T04:00:00.000Z');
    const store = openSqliteStore({ path: ':memory:' }, { clock: clock.now });
    await commit(store, [polledFixture('root-console-login-success-no-mfa')]);
    await postAll(store, clock.now());
    const policy = { reminderAfterMinutes: 60, reminderMax: 3, responderGroupId: 'S0ONCALL01' };
    expect(await enqueueDueReminders(store, new Date(clock.now().getTime() + 61 * 60_000), policy)).toHaveLength(1);
    const row = (await rowsOf(store, 'reminder'))[0]!;
    expect((await render(row, store)).text).toMatch(/^<!subteam\^S0ONCALL01> :alarm_clock: Reminder 1\/3: nobody has acted on this root activity alert since <!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-11-02 04:00 UTC>/);

    await setAlertState(store, (await store.listOpenAlerts())[0]!.id, 'investigate', 'U0BOB');
    const withdrawn = await render(row, store);
    expect(withdrawn.text).toBe('Reminder 1/3 withdrawn: this alert was taken for investigation by <@U0BOB> meanwhile.');
    expect(JSON.stringify(withdrawn)).not.toContain('subteam');
  });
});

describe('Show event: the raw record', () => {
  async function recordRow(rawOverrides: Record<string, unknown>) {
    const store = openSqliteStore({ path: ':memory:' });
    const polled = polledFixture('root-api-call-access-key', rawOverrides);
    await commit(store, [polled]);
    const alert = (await store.listOpenAlerts())[0]!;
    const id = (await store.enqueueAlertThreadMessage(alert.id, 'event-record', { eventId: alert.firstEventId, requestedBy: 'U0BOB' }))!;
    return { message: await render((await store.getOutboxMessage(id))!, store), polled };
  }

  it('a 20 KB record: several code sections under 3000 characters, every line of it shown, the key masked', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 120 }, (_, index) => ({ Sid: `S${index}`, Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `arn:aws:s3:::bucket-${index}/*`, Condition: { StringNotEquals: { 'aws:PrincipalArn': `arn:aws:iam::111122223333:role/r${index}` } } })) });
    const { message } = await recordRow({ requestParameters: { bucketName: 'bucket', policy } });
    expect(policy.length).toBeGreaterThan(20_000);
    expect(message.text).toMatch(/^CloudTrail record of event [\w-]+ \(asked by <@U0BOB>\)$/);
    const sections = texts(message.blocks).slice(1);
    expect(sections.length).toBeGreaterThan(2);
    for (const section of sections) {
      expect(section.length).toBeLessThanOrEqual(3000);
      expect(section.startsWith('```\n') && section.endsWith('\n```')).toBe(true);
    }
    const joined = sections.map((section) => section.slice(4, -4)).join('\n');
    expect(joined).toContain('"accessKeyId": "AKIA…MPLE"');
    expect(joined).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(joined).toContain('bucket-119/*');
    expect(checkBlockKitLimits(message as never)).toEqual([]);
  });

  it('credentials in the record (an AssumeRoot answer\'s sessionToken) are redacted; its own backticks cannot close the code block', async () => {
    const { message } = await recordRow({ responseElements: { credentials: { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN', expiration: 'Jun 3, 2024, 6:00:00 AM' } }, requestParameters: { note: 'see ```here```' } });
    const everything = JSON.stringify(message);
    expect(everything).not.toContain('IQoJb3JpZ2luX2VjEXAMPLETOKEN');
    expect(everything).not.toContain('ASIAIOSFODNN7EXAMPLE');
    expect(everything).toContain('\\"sessionToken\\": \\"[REDACTED]\\"');
    for (const section of texts(message.blocks).slice(1)) expect(section.slice(4, -4)).not.toContain('```');
  });

  it('a key straddling two sections is still masked, and an &amp; is never cut in half', () => {
    // One long line: the cut falls wherever the padding puts it.
    for (let padding = RECORD_CHUNK_MAX - 40; padding < RECORD_CHUNK_MAX + 5; padding++) {
      const raw = `${'a'.repeat(padding)}AKIAIOSFODNN7EXAMPLE&&&<<>>${'b'.repeat(100)}`;
      const message = renderEventRecord({ eventId: 'e1', region: 'us-east-1', rawRecord: raw, requestedBy: null });
      const sections = texts(message.blocks).slice(1).map((section) => section.slice(4, -4));
      expect(sections.join('')).toBe(`${'a'.repeat(padding)}AKIA…MPLE&amp;&amp;&amp;&lt;&lt;&gt;&gt;${'b'.repeat(100)}`);
      for (const section of sections) expect(section).not.toMatch(/&(?:a|am|amp|l|lt|g|gt)$/);
    }
  });

  it('a record too big for one message is cut, and points to the whole record in CloudTrail', () => {
    const huge = JSON.stringify({ eventID: 'e-huge', blob: Array.from({ length: 4000 }, (_, index) => `line ${index} ${'x'.repeat(40)}`) }, null, 2);
    const message = renderEventRecord({ eventId: 'e-huge', region: 'eu-west-1', rawRecord: huge, requestedBy: 'U0BOB' });
    expect(texts(message.blocks).filter((text) => text.startsWith('```'))).toHaveLength(RECORD_SECTIONS_MAX);
    expect(texts(message.blocks).at(-1)).toMatch(/characters are left out: the whole record is <https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudtrail\/home\?region=eu-west-1#\/events\/e-huge\|in CloudTrail>\.$/);
    expect(checkBlockKitLimits(message)).toEqual([]);
  });

  it('an event the store no longer holds says so', () => {
    expect(renderEventRecord({ eventId: 'gone', region: null, rawRecord: null, requestedBy: 'U0BOB' }).text).toBe("CloudTrail record of event gone (asked by <@U0BOB>): the bot's store no longer holds this event.");
  });
});

describe('weekly summary rows', () => {
  it('post and thread parts are the messages the ledger recorded', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const message = { text: 'Weekly root hygiene summary 2026-W45', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*A quiet week.*' } }] };
    const part = { text: 'all accounts', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '• prod 9/10' } }] };
    await store.recordWeeklySummary({ weekKey: '2026-W45', summary: { weekKey: '2026-W45', summary: {}, message }, threadParts: [part] });
    expect(await render((await rowsOf(store, 'summary-post'))[0]!, store)).toEqual(message);
    expect(await render((await rowsOf(store, 'summary-reply'))[0]!, store)).toEqual(part);
  });
});
