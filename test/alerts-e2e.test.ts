// Root activity alerts end to end, as main.ts wires them: a root console sign-in appears in the fake CloudTrail,
// the poller finds it, the outbox posts the alert to the fake Slack, and signed button presses and a modal
// submission acknowledge it once, with the message updated from the store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../src/main.js';
import { createLogger } from '../src/log.js';
import { hardenedAccount, startFakeAws, type FakeAws, type CloudTrailRecord } from './fakes/aws/index.js';
import { blockActionsPayload, signedInteraction, signedSlashCommand, slashCommandFields, startFakeSlack, type FakeSlack } from './fakes/slack/index.js';
import { fixtureRecord } from './fixtures/cloudtrail/load.js';
import { ALERT_CHANNEL as CHANNEL, botEnvironment, waitFor } from './support/bot.js';

const SIGNING_SECRET = 'alerts-e2e-signing-secret-0123456789';

function rootSignInNow(): CloudTrailRecord {
  const record = fixtureRecord('root-console-login-success-no-mfa') as Record<string, unknown>;
  return { ...record, eventID: 'e2e-root-login-0001', eventTime: new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z') } as CloudTrailRecord;
}

let fakeAws: FakeAws;
let slack: FakeSlack;
let bot: RunningBot;
let dataDir: string;
let env: Record<string, string>;
const savedEnv = { ...process.env };

async function start(): Promise<RunningBot> {
  for (const [name, value] of Object.entries(env)) process.env[name] = value;
  const logger = createLogger({ level: 'warn', secretValues: [slack.botToken, SIGNING_SECRET], destination: { write: () => undefined } });
  return startBot(env, { listen: { port: 0, host: '127.0.0.1' }, logger });
}

const eventsUrl = () => `http://127.0.0.1:${bot.port}/slack/events`;
const alertPosts = () => slack.state.messages.filter((message) => message.channel === CHANNEL && message.threadTs === null && (message.text ?? '').includes('Root console sign-in'));

function press(actionId: string, alertId: string, userId: string) {
  const post = alertPosts()[0]!;
  return signedInteraction(eventsUrl(), SIGNING_SECRET, blockActionsPayload({ responseUrl: slack.newResponseUrl(), actionId, value: alertId, userId, isEphemeral: false, messageTs: post.ts, channelId: CHANNEL }));
}

beforeAll(async () => {
  fakeAws = await startFakeAws({ state: hardenedAccount() });
  fakeAws.addEvents('us-east-1', [rootSignInNow()]);
  slack = await startFakeSlack();
  dataDir = mkdtempSync(join(tmpdir(), 'root-guard-alerts-'));
  env = { ...botEnvironment({ slack, aws: fakeAws, dataDir, signingSecret: SIGNING_SECRET }), ALLOWED_USERS: 'U0ALICE,U0BOB', POLL_SCHEDULE: '*/2 * * * * *' };
  bot = await start();
});

afterAll(async () => {
  await bot?.stop();
  await slack?.close();
  await fakeAws?.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.env = savedEnv;
});

describe('root activity alerts through the whole bot', () => {
  let alertId: string;

  it('posts one alert for a root console sign-in without MFA, with the responder fields and buttons', async () => {
    const post = await waitFor(() => alertPosts()[0], 'the alert post');
    expect(post.text).toContain('Root console sign-in WITHOUT MFA');
    const blocks = JSON.stringify(post.blocks);
    for (const expected of ['alert_acknowledge', 'alert_investigate', 'alert_escalate', 'alert_show_event', 'e2e-root-login-0001', '<!date^', 'cloudtrail/home?region=us-east-1#/events/']) {
      expect(blocks).toContain(expected);
    }
    alertId = /"action_id":"alert_acknowledge","value":"(\d+)"/.exec(blocks)?.[1] ?? '';
    expect(alertId).not.toBe('');
  });

  it('refuses a user outside the allowlist and changes nothing', async () => {
    const answer = await press('alert_investigate', alertId, 'U0MALLORY');
    expect(answer.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.calls('chat.update')).toHaveLength(0);
  });

  it('Acknowledge opens the reason modal; submitting it records one acknowledgment and updates the message', async () => {
    await press('alert_acknowledge', alertId, 'U0ALICE');
    const opened = await waitFor(() => slack.state.views.at(-1), 'views.open');
    expect(opened.view).toMatchObject({ callback_id: 'alert_acknowledge_reason' });
    const submission = {
      type: 'view_submission',
      team: { id: 'T0FAKETEAM', domain: 'fake-workspace' },
      user: { id: 'U0ALICE', username: 'alice', name: 'alice', team_id: 'T0FAKETEAM' },
      api_app_id: 'A0FAKEAPP',
      token: 'gIkuvaNzQIHg97ATvDxqgjtO',
      trigger_id: '13345224609.738474920.8088930838d88f008e1',
      view: {
        ...opened.view,
        id: opened.id,
        team_id: 'T0FAKETEAM',
        state: { values: { reason: { reason_input: { type: 'plain_text_input', value: 'closing a test account' } } } },
        hash: '156772938.1827394',
      },
      response_urls: [],
      is_enterprise_install: false,
    };
    const answer = await signedInteraction(eventsUrl(), SIGNING_SECRET, submission);
    expect(answer.status).toBe(200);
    const update = await waitFor(() => slack.calls('chat.update').at(-1), 'chat.update');
    const updated = JSON.stringify(update.args);
    expect(updated).toContain('Acknowledged');
    expect(updated).toContain('<@U0ALICE>');
    expect(updated).toContain('closing a test account');
    expect(updated).not.toContain('alert_acknowledge"');
  });

  it('a second press by someone else records nothing new and says who was first', async () => {
    const updatesBefore = slack.calls('chat.update').length;
    const responseUrl = slack.newResponseUrl();
    const post = alertPosts()[0]!;
    await signedInteraction(eventsUrl(), SIGNING_SECRET, blockActionsPayload({ responseUrl, actionId: 'alert_escalate', value: alertId, userId: 'U0BOB', isEphemeral: false, messageTs: post.ts, channelId: CHANNEL }));
    const reply = await waitFor(() => slack.responsesTo(responseUrl)[0], 'the ephemeral answer');
    expect(JSON.stringify(reply.body)).toContain('already acknowledged by <@U0ALICE>');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.calls('chat.update')).toHaveLength(updatesBefore);
  });

  it('Show event posts the full record in the alert thread', async () => {
    await press('alert_show_event', alertId, 'U0BOB');
    const post = alertPosts()[0]!;
    const record = await waitFor(() => slack.state.messages.find((message) => message.threadTs === post.ts && (message.text ?? '').startsWith('CloudTrail record')), 'the record in the thread');
    expect(JSON.stringify(record.blocks)).toContain('ConsoleLogin');
  });

  it('a restart posts nothing twice', async () => {
    await bot.stop();
    bot = await start();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(alertPosts()).toHaveLength(1);
  });

  it('/aws-root-check alerts says none are open once acknowledged', async () => {
    const responseUrl = slack.newResponseUrl();
    await signedSlashCommand(eventsUrl(), SIGNING_SECRET, slashCommandFields({ responseUrl, text: 'alerts' }));
    const answer = await waitFor(() => slack.responsesTo(responseUrl)[0], 'the alerts list');
    expect(JSON.stringify(answer.body)).toContain('No open root activity alerts');
  });
});
