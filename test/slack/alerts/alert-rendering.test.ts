// The alert message (renderAlert), from events the real classifier made of real-format CloudTrail records, and from
// a real store: what responders read, which buttons each state offers, grouped alerts summed up, and Block Kit's
// limits kept whatever the records hold.
import { describe, expect, it } from 'vitest';
import type { RootEvent } from '../../../src/activity/model.js';
import { ALERT_ACTIONS, loadOutboxView, nextAlertState, setAlertState, type AlertAuditEntry, type AlertRecord } from '../../../src/alerts/index.js';
import { openSqliteStore } from '../../../src/store/index.js';
import { describeUserAgent } from '../../../src/alerts/index.js';
import { ALERT_ACTION_IDS, ALERT_SHOW_EVENT_ACTION_ID, checkBlockKitLimits, cloudTrailEventUrl, offeredAlertActions, renderAlert, slackDate } from '../../../src/slack/blocks/index.js';
import { createOutboxRenderer } from '../../../src/slack/index.js';
import { commit, events, polledFixture, sessionCalls } from './support.js';

const sectionTexts = (blocks: unknown): string[] =>
  (blocks as Array<{ text?: { text: string }; fields?: Array<{ text: string }>; elements?: Array<{ text?: string }> }>).flatMap((block) => [block.text?.text ?? '', ...(block.fields ?? []).map((field) => field.text), ...(block.elements ?? []).map((element) => element.text ?? '')]);
const allText = (message: { text: string; blocks: unknown }) => `${message.text}\n${sectionTexts(message.blocks).join('\n')}`;
const buttonIds = (blocks: unknown): string[] => [...JSON.stringify(blocks).matchAll(/"action_id":"(alert_[a-z_]+)"/g)].map((match) => match[1]!);

/** The store's alert for these events, and its events, as the outbox renderer would read them. */
async function stored(polled: ReturnType<typeof polledFixture>[]): Promise<{ alert: AlertRecord; events: RootEvent[]; store: ReturnType<typeof openSqliteStore> }> {
  const store = openSqliteStore({ path: ':memory:' });
  await commit(store, polled);
  const alert = (await store.listOpenAlerts())[0]!;
  return { alert, events: (await store.listAlertEvents(alert.id)).map((row) => row.event), store };
}

describe('renderAlert: what responders ask for', () => {
  it('a root console sign-in without MFA: headline, every field, the event linked in CloudTrail, the four buttons', async () => {
    const { alert, events: alertEvents } = await stored([polledFixture('root-console-login-success-no-mfa')]);
    const message = renderAlert(alert, alertEvents, { accountAlias: 'prod' });
    const first = alertEvents[0]!;
    expect(message.text).toBe(`Root console sign-in WITHOUT MFA — account 111122223333 (prod) — from ${first.sourceIp}, Firefox on macOS — us-east-1`);
    const texts = allText(message);
    for (const expected of [
      '*Account*\n111122223333 (prod)',
      '*Region*\nus-east-1',
      '*Event*\nConsoleLogin (signin.amazonaws.com)',
      `*Time*\n${slackDate(first.eventTime, { seconds: true })}`,
      `*Source IP*\n${first.sourceIp}`,
      '*User agent*\nFirefox on macOS\n`Mozilla/5.0',
      '*MFA used*\n*NO*',
      `*Severity*\n`,
      `<${cloudTrailEventUrl('us-east-1', first.eventId)}|${first.eventId}> in CloudTrail`,
      'Root use an IAM role could have done.',
    ]) expect(texts).toContain(expected);
    expect(buttonIds(message.blocks)).toEqual(['alert_acknowledge', 'alert_investigate', 'alert_escalate', 'alert_show_event']);
    expect(JSON.stringify(message.blocks).match(new RegExp(`"value":"${alert.id}"`, 'g'))).toHaveLength(4);
    expect(checkBlockKitLimits(message)).toEqual([]);
  });

  it('the event time is shown in the reader\'s own time zone, with a UTC fallback', () => {
    expect(slackDate('2026-11-02T03:12:07Z', { seconds: true })).toBe('<!date^1793589127^{date_short_pretty} {time_secs}|2026-11-02 03:12:07 UTC>');
    expect(slackDate('2026-11-02T03:20:00.000Z')).toBe('<!date^1793589600^{date_short_pretty} {time}|2026-11-02 03:20 UTC>');
    expect(slackDate('not a time')).toBe('not a time');
  });

  it('a failed sign-in at the MFA step says the password was accepted', async () => {
    const { alert, events: alertEvents } = await stored([polledFixture('root-console-login-failure-at-mfa-step')]);
    const message = renderAlert(alert, alertEvents);
    expect(message.text).toMatch(/^Failed root sign-in at the MFA step \(the password was accepted\) — account 111122223333 — from 198\.51\.100\.23, Chrome on Windows — us-east-1$/);
    expect(allText(message)).toContain('*The password was accepted*');
  });

  it('a root-only task is marked expected root use', async () => {
    const { alert, events: alertEvents } = await stored([polledFixture('root-billing-close-account')]);
    expect(allText(renderAlert(alert, alertEvents))).toContain('*expected root use*');
  });

  it('root attaching AdministratorAccess to a user it just created: critical, its own kind, no green check, never "expected root use"', async () => {
    const { alert, events: alertEvents } = await stored([polledFixture('root-iam-attach-admin-to-created-user')]);
    expect(alert).toMatchObject({ kind: 'root-access-change', severity: 'critical' });
    const message = renderAlert(alert, alertEvents);
    expect(message.text).toMatch(/^Root changed IAM access: AttachUserPolicy \(attached AdministratorAccess to IAM user support-backup\) — account 111122223333 — /);
    const texts = allText(message);
    expect(texts).toContain(':rotating_light: *Root changed IAM access');
    expect(texts).toContain('*Root changed who can do what in this account*');
    expect(texts).not.toContain(':white_check_mark:');
    expect(texts).not.toContain('expected root use*');
    expect(checkBlockKitLimits(message)).toEqual([]);
  });

  it('root turning off the record is critical and named so in the headline; a denied attempt is titled as one', async () => {
    const { alert, events: alertEvents } = await stored([polledFixture('root-cloudtrail-stop-logging')]);
    expect(alert).toMatchObject({ kind: 'root-logging-disabled', severity: 'critical' });
    const message = renderAlert(alert, alertEvents);
    expect(message.text).toMatch(/^Root turned off security logging: StopLogging \(stopped logging on CloudTrail trail management-events\) — account 111122223333 — /);
    expect(allText(message)).toContain('*Root turned off security logging or monitoring*');
    const denied = await stored([polledFixture('root-api-call-access-denied')]);
    expect(renderAlert(denied.alert, denied.events).text).toMatch(/^Root tried to turn off security logging: StopLogging /);
  });

  it('a failed root password change says it was tried and failed, not changed', async () => {
    const { alert, events: alertEvents } = await stored([polledFixture('root-password-updated-failure')]);
    expect(alert.severity).toBe('high');
    expect(renderAlert(alert, alertEvents).text).toMatch(/^Root credential change: PasswordUpdated \(tried to change the root password: failed\) — /);
  });

  it('a contact change says IAM administrators can make it too, not that only root can', async () => {
    const { alert, events: alertEvents } = await stored([polledFixture('root-account-put-alternate-contact')]);
    const texts = allText(renderAlert(alert, alertEvents));
    expect(texts).toContain("changed the account's security alternate contact; IAM administrators can make this change too, so it need not be root");
    expect(texts).toContain('Root use an IAM role could have done.');
    expect(texts).not.toContain('A task only root can do');
  });

  it('an action in a centralized root session is labelled apart from a person signed in as root', async () => {
    const { alert, events: alertEvents } = await stored([polledFixture('centralized-root-delete-bucket-policy')]);
    expect(alertEvents[0]!.centralizedRootSession).toBe(true);
    const message = renderAlert(alert, alertEvents);
    expect(message.text).toContain(', in a centralized root session — ');
    expect(allText(message)).toContain('*Centralized root session*');
  });

  it('a root access key is shown masked, never whole', async () => {
    const { alert, events: alertEvents } = await stored([polledFixture('root-api-call-access-key')]);
    const message = renderAlert(alert, alertEvents);
    expect(JSON.stringify(message)).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(allText(message)).toContain('*Access key*\nAKIA…MPLE');
    expect(allText(message)).toContain('*User agent*\nAWS CLI 2.17.20 (ec2 run-instances)');
  });

  it('escapes what the record says: a crafted user agent cannot mention @channel or break the message', async () => {
    const { alert, events: alertEvents } = await stored([polledFixture('root-console-login-success-no-mfa', { userAgent: '<!channel> *bold* <https://evil.example|click>', sourceIPAddress: '<@U0BOSS>' })]);
    const message = renderAlert(alert, alertEvents);
    const everything = JSON.stringify(message);
    expect(everything).not.toContain('<!channel>');
    expect(everything).not.toContain('<@U0BOSS>');
    expect(everything).not.toContain('<https://evil.example');
    expect(message.text).toContain('&lt;!channel&gt;');
  });
});

describe('renderAlert: state changes', () => {
  it('each state offers exactly the buttons the lifecycle allows, and Show event always', async () => {
    const { alert, events: alertEvents } = await stored([polledFixture('root-console-login-success-no-mfa')]);
    for (const state of ['open', 'investigating', 'escalated', 'acknowledged'] as const) {
      const allowed = ALERT_ACTIONS.filter((action) => nextAlertState(state, action) !== null);
      expect(offeredAlertActions(state)).toEqual(allowed);
      const message = renderAlert({ ...alert, state, stateBy: state === 'open' ? null : 'U0ALICE', stateAt: state === 'open' ? null : '2026-11-02T03:20:00.000Z' }, alertEvents);
      expect(buttonIds(message.blocks)).toEqual([...allowed.map((action) => ALERT_ACTION_IDS[action]), ALERT_SHOW_EVENT_ACTION_ID]);
    }
  });

  it('acknowledged: who, when (reader\'s time zone) and why; only Show event is left', async () => {
    const { alert, store } = await stored([polledFixture('root-console-login-success-no-mfa')]);
    await setAlertState(store, alert.id, 'acknowledge', 'U0ALICE', 'closing a test account', new Date('2026-11-02T03:20:00Z'));
    const message = renderAlert((await store.getAlert(alert.id))!, (await store.listAlertEvents(alert.id)).map((row) => row.event), { audit: await store.listAudit(alert.id) });
    expect(allText(message)).toContain(':white_check_mark: *Acknowledged* by <@U0ALICE> at <!date^1793589600^{date_short_pretty} {time}|2026-11-02 03:20 UTC>: closing a test account');
    expect(message.text).toMatch(/ \[Acknowledged by <@U0ALICE>\]$/);
    expect(buttonIds(message.blocks)).toEqual([ALERT_SHOW_EVENT_ACTION_ID]);
  });

  it('a long back-and-forth shows the last five changes and counts the rest; a 3000-character reason stays within limits', async () => {
    const { alert, events: alertEvents } = await stored([polledFixture('root-console-login-success-no-mfa')]);
    const audit: AlertAuditEntry[] = Array.from({ length: 9 }, (_, index) => ({
      id: index + 1,
      alertId: alert.id,
      action: index % 2 === 0 ? 'investigate' : 'escalate',
      fromState: index === 0 ? 'open' : index % 2 === 0 ? 'escalated' : 'investigating',
      toState: index % 2 === 0 ? 'investigating' : 'escalated',
      userId: index % 2 === 0 ? 'U0ALICE' : 'U0BOB',
      reason: 'r'.repeat(3000),
      at: new Date(Date.parse('2026-11-02T03:20:00Z') + index * 60_000).toISOString(),
    }));
    const message = renderAlert({ ...alert, state: 'investigating', stateBy: 'U0ALICE', stateAt: audit.at(-1)!.at }, alertEvents, { audit });
    const history = sectionTexts(message.blocks).find((text) => text.startsWith('_4 earlier changes_'));
    expect(history?.split('\n')).toHaveLength(6);
    expect(checkBlockKitLimits(message)).toEqual([]);
  });
});

describe('renderAlert: grouped alerts', () => {
  it('a burst of failed root sign-ins: count, span, addresses and clients summed up, the MFA-step failures called out', async () => {
    const failures = [0, 1, 2, 3].map((index) =>
      polledFixture(index === 3 ? 'root-console-login-failure-at-mfa-step' : 'root-console-login-failure', {
        eventID: `fa11ed00-0000-4000-8000-${String(index).padStart(12, '0')}`,
        eventTime: `2024-06-03T03:1${index}:00Z`,
        sourceIPAddress: index < 3 ? '203.0.113.7' : '198.51.100.23',
      }),
    );
    const { alert, events: alertEvents } = await stored(failures);
    expect(alert).toMatchObject({ groupKind: 'failed-logins', eventCount: 4 });
    const message = renderAlert(alert, alertEvents);
    expect(message.text).toMatch(/^4 failed root sign-ins — account 111122223333 — from 2 addresses, /);
    const texts = allText(message);
    expect(texts).toContain('*4 failed root sign-ins* within 3 min (');
    expect(texts).toContain('a burst, someone may be guessing the root password');
    expect(texts).toContain('From: 203.0.113.7 ×3, 198.51.100.23');
    expect(texts).toContain('*1 attempt failed at the MFA step: the password was accepted.*');
    expect(checkBlockKitLimits(message)).toEqual([]);
  });

  it('a session of 500 root API calls: one alert, the calls summed up by name and failures, within limits, key masked', async () => {
    const { alert, events: alertEvents, store } = await stored(sessionCalls(500));
    expect(await store.listOpenAlerts()).toHaveLength(1);
    expect(alert.eventCount).toBe(500);
    const message = renderAlert(alert, alertEvents);
    expect(message.text).toMatch(/^Root API call: RunInstances and 499 more in the same session — account 111122223333 — from 198\.51\.100\.77, AWS CLI 2\.17\.20 \(ec2 run-instances\) — eu-west-1$/);
    const texts = allText(message);
    expect(texts).toContain('*500 root API calls in one session* within 8 min (');
    expect(texts).toContain('Calls: DescribeInstances ×167, RunInstances ×167, TerminateInstances ×166');
    expect(texts).toContain('Failed: 10 calls (Client.UnauthorizedOperation ×10)');
    expect(JSON.stringify(message)).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(checkBlockKitLimits(message)).toEqual([]);
  });

  it('every outbox row of a 500-call session renders within limits (post, thread reply listing the calls)', async () => {
    const { store } = await stored(sessionCalls(500));
    const render = createOutboxRenderer();
    const rows = await store.listOutbox({ state: 'pending' });
    // As the sender does: each row's view read from the store, then rendered.
    expect(rows.map((row) => row.kind)).toEqual(['alert-post', 'alert-reply']);
    for (const row of rows) {
      const message = await render(await store.transaction((tx) => loadOutboxView(row, tx)));
      expect(checkBlockKitLimits(message as never)).toEqual([]);
      expect(JSON.stringify(message)).not.toContain('AKIAIOSFODNN7EXAMPLE');
    }
  });
});

describe('links and clients', () => {
  it('links the event in the CloudTrail console of its own Region and partition', () => {
    expect(cloudTrailEventUrl('eu-west-1', 'a8877f8f-c35f-463b-bd10-5feaafb7c934')).toBe('https://eu-west-1.console.aws.amazon.com/cloudtrail/home?region=eu-west-1#/events/a8877f8f-c35f-463b-bd10-5feaafb7c934');
    expect(cloudTrailEventUrl('us-gov-west-1', 'e1')).toBe('https://console.amazonaws-us-gov.com/cloudtrail/home?region=us-gov-west-1#/events/e1');
    expect(cloudTrailEventUrl('cn-north-1', 'e1')).toBe('https://console.amazonaws.cn/cloudtrail/home?region=cn-north-1#/events/e1');
    expect(cloudTrailEventUrl('evil.example/x', 'e1')).toBeNull();
  });

  it.each([
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox on macOS'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', 'Chrome on Windows'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0', 'Edge on Windows'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'Safari on iOS'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36', 'Chrome on Android'],
    ['[aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.5.0 md/command#s3api.delete-bucket-policy]', 'AWS CLI 2.17.20 (s3api delete-bucket-policy)'],
    ['aws-cli/2.13.5 Python/3.11.4 Linux/4.14.255-314-253.539.amzn2.x86_64 exec-env/CloudShell exe/x86_64.amzn.2 prompt/off command/iam.create-role', 'AWS CLI 2.13.5 (iam create-role) in CloudShell'],
    ['Boto3/1.35.49 md/Botocore#1.35.49 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.7 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.49', 'Boto3 1.35.49 (Python SDK)'],
    ['aws-sdk-js/3.600.0 ua/2.0 os/linux#5.10 lang/js md/nodejs#20.15.0 api/s3#3.600.0', 'AWS SDK for JavaScript 3.600.0'],
    ['APN/1.0 HashiCorp/1.0 Terraform/1.9.0 (+https://www.terraform.io) terraform-provider-aws/5.57.0', 'Terraform'],
    ['autoscaling.amazonaws.com', 'AWS service (autoscaling.amazonaws.com)'],
    ['signin.amazonaws.com', 'AWS sign-in'],
    ['AWS Internal', 'AWS internal'],
    [null, 'unknown client'],
  ])('%s -> %s', (agent, expected) => {
    expect(describeUserAgent(agent)).toBe(expected);
  });

  it('the fixtures\' user agents all get a readable name', () => {
    for (const name of ['root-console-login-success-no-mfa', 'root-api-call-access-key', 'root-s3-delete-bucket-policy']) {
      const event = events([polledFixture(name)])[0]!;
      expect(describeUserAgent(event.userAgent).length).toBeLessThan(60);
    }
  });
});
