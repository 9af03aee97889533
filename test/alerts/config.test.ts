import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { groupingPolicyOf, loadAlertsConfig, NO_ROUTES, readAlertsConfig, userGroupMention } from '../../src/alerts/index.js';

describe('alert settings', () => {
  it('defaults: reminders after 60 minutes, at most 3, session window 60 minutes, no responder group', () => {
    expect(loadAlertsConfig({ ALERT_CHANNEL: 'C0123ABCDE' })).toEqual({ alertChannel: 'C0123ABCDE', routes: NO_ROUTES, reminderAfterMinutes: 60, reminderMax: 3, responderGroupId: null, groupWindowMinutes: 60, failedLoginBurstThreshold: 3, failedLoginBurstWindowMinutes: 10, outboxClaimLeaseSeconds: 60 });
  });

  it('reads every variable', () => {
    const config = loadAlertsConfig({ ALERT_CHANNEL: ' G0PRIVATE1 ', REMINDER_AFTER: '15', REMINDER_MAX: '0', RESPONDER_GROUP: 'S0ONCALL01', ALERT_GROUP_WINDOW_MINUTES: '30', FAILED_LOGIN_BURST_THRESHOLD: '5', FAILED_LOGIN_BURST_WINDOW_MINUTES: '15', OUTBOX_CLAIM_LEASE_SECONDS: '90' });
    expect(config).toEqual({ alertChannel: 'G0PRIVATE1', routes: NO_ROUTES, reminderAfterMinutes: 15, reminderMax: 0, responderGroupId: 'S0ONCALL01', groupWindowMinutes: 30, failedLoginBurstThreshold: 5, failedLoginBurstWindowMinutes: 15, outboxClaimLeaseSeconds: 90 });
    expect(groupingPolicyOf(config)).toEqual({ sessionWindowMinutes: 30, failedLoginWindowMinutes: 15, failedLoginBurstThreshold: 5 });
    expect(userGroupMention(config.responderGroupId)).toBe('<!subteam^S0ONCALL01>');
    expect(userGroupMention(null)).toBeNull();
  });

  it('ALERT_CHANNEL is required for serve and says where to find the id', () => {
    expect(() => loadAlertsConfig({})).toThrow(ConfigError);
    expect(() => loadAlertsConfig({})).toThrow(/ALERT_CHANNEL is not set: .*Channel ID.*invite the bot/);
    expect(readAlertsConfig({}, { requireChannel: false }).problems).toEqual([]);
  });

  it('collects every problem, each naming its variable and the allowed values', () => {
    const { problems } = readAlertsConfig({ ALERT_CHANNEL: '#security', REMINDER_AFTER: 'soon', REMINDER_MAX: '-1', RESPONDER_GROUP: '@oncall', ALERT_GROUP_WINDOW_MINUTES: '0' }, { requireChannel: true });
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/^ALERT_CHANNEL="#security" is not a channel ID \(a channel name will not do/);
    expect(problems[1]).toBe('REMINDER_AFTER="soon" is not a whole number of minutes from 1 to 10080 (default 60)');
    expect(problems[2]).toBe('REMINDER_MAX="-1" is not a whole number of reminders (0 turns reminders off) from 0 to 50 (default 3)');
    expect(problems[3]).toMatch(/^RESPONDER_GROUP="@oncall" is not a Slack user group ID \(S…, not the @handle\)/);
    expect(problems[4]).toBe('ALERT_GROUP_WINDOW_MINUTES="0" is not a whole number of minutes from 1 to 1440 (default 60)');
  });

  it('the failed sign-in burst settings name their variable and range (a burst needs at least 2 failures)', () => {
    const { problems } = readAlertsConfig({ FAILED_LOGIN_BURST_THRESHOLD: '1', FAILED_LOGIN_BURST_WINDOW_MINUTES: 'ten' }, { requireChannel: false });
    expect(problems).toEqual([
      'FAILED_LOGIN_BURST_THRESHOLD="1" is not a whole number of failed sign-ins from 2 to 1000 (default 3)',
      'FAILED_LOGIN_BURST_WINDOW_MINUTES="ten" is not a whole number of minutes from 1 to 1440 (default 10)',
    ]);
  });

  it("the outbox claim's lease names its variable and range: too short, another replica could take a row back mid-post", () => {
    for (const value of ['4', '3601', '1.5', 'a minute']) {
      expect(readAlertsConfig({ OUTBOX_CLAIM_LEASE_SECONDS: value }, { requireChannel: false }).problems).toEqual([`OUTBOX_CLAIM_LEASE_SECONDS="${value}" is not a whole number of seconds from 5 to 3600 (default 60)`]);
    }
    expect(readAlertsConfig({ OUTBOX_CLAIM_LEASE_SECONDS: ' 5 ' }, { requireChannel: false }).config.outboxClaimLeaseSeconds).toBe(5);
  });
});
