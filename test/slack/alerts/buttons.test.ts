// The alert buttons and the acknowledge modal over the wire: signed block_actions and view_submission payloads to
// the real Bolt HTTP receiver (processBeforeResponse), a real SQLite store seeded through commitBatch, the outbox
// sender posting to the fake Slack. What the store records, what Slack is asked to do, and what people see.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACKNOWLEDGE_REASON_CALLBACK_ID, ALERT_ACKNOWLEDGE_ACTION_ID, ALERT_ESCALATE_ACTION_ID, ALERT_INVESTIGATE_ACTION_ID, ALERT_SHOW_EVENT_ACTION_ID } from '../../../src/slack/index.js';
import { checkBlockKitLimits } from '../../../src/slack/blocks/index.js';
import { ALERT_CHANNEL, commit, polledFixture, reasonValues, RESPONDER_GROUP, shown, startAlertHarness, submitView, viewSubmissionPayload, type AlertHarness } from './support.js';

let h: AlertHarness;
let alertId: number;

beforeEach(async () => {
  h = await startAlertHarness();
  await commit(h.store, [polledFixture('root-console-login-success-no-mfa')]);
  alertId = (await h.store.listOpenAlerts())[0]!.id;
  await h.flush();
});
afterEach(() => h.close());

const buttonIds = (blocks: unknown): string[] => [...JSON.stringify(blocks).matchAll(/"action_id":"(alert_[a-z_]+)"/g)].map((match) => match[1]!);
const sectionTexts = (blocks: unknown): string => ((blocks ?? []) as Array<{ text?: { text?: string } }>).map((block) => block.text?.text ?? '').join('\n');
const lastUpdate = () => h.slack.calls('chat.update').at(-1);

async function openModal(userId: string) {
  const viewsBefore = h.slack.state.views.length;
  const { status } = await h.press(ALERT_ACKNOWLEDGE_ACTION_ID, alertId, userId);
  expect(status).toBe(200);
  expect(h.slack.state.views).toHaveLength(viewsBefore + 1);
  return h.slack.state.views.at(-1)!;
}

describe('the alert as posted', () => {
  it('is one message in the alert channel with the four buttons carrying the alert id', async () => {
    const post = await h.alertPost(alertId);
    expect(post.channel).toBe(ALERT_CHANNEL);
    expect(post.text).toMatch(/^Root console sign-in WITHOUT MFA — account 111122223333 — from [\d.]+, Firefox on macOS — us-east-1$/);
    expect(buttonIds(post.blocks)).toEqual([ALERT_ACKNOWLEDGE_ACTION_ID, ALERT_INVESTIGATE_ACTION_ID, ALERT_ESCALATE_ACTION_ID, ALERT_SHOW_EVENT_ACTION_ID]);
    expect(JSON.stringify(post.blocks)).toContain(`"value":"${alertId}"`);
    expect(checkBlockKitLimits({ text: post.text ?? '', blocks: post.blocks as never })).toEqual([]);
  });
});

describe('Acknowledge — expected', () => {
  it('opens the reason modal with the trigger_id of the press, the alert id and where the message is', async () => {
    const opened = await openModal('U0ALICE');
    expect(opened.triggerId).toBe('13345224609.738474920.8088930838d88f008e0');
    expect(opened.view.callback_id).toBe(ACKNOWLEDGE_REASON_CALLBACK_ID);
    const post = await h.alertPost(alertId);
    expect(JSON.parse(String(opened.view.private_metadata))).toEqual({ alertId, channel: ALERT_CHANNEL, messageTs: post.ts });
    // Opening the modal records nothing yet.
    expect((await h.store.getAlert(alertId))!.state).toBe('open');
    expect(await h.store.listAudit(alertId)).toEqual([]);
  });

  it('submitting records the acknowledgment with its reason and audit row; the updated message says who and why, without buttons but Show event', async () => {
    const opened = await openModal('U0ALICE');
    const answer = await submitView(h.harness, viewSubmissionPayload(opened, 'U0ALICE', reasonValues('closing a test account')));
    expect(answer.status).toBe(200);
    // The ack closes the modal: an empty body, no response_action.
    expect(answer.body).toBe('');

    const alert = (await h.store.getAlert(alertId))!;
    expect(alert).toMatchObject({ state: 'acknowledged', stateBy: 'U0ALICE', stateReason: 'closing a test account' });
    expect(await h.store.listAudit(alertId)).toEqual([expect.objectContaining({ action: 'acknowledge', fromState: 'open', toState: 'acknowledged', userId: 'U0ALICE', reason: 'closing a test account' })]);
    expect(h.wakes()).toBe(1);

    expect(h.slack.calls('chat.update')).toHaveLength(0);
    await h.flush();
    const update = lastUpdate()!;
    const post = await h.alertPost(alertId);
    expect(update.args).toMatchObject({ channel: ALERT_CHANNEL, ts: post.ts });
    expect(shown(post)).toMatch(/\*Acknowledged\* by <@U0ALICE> at <!date\^\d+\^\{date_short_pretty\} \{time\}\|[^>]+>: closing a test account/);
    expect(post.text).toContain('[Acknowledged by <@U0ALICE>]');
    expect(buttonIds(post.blocks)).toEqual([ALERT_SHOW_EVENT_ACTION_ID]);
    expect(checkBlockKitLimits({ text: post.text ?? '', blocks: post.blocks as never })).toEqual([]);
  });

  it('an empty reason is recorded as none', async () => {
    const opened = await openModal('U0BOB');
    await submitView(h.harness, viewSubmissionPayload(opened, 'U0BOB', reasonValues(null)));
    expect(await h.store.getAlert(alertId)).toMatchObject({ state: 'acknowledged', stateBy: 'U0BOB', stateReason: null });
  });

  it('a second submission (the modal opened twice) records nothing and tells its author privately', async () => {
    const first = await openModal('U0ALICE');
    const second = await openModal('U0ALICE');
    await submitView(h.harness, viewSubmissionPayload(first, 'U0ALICE', reasonValues('planned')));
    await submitView(h.harness, viewSubmissionPayload(second, 'U0ALICE', reasonValues('planned, again')));
    expect(await h.store.listAudit(alertId)).toHaveLength(1);
    expect((await h.store.getAlert(alertId))!.stateReason).toBe('planned');
    expect(h.slack.state.ephemerals).toEqual([expect.objectContaining({ channel: ALERT_CHANNEL, user: 'U0ALICE', text: expect.stringMatching(/^You already acknowledged this alert at <!date\^/) })]);
    await h.flush();
    expect(h.slack.calls('chat.update')).toHaveLength(1);
  });

  it('pressing Acknowledge on an acknowledged alert opens no modal and says who acknowledged it', async () => {
    const opened = await openModal('U0ALICE');
    await submitView(h.harness, viewSubmissionPayload(opened, 'U0ALICE', reasonValues(null)));
    const viewsBefore = h.slack.state.views.length;
    const { responseUrl } = await h.press(ALERT_ACKNOWLEDGE_ACTION_ID, alertId, 'U0BOB');
    expect(h.slack.state.views).toHaveLength(viewsBefore);
    const replies = h.slack.responsesTo(responseUrl);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(replies[0]!.body.text)).toMatch(/^This alert was already acknowledged by <@U0ALICE> at <!date\^/);
  });

  it('answers privately in the alert\'s stored channel, whatever channel the modal\'s private_metadata names', async () => {
    const opened = await openModal('U0ALICE');
    await submitView(h.harness, viewSubmissionPayload(opened, 'U0ALICE', reasonValues('first')));
    const forged = { ...opened, view: { ...opened.view, private_metadata: JSON.stringify({ alertId, channel: 'C0ELSEWHERE', messageTs: '1.2' }) } };
    await submitView(h.harness, viewSubmissionPayload(forged, 'U0BOB', reasonValues('second')));
    expect(h.slack.state.ephemerals).toEqual([expect.objectContaining({ channel: ALERT_CHANNEL, user: 'U0BOB', text: expect.stringContaining('already acknowledged') })]);
  });

  it('a modal that lost its private_metadata is answered with an error inside the modal, and nothing changes', async () => {
    const opened = await openModal('U0ALICE');
    const answer = await submitView(h.harness, viewSubmissionPayload({ ...opened, view: { ...opened.view, private_metadata: 'not ours' } }, 'U0ALICE', reasonValues('x')));
    expect(JSON.parse(answer.body)).toEqual({ response_action: 'errors', errors: { reason: expect.stringContaining('lost track of its alert') } });
    expect((await h.store.getAlert(alertId))!.state).toBe('open');
  });
});

describe('Investigating', () => {
  it('records who is on it; the message keeps Acknowledge and Escalate, and reminders stop', async () => {
    await h.press(ALERT_INVESTIGATE_ACTION_ID, alertId, 'U0BOB');
    expect(await h.store.getAlert(alertId)).toMatchObject({ state: 'investigating', stateBy: 'U0BOB' });
    expect(await h.store.listAlertsAwaitingResponse()).toEqual([]);
    await h.flush();
    const post = await h.alertPost(alertId);
    expect(shown(post)).toMatch(/\*Investigating\* by <@U0BOB> at <!date\^/);
    expect(buttonIds(post.blocks)).toEqual([ALERT_ACKNOWLEDGE_ACTION_ID, ALERT_ESCALATE_ACTION_ID, ALERT_SHOW_EVENT_ACTION_ID]);
  });

  it('then acknowledged: the message shows both steps, in order', async () => {
    await h.press(ALERT_INVESTIGATE_ACTION_ID, alertId, 'U0BOB');
    const opened = await openModal('U0ALICE');
    await submitView(h.harness, viewSubmissionPayload(opened, 'U0ALICE', reasonValues('it was Bob testing')));
    await h.flush();
    const text = shown(await h.alertPost(alertId));
    expect(text.indexOf('*Investigating* by <@U0BOB>')).toBeGreaterThan(-1);
    expect(text.indexOf('*Acknowledged* by <@U0ALICE>')).toBeGreaterThan(text.indexOf('*Investigating* by <@U0BOB>'));
    expect((await h.store.listAudit(alertId)).map((entry) => entry.toState)).toEqual(['investigating', 'acknowledged']);
  });
});

describe('Not me — escalate', () => {
  it('records the escalation and pages the responder group in the alert thread', async () => {
    await h.press(ALERT_ESCALATE_ACTION_ID, alertId, 'U0ALICE');
    expect(await h.store.getAlert(alertId)).toMatchObject({ state: 'escalated', stateBy: 'U0ALICE' });
    await h.flush();
    const post = await h.alertPost(alertId);
    const replies = h.slack.state.messages.filter((message) => message.threadTs === post.ts);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toMatch(new RegExp(`^<!subteam\\^${RESPONDER_GROUP}> :sos: <@U0ALICE> says this root activity was \\*not\\* them`));
    expect(shown(post)).toMatch(/\*Escalated\* by <@U0ALICE>/);
    // Someone can still pick it up, or find it was expected after all.
    expect(buttonIds(post.blocks)).toEqual([ALERT_ACKNOWLEDGE_ACTION_ID, ALERT_INVESTIGATE_ACTION_ID, ALERT_SHOW_EVENT_ACTION_ID]);
  });

  it('Escalate and Investigating alternated 15 times page the responders once; each later escalation says who asked again', async () => {
    for (let round = 0; round < 15; round += 1) {
      await h.press(ALERT_ESCALATE_ACTION_ID, alertId, round % 2 === 0 ? 'U0ALICE' : 'U0BOB');
      await h.press(ALERT_INVESTIGATE_ACTION_ID, alertId, 'U0BOB');
    }
    await h.flush();
    const post = await h.alertPost(alertId);
    const replies = h.slack.state.messages.filter((message) => message.threadTs === post.ts);
    expect(replies).toHaveLength(15);
    expect(replies.filter((reply) => (reply.text ?? '').includes(`<!subteam^${RESPONDER_GROUP}>`))).toHaveLength(1);
    expect(replies[0]!.text).toMatch(/^<!subteam\^S[A-Z0-9]+> :sos: <@U0ALICE> says/);
    expect(replies[1]!.text).toMatch(/^:sos: <@U0BOB> escalated this alert again\. The responders were paged .* when <@U0ALICE> escalated it/);
    expect((await h.store.listAudit(alertId)).filter((entry) => entry.toState === 'escalated')).toHaveLength(15);
  });

  it('the escalation and its page are queued in the same transaction as the state change', async () => {
    await h.press(ALERT_ESCALATE_ACTION_ID, alertId, 'U0ALICE');
    const audit = (await h.store.listAudit(alertId)).at(-1)!;
    const reply = (await h.store.listOutbox({ alertId })).find((row) => row.kind === 'alert-reply')!;
    expect(reply.payload).toMatchObject({ escalatedBy: 'U0ALICE', mention: `<!subteam^${RESPONDER_GROUP}>` });
    expect(reply.createdAt).toBe(audit.at);
  });

  it('pressed twice pages once', async () => {
    await h.press(ALERT_ESCALATE_ACTION_ID, alertId, 'U0ALICE');
    const { responseUrl } = await h.press(ALERT_ESCALATE_ACTION_ID, alertId, 'U0ALICE');
    expect(String(h.slack.responsesTo(responseUrl)[0]!.body.text)).toMatch(/^You already escalated this alert/);
    await h.flush();
    const post = await h.alertPost(alertId);
    expect(h.slack.state.messages.filter((message) => message.threadTs === post.ts)).toHaveLength(1);
    expect(await h.store.listAudit(alertId)).toHaveLength(1);
  });
});

describe('Show event', () => {
  it('posts the full CloudTrail record in the alert thread, once', async () => {
    await h.press(ALERT_SHOW_EVENT_ACTION_ID, alertId, 'U0BOB');
    const { responseUrl } = await h.press(ALERT_SHOW_EVENT_ACTION_ID, alertId, 'U0ALICE');
    expect(String(h.slack.responsesTo(responseUrl)[0]!.body.text)).toMatch(/on its way to the alert's thread \(asked by <@U0BOB>\)/);
    await h.flush();
    const post = await h.alertPost(alertId);
    const replies = h.slack.state.messages.filter((message) => message.threadTs === post.ts);
    expect(replies).toHaveLength(1);
    const record = sectionTexts(replies[0]!.blocks);
    expect(replies[0]!.text).toMatch(/^CloudTrail record of event [\w-]+ \(asked by <@U0BOB>\)$/);
    for (const field of ['"eventName": "ConsoleLogin"', '"MFAUsed": "No"', '"type": "Root"']) expect(record).toContain(field);
    // Showing changes no state.
    expect((await h.store.getAlert(alertId))!.state).toBe('open');
  });
});

describe('who may press', () => {
  it('refuses a user outside the allowlist privately, and nothing changes', async () => {
    for (const actionId of [ALERT_ACKNOWLEDGE_ACTION_ID, ALERT_INVESTIGATE_ACTION_ID, ALERT_ESCALATE_ACTION_ID, ALERT_SHOW_EVENT_ACTION_ID]) {
      const { status, responseUrl } = await h.press(actionId, alertId, 'U0MALLORY');
      expect(status).toBe(200);
      const replies = h.slack.responsesTo(responseUrl);
      expect(replies).toHaveLength(1);
      expect(replies[0]!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(String(replies[0]!.body.text)).toMatch(/^You are not allowed to use the alert buttons/);
    }
    expect(h.slack.state.views).toEqual([]);
    expect((await h.store.getAlert(alertId))!.state).toBe('open');
    expect(await h.store.listAudit(alertId)).toEqual([]);
    expect(await h.store.listOutbox({ state: 'pending' })).toEqual([]);
    expect(h.wakes()).toBe(0);
  });

  it('refuses a modal submitted by someone outside the allowlist (membership changed meanwhile)', async () => {
    const opened = await openModal('U0ALICE');
    h.harness.allow(['U0BOB']);
    await submitView(h.harness, viewSubmissionPayload(opened, 'U0ALICE', reasonValues('x')));
    expect((await h.store.getAlert(alertId))!.state).toBe('open');
    expect(h.slack.state.ephemerals).toEqual([expect.objectContaining({ user: 'U0ALICE', text: expect.stringMatching(/^You are not allowed to use the alert buttons/) })]);
  });
});

describe('presses that race', () => {
  it('two different buttons at once: both apply in some order, the audit chains them, one coalesced update shows the last', async () => {
    const presses = await Promise.all([h.press(ALERT_INVESTIGATE_ACTION_ID, alertId, 'U0ALICE'), h.press(ALERT_ESCALATE_ACTION_ID, alertId, 'U0BOB')]);
    expect(presses.map((press) => press.status)).toEqual([200, 200]);
    // Investigate is allowed from escalated and escalate from investigating: whichever came second applies too.
    const audit = await h.store.listAudit(alertId);
    expect(audit).toHaveLength(2);
    expect(audit[0]!.fromState).toBe('open');
    expect(audit[1]!.fromState).toBe(audit[0]!.toState);
    expect((await h.store.getAlert(alertId))!.state).toBe(audit[1]!.toState);
    await h.flush();
    expect(h.slack.calls('chat.update')).toHaveLength(1);
    const label = audit[1]!.toState === 'escalated' ? '*Escalated* by <@U0BOB>' : '*Investigating* by <@U0ALICE>';
    expect(shown(await h.alertPost(alertId))).toContain(label);
  });

  it('two people pressing the same button at once: exactly one is recorded', async () => {
    const presses = await Promise.all(['U0ALICE', 'U0BOB'].map((userId) => h.press(ALERT_INVESTIGATE_ACTION_ID, alertId, userId)));
    const audit = await h.store.listAudit(alertId);
    expect(audit).toHaveLength(1);
    const winner = audit[0]!.userId;
    const loser = winner === 'U0ALICE' ? 'U0BOB' : 'U0ALICE';
    const loserPress = presses[loser === 'U0ALICE' ? 0 : 1]!;
    expect(String(h.slack.responsesTo(loserPress.responseUrl)[0]!.body.text)).toMatch(new RegExp(`^This alert was already taken for investigation by <@${winner}>`));
    expect(h.slack.responsesTo(presses[winner === 'U0ALICE' ? 0 : 1]!.responseUrl)).toEqual([]);
    await h.flush();
    expect(h.slack.calls('chat.update')).toHaveLength(1);
  });

  it('two acknowledgments submitted at once by different people: one recorded, the other told', async () => {
    const aliceModal = await openModal('U0ALICE');
    const bobModal = await openModal('U0BOB');
    await Promise.all([
      submitView(h.harness, viewSubmissionPayload(aliceModal, 'U0ALICE', reasonValues('Alice: expected'))),
      submitView(h.harness, viewSubmissionPayload(bobModal, 'U0BOB', reasonValues('Bob: expected'))),
    ]);
    const audit = await h.store.listAudit(alertId);
    expect(audit).toHaveLength(1);
    const winner = audit[0]!.userId;
    expect(h.slack.state.ephemerals).toEqual([expect.objectContaining({ user: winner === 'U0ALICE' ? 'U0BOB' : 'U0ALICE', text: expect.stringMatching(new RegExp(`^This alert was already acknowledged by <@${winner}>`)) })]);
    await h.flush();
    expect(h.slack.calls('chat.update')).toHaveLength(1);
    expect(shown(await h.alertPost(alertId))).toContain(`*Acknowledged* by <@${winner}>`);
  });
});
