// ALLOWED_RESPONDERS over the wire: who may stop an alert's reminders (Acknowledge, Investigating, the acknowledge
// modal) can be narrower than who may run a check and escalate. Signed requests to the real receiver.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALERT_ACKNOWLEDGE_ACTION_ID, ALERT_ESCALATE_ACTION_ID, ALERT_INVESTIGATE_ACTION_ID } from '../../../src/slack/index.js';
import { loadServeConfig } from '../../../src/config.js';
import { commit, createAuthorizer, polledFixture, reasonValues, startAlertHarness, submitView, viewSubmissionPayload, type AlertHarness } from './support.js';

let h: AlertHarness;
let alertId: number;

beforeEach(async () => {
  // U0ALICE and U0BOB may use the bot (the harness's allowlist); only U0ALICE may close alerts.
  h = await startAlertHarness({ responderAuthorizer: createAuthorizer({ allowedUserIds: ['U0ALICE'], allowedUsergroupIds: [] }) });
  await commit(h.store, [polledFixture('root-console-login-success-no-mfa')]);
  alertId = (await h.store.listOpenAlerts())[0]!.id;
  await h.flush();
});
afterEach(() => h.close());

describe('ALLOWED_RESPONDERS', () => {
  it('refuses Acknowledge and Investigating to someone the command allows but the responders do not, and says which setting', async () => {
    for (const actionId of [ALERT_ACKNOWLEDGE_ACTION_ID, ALERT_INVESTIGATE_ACTION_ID]) {
      const { responseUrl } = await h.press(actionId, alertId, 'U0BOB');
      const replies = h.slack.responsesTo(responseUrl);
      expect(replies).toHaveLength(1);
      expect(String(replies[0]!.body.text)).toBe("You are not allowed to acknowledge alerts or take them for investigation. The bot's admin can add you, or a user group of yours, to ALLOWED_RESPONDERS.");
    }
    expect(h.slack.state.views).toEqual([]);
    expect((await h.store.getAlert(alertId))!.state).toBe('open');
    expect(h.logLines.some((line) => line.includes('"allowlist":"responders"') && line.includes('refused'))).toBe(true);
  });

  it('still lets them escalate: escalating only ever makes more noise', async () => {
    await h.press(ALERT_ESCALATE_ACTION_ID, alertId, 'U0BOB');
    expect((await h.store.getAlert(alertId))!.state).toBe('escalated');
  });

  it('refuses an acknowledge modal submitted by a non-responder (a modal opened by a responder, or forged)', async () => {
    await h.press(ALERT_ACKNOWLEDGE_ACTION_ID, alertId, 'U0ALICE');
    const opened = h.slack.state.views.at(-1)!;
    await submitView(h.harness, viewSubmissionPayload(opened, 'U0BOB', reasonValues('not mine to close')));
    expect((await h.store.getAlert(alertId))!.state).toBe('open');
    await submitView(h.harness, viewSubmissionPayload(opened, 'U0ALICE', reasonValues('expected')));
    expect((await h.store.getAlert(alertId))!).toMatchObject({ state: 'acknowledged', stateBy: 'U0ALICE' });
  });
});

describe('ALLOWED_RESPONDERS in the config', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret', ALERT_CHANNEL: 'C0ALERTS' };
  it('splits user ids and user group ids', () => {
    const { slack } = loadServeConfig({ ...base, ALLOWED_RESPONDERS: 'U0ALICE, S0SECOPS,W0GRID' });
    expect(slack.allowedResponderUserIds).toEqual(['U0ALICE', 'W0GRID']);
    expect(slack.allowedResponderUsergroupIds).toEqual(['S0SECOPS']);
  });
  it('names a malformed entry', () => {
    expect(() => loadServeConfig({ ...base, ALLOWED_RESPONDERS: 'U0ALICE,alice' })).toThrowError(/ALLOWED_RESPONDERS: "alice" is not a Slack user id \(U… or W…\) or user group id \(S…\)/);
  });
});
