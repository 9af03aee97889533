// Requests Slack signed but the bot must not act on: another workspace, organization or app (a Slack Connect
// channel brings users of other teams), and a response_url outside Slack's hooks. Real signed requests over the
// real HTTP receiver; the bot's own identity comes from the fake Slack's auth.test.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { blockActionsPayload, signedInteraction, signedSlashCommand, slashCommandFields } from '../../fakes/slack/index.js';
import { responseUrlPolicy } from '../../../src/slack/response-url-policy.js';
import { refuseForeignRequest } from '../../../src/slack/workspace-identity.js';
import { SIGNING_SECRET, startHarness, type Harness } from './harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());
beforeEach(() => {
  harness.runPosture.mockClear();
  harness.slack.faults.clear();
});

const refusals = (kind: string) => harness.logLines.filter((line) => line.includes(`"refusal":"${kind}"`));

describe('requests from other workspaces and apps', () => {
  it('warns at start that the allowlist is empty', () => {
    expect(harness.logLines.some((line) => line.includes('"level":40') && line.includes('ALLOWED_USERS and ALLOWED_USERGROUPS are empty') && line.includes('ALLOWED_RESPONDERS'))).toBe(true);
  });

  it('runs a command from the bot\'s own workspace and app', async () => {
    const answer = await signedSlashCommand(harness.eventsUrl, SIGNING_SECRET, slashCommandFields({ responseUrl: harness.slack.newResponseUrl() }));
    expect(answer.status).toBe(200);
    expect(harness.runPosture).toHaveBeenCalledTimes(1);
  });

  it('refuses a command from another team, and logs it', async () => {
    const responseUrl = harness.slack.newResponseUrl();
    await signedSlashCommand(harness.eventsUrl, SIGNING_SECRET, slashCommandFields({ responseUrl, teamId: 'T0OUTSIDER' }));
    expect(harness.runPosture).not.toHaveBeenCalled();
    expect(harness.slack.responsesTo(responseUrl)).toEqual([]);
    expect(refusals('other-team').some((line) => line.includes('T0OUTSIDER'))).toBe(true);
  });

  it('refuses a command naming another app', async () => {
    await signedSlashCommand(harness.eventsUrl, SIGNING_SECRET, slashCommandFields({ responseUrl: harness.slack.newResponseUrl(), apiAppId: 'A0OTHERAPP' }));
    expect(harness.runPosture).not.toHaveBeenCalled();
    expect(refusals('other-app').length).toBeGreaterThan(0);
  });

  it('refuses a button press by a user of another team in a shared (Slack Connect) channel', async () => {
    const payload = blockActionsPayload({ responseUrl: harness.slack.newResponseUrl(), actionId: 'posture_run_again', userId: 'U0GUEST' });
    (payload.user as Record<string, unknown>).team_id = 'T0PARTNER';
    await signedInteraction(harness.eventsUrl, SIGNING_SECRET, payload);
    expect(harness.runPosture).not.toHaveBeenCalled();
    expect(refusals('other-team').some((line) => line.includes('U0GUEST'))).toBe(true);
  });
});

describe('response_url', () => {
  it.each(['https://evil.example/hook', 'http://hooks.slack.com/commands/T0/1/x', 'https://hooks.slack.com.evil.example/commands/x', 'https://user@evil.example/'])(
    'refuses a request whose response_url is %s, and posts nothing there',
    async (responseUrl) => {
      const answer = await signedSlashCommand(harness.eventsUrl, SIGNING_SECRET, slashCommandFields({ responseUrl }));
      expect(answer.status).toBe(200);
      expect(harness.runPosture).not.toHaveBeenCalled();
      expect(refusals('response-url').length).toBeGreaterThan(0);
    },
  );

  it('does not follow a redirect from the response_url of a command: the report goes through the Web API instead', async () => {
    const responseUrl = harness.slack.newResponseUrl();
    const elsewhere = harness.slack.newResponseUrl();
    harness.slack.faults.redirect('response_url', elsewhere, { times: 5 });
    const before = harness.slack.calls('chat.postEphemeral').length;
    await signedSlashCommand(harness.eventsUrl, SIGNING_SECRET, slashCommandFields({ responseUrl }));
    expect(harness.runPosture).toHaveBeenCalledTimes(1);
    // The "running" note and the report each met the redirect once, and stopped there.
    expect(harness.slack.responsesTo(responseUrl).map((post) => post.status)).toEqual([307, 307]);
    expect(harness.slack.responsesTo(elsewhere)).toEqual([]);
    expect(harness.slack.calls('chat.postEphemeral').length).toBe(before + 1);
  });

  it('does not follow a redirect from the response_url of a button (the same pooled responder as the command)', async () => {
    const responseUrl = harness.slack.newResponseUrl();
    const elsewhere = harness.slack.newResponseUrl();
    harness.slack.faults.redirect('response_url', elsewhere, { times: 5 });
    await signedInteraction(harness.eventsUrl, SIGNING_SECRET, blockActionsPayload({ responseUrl, actionId: 'posture_run_again' }));
    expect(harness.runPosture).toHaveBeenCalledTimes(1);
    expect(harness.slack.responsesTo(responseUrl).length).toBeGreaterThan(0);
    expect(harness.slack.responsesTo(elsewhere)).toEqual([]);
  });
});

describe('responseUrlPolicy', () => {
  it('trusts Slack\'s hooks hosts over https, and the origin of a non-Slack SLACK_API_URL', () => {
    const slack = responseUrlPolicy('https://slack.com/api/');
    expect(slack.allows('https://hooks.slack.com/commands/T0/1/abc')).toBe(true);
    expect(slack.allows('https://hooks.slack-gov.com/actions/T0/1/abc')).toBe(true);
    expect(slack.allows('https://HOOKS.SLACK.COM:443/commands/x')).toBe(true);
    expect(slack.allows('https://hooks.slack.com:8443/commands/x')).toBe(false);
    expect(slack.allows('https://slack.com/api/chat.postMessage')).toBe(false);
    expect(slack.allows('not a url')).toBe(false);
    const proxy = responseUrlPolicy('http://127.0.0.1:9000/api/');
    expect(proxy.allows('http://127.0.0.1:9000/respond/1')).toBe(true);
    expect(proxy.allows('http://127.0.0.1:9001/respond/1')).toBe(false);
  });
});

describe('refuseForeignRequest (Enterprise Grid)', () => {
  const orgWide = { teamId: 'T0HOME', enterpriseId: 'E0ORG', isEnterpriseInstall: true, appId: 'A0APP' };
  it('accepts any workspace of the organization for an org-wide install, and no other organization', () => {
    expect(refuseForeignRequest(orgWide, { team_id: 'T0SISTER', enterprise_id: 'E0ORG', api_app_id: 'A0APP' })).toBeNull();
    expect(refuseForeignRequest(orgWide, { team_id: 'T0HOME', enterprise_id: 'E0RIVAL', api_app_id: 'A0APP' })).toBe('other-enterprise');
    expect(refuseForeignRequest(orgWide, { team_id: 'T0HOME', api_app_id: 'A0APP' })).toBe('other-enterprise');
  });
  it('matches the team for a workspace install inside an organization', () => {
    const workspace = { ...orgWide, isEnterpriseInstall: false };
    expect(refuseForeignRequest(workspace, { team: { id: 'T0HOME' }, enterprise: { id: 'E0ORG' }, user: { team_id: 'T0HOME' } })).toBeNull();
    expect(refuseForeignRequest(workspace, { team: { id: 'T0HOME' }, enterprise: { id: 'E0ORG' }, user: { team_id: 'T0SISTER' } })).toBe('other-team');
    expect(refuseForeignRequest(workspace, {})).toBe('no-team');
  });
});

describe('an Enterprise Grid org-wide install, over the wire', () => {
  let grid: Harness;
  beforeAll(async () => {
    grid = await startHarness({ fake: { state: { enterprise: { id: 'E0ACME', name: 'Acme' }, isEnterpriseInstall: true } } });
  });
  afterAll(() => grid.close());
  afterEach(() => grid.runPosture.mockClear());

  const orgCommand = (teamId: string, enterpriseId: string) =>
    signedSlashCommand(grid.eventsUrl, SIGNING_SECRET, { ...slashCommandFields({ responseUrl: grid.slack.newResponseUrl(), teamId }), enterprise_id: enterpriseId, is_enterprise_install: 'true' });

  it('runs a command from another workspace of the same organization', async () => {
    await orgCommand('T0SISTER', 'E0ACME');
    expect(grid.runPosture).toHaveBeenCalledTimes(1);
  });

  it('refuses one from another organization', async () => {
    await orgCommand('T0SISTER', 'E0RIVAL');
    expect(grid.runPosture).not.toHaveBeenCalled();
    expect(grid.logLines.some((line) => line.includes('"refusal":"other-enterprise"'))).toBe(true);
  });
});

describe('body limit', () => {
  it('refuses a 2 MB signed body with 413 from its Content-Length, and runs nothing', async () => {
    const fields = { ...slashCommandFields({ responseUrl: harness.slack.newResponseUrl() }), text: 'x'.repeat(2 * 1024 * 1024) };
    const answer = await signedSlashCommand(harness.eventsUrl, SIGNING_SECRET, fields);
    expect(answer.status).toBe(413);
    expect(harness.runPosture).not.toHaveBeenCalled();
    expect(harness.logLines.some((line) => line.includes('Request body exceeded the maximum allowed size (limit: 1048576 bytes)'))).toBe(true);
  });

  it('still accepts a block_actions payload as large as a full alert message (50 sections of 3000 characters)', async () => {
    const blocks = Array.from({ length: 50 }, (_, index) => ({ type: 'section', block_id: `b${index}`, text: { type: 'mrkdwn', text: 'é'.repeat(3000) } }));
    const payload = blockActionsPayload({ responseUrl: harness.slack.newResponseUrl(), actionId: 'posture_run_again', isEphemeral: false, message: { type: 'message', text: 'report', ts: '1717320000.000100', blocks } });
    const answer = await signedInteraction(harness.eventsUrl, SIGNING_SECRET, payload);
    expect(answer.status).toBe(200);
    expect(harness.runPosture).toHaveBeenCalledTimes(1);
  });
});
