// `/aws-root-check alerts` over the wire: the alerts nobody acknowledged, with their state and a link to their
// message; answered inside the ack when the allowlist decides without Slack, else on the response_url.
import { afterEach, describe, expect, it } from 'vitest';
import { setAlertState } from '../../../src/alerts/index.js';
import { checkBlockKitLimits } from '../../../src/slack/blocks/index.js';
import { signedSlashCommand, slashCommandFields } from '../../fakes/slack/index.js';
import { SIGNING_SECRET } from '../wire/harness.js';
import { commit, createAuthorizer, polledFixture, sessionCalls, startAlertHarness, type AlertHarness } from './support.js';

let h: AlertHarness;
afterEach(() => h.close());

async function listAlerts(userId = 'U0ALICE') {
  const responseUrl = h.slack.newResponseUrl();
  const answer = await signedSlashCommand(h.harness.eventsUrl, SIGNING_SECRET, slashCommandFields({ responseUrl, text: 'alerts', userId, teamDomain: 'acme-sec' }));
  return { answer, responses: h.slack.responsesTo(responseUrl) };
}

async function seedThree() {
  await commit(h.store, [polledFixture('root-console-login-success-no-mfa')]);
  await commit(h.store, [polledFixture('root-billing-close-account')]);
  await commit(h.store, sessionCalls(3));
  return (await h.store.listOpenAlerts()).map((alert) => alert.id);
}

describe('/aws-root-check alerts', () => {
  it('lists the unacknowledged alerts oldest first, with state, who acted, and links to the posted ones', async () => {
    h = await startAlertHarness({ accountAlias: (accountId) => (accountId === '111122223333' ? 'prod' : null) });
    const [signIn, closeAccount, session] = await seedThree();
    await h.flush();
    await setAlertState(h.store, closeAccount!, 'investigate', 'U0BOB');
    await setAlertState(h.store, signIn!, 'acknowledge', 'U0ALICE', 'expected');

    const { answer, responses } = await listAlerts();
    expect(answer.status).toBe(200);
    // The harness's authorizer cannot decide without Slack: the list comes on the response_url.
    expect(responses).toHaveLength(1);
    const body = responses[0]!.body;
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toBe('2 root activity alerts not acknowledged yet');
    const sections = (body.blocks as Array<{ text?: { text: string } }>).map((block) => block.text?.text ?? '');
    expect(sections).toHaveLength(3);
    expect(sections[1]).toMatch(/^:warning: \*Root-only task: CloseAccount \(close the AWS account\) — account 111122223333 \(prod\) — from [^*]+\*\ninvestigating by <@U0BOB> · first event <!date\^/);
    const closePost = (await h.store.getAlert(closeAccount!))!.post!;
    expect(sections[1]).toContain(`<https://acme-sec.slack.com/archives/${closePost.channel}/p${closePost.ts.replace('.', '')}|open the alert>`);
    expect(sections[2]).toMatch(/Root API call: RunInstances and 2 more in the same session/);
    expect(sections[2]).toContain('nobody has acted');
    expect(JSON.stringify(body.blocks)).not.toContain('ConsoleLogin');
    expect(session).toBeDefined();
    expect(checkBlockKitLimits({ text: String(body.text), blocks: body.blocks as never })).toEqual([]);
  });

  it('says so when every alert is acknowledged', async () => {
    h = await startAlertHarness();
    await commit(h.store, [polledFixture('root-console-login-success-no-mfa')]);
    await setAlertState(h.store, (await h.store.listOpenAlerts())[0]!.id, 'acknowledge', 'U0ALICE');
    const { responses } = await listAlerts();
    expect(responses[0]!.body.text).toBe('No open root activity alerts: every alert has been acknowledged.');
  });

  it('with an allowlist that decides without Slack, the list still comes on the response_url; an alert not posted yet says so', async () => {
    h = await startAlertHarness({ authorizer: createAuthorizer({ allowedUserIds: ['U0ALICE'], allowedUsergroupIds: [] }) });
    await commit(h.store, [polledFixture('root-console-login-success-no-mfa')]);
    const { answer, responses } = await listAlerts();
    expect(answer.body).toBe('');
    expect(responses).toHaveLength(1);
    const body = responses[0]!.body as { response_type: string; text: string; blocks: Array<{ text?: { text: string } }> };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toBe('1 root activity alert not acknowledged yet');
    expect(body.blocks[1]!.text!.text).toContain('not posted yet');
  });

  it('refuses someone outside the allowlist without listing anything', async () => {
    h = await startAlertHarness();
    await commit(h.store, [polledFixture('root-console-login-success-no-mfa')]);
    const { responses } = await listAlerts('U0MALLORY');
    expect(String(responses[0]!.body.text)).toMatch(/^You are not allowed to use \/aws-root-check/);
    expect(JSON.stringify(responses[0]!.body)).not.toContain('Root console sign-in');
  });

  it('folds alerts past the first twenty into a count', async () => {
    h = await startAlertHarness();
    for (let index = 0; index < 23; index++) await commit(h.store, [polledFixture('root-console-login-success-no-mfa', { eventID: `11111111-0000-4000-8000-${String(index).padStart(12, '0')}` })]);
    const { responses } = await listAlerts();
    const body = responses[0]!.body;
    expect(body.text).toBe('23 root activity alerts not acknowledged yet');
    expect(JSON.stringify(body.blocks)).toContain('… and 3 more in the alert channel.');
    expect(checkBlockKitLimits({ text: String(body.text), blocks: body.blocks as never })).toEqual([]);
  });
});
