// The real Bolt HTTP receiver, real signed requests, the fake Slack Web API and response_urls on loopback.
// processBeforeResponse: true holds each HTTP answer until the listener is done, so no test sleeps.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserFacingError } from '../../../src/slack/index.js';
import { blockActionsPayload, signedInteraction, signedSlashCommand, slashCommandFields } from '../../fakes/slack/index.js';
import { syntheticReport } from '../report-fixture.js';
import { blockText, SIGNING_SECRET, startHarness, type Harness } from './harness.js';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ deps: { describeRunError: (error) => `could not reach AWS (${(error as Error).message})` } });
});
afterAll(() => harness.close());
beforeEach(() => {
  harness.runPosture.mockReset();
  harness.runPosture.mockImplementation(async () => (await import('../report-fixture.js')).typicalReport());
  harness.allow([]);
  harness.slack.faults.clear();
});

function command(text: string, overrides: { userId?: string; timestamp?: number; secret?: string } = {}) {
  const responseUrl = harness.slack.newResponseUrl();
  const request = signedSlashCommand(harness.eventsUrl, overrides.secret ?? SIGNING_SECRET, slashCommandFields({ responseUrl, text, userId: overrides.userId }), { timestamp: overrides.timestamp });
  return { responseUrl, request };
}

describe('/aws-root-check over the HTTP receiver', () => {
  it('acks, says it is running, and delivers the report to the response_url (ephemeral)', async () => {
    const { responseUrl, request } = command('');
    const answer = await request;
    expect(answer.status).toBe(200);
    expect(harness.runPosture).toHaveBeenCalledTimes(1);

    const posts = harness.slack.responsesTo(responseUrl);
    expect(posts.map((post) => post.status)).toEqual([200, 200]);
    expect(posts[0]!.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Checking the root user') });
    const report = posts[1]!.body;
    expect(report.response_type).toBe('ephemeral');
    expect(report.text).toBe('AWS root posture for 123456789012 (acme-prod): 4/8 passed, 2 failing, 1 warning, 1 could not be checked, 1 not applicable');
    const blocks = blockText(report);
    expect(blocks).toContain('AWS root posture: 123456789012 (acme-prod)');
    expect(blocks).toContain('Root user has no access keys');
    expect(blocks).toContain('A multi-region CloudTrail trail is logging');
    expect(blocks).toContain('posture_run_again');
    expect(blocks).not.toContain('AKIAIOSFODNN7EXAMPLE');
    // Bolt identified the bot with the bot token before dispatching.
    expect(harness.slack.calls('auth.test')[0]).toMatchObject({ tokenKind: 'bot', status: 200 });
  });

  it('`public` posts the report in the channel, after a private "running" note', async () => {
    const { responseUrl, request } = command('public');
    expect((await request).status).toBe(200);
    const [running, report] = harness.slack.responsesTo(responseUrl).map((post) => post.body);
    expect(running).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('posted in this channel') });
    expect(report).toMatchObject({ response_type: 'in_channel' });
    expect(blockText(report!)).toContain('123456789012');
  });

  it('answers 401 to a bad signature and runs nothing', async () => {
    const { responseUrl, request } = command('', { secret: 'not-the-signing-secret-at-all-000' });
    expect((await request).status).toBe(401);
    expect(harness.runPosture).not.toHaveBeenCalled();
    expect(harness.slack.responsesTo(responseUrl)).toEqual([]);
  });

  it('answers 401 to a timestamp older than 5 minutes, even correctly signed', async () => {
    const { responseUrl, request } = command('', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect((await request).status).toBe(401);
    expect(harness.runPosture).not.toHaveBeenCalled();
    expect(harness.slack.responsesTo(responseUrl)).toEqual([]);
  });

  it('refuses a user outside the allowlist, privately, and runs nothing', async () => {
    harness.allow(['U0ALICE']);
    const { responseUrl, request } = command('', { userId: 'U0MALLORY' });
    expect((await request).status).toBe(200);
    expect(harness.runPosture).not.toHaveBeenCalled();
    const posts = harness.slack.responsesTo(responseUrl);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('You are not allowed to use /aws-root-check') });
  });

  it('lets a user in through an allowed user group, reading membership once per cache period', async () => {
    harness.slack.state.usergroups.set('S0SECOPS', ['U0BOB', 'U0CAROL']);
    harness.allow(['U0ALICE'], ['S0SECOPS']);
    const lookupsBefore = harness.slack.calls('usergroups.users.list').length;
    for (const userId of ['U0BOB', 'U0CAROL']) {
      const { responseUrl, request } = command('', { userId });
      expect((await request).status).toBe(200);
      expect(blockText(harness.slack.responsesTo(responseUrl).at(-1)!.body)).toContain('123456789012');
    }
    expect(harness.runPosture).toHaveBeenCalledTimes(2);
    const lookups = harness.slack.calls('usergroups.users.list').slice(lookupsBefore);
    expect(lookups).toHaveLength(1);
    expect(lookups[0]).toMatchObject({ args: { usergroup: 'S0SECOPS' }, tokenKind: 'bot' });
  });

  it('refuses when group membership cannot be read (missing usergroups:read)', async () => {
    harness.allow([], ['S0OTHER']);
    harness.slack.state.usergroups.set('S0OTHER', ['U0BOB']);
    harness.slack.faults.error('usergroups.users.list', 'missing_scope');
    const { responseUrl, request } = command('', { userId: 'U0BOB' });
    await request;
    expect(harness.runPosture).not.toHaveBeenCalled();
    expect(harness.slack.responsesTo(responseUrl)[0]!.body.text).toContain('could not be checked');
  });

  it('shows usage for `help`, and for an unknown subcommand says so, in the HTTP answer itself', async () => {
    const help = command('help');
    const helpAnswer = await help.request;
    expect(JSON.parse(helpAnswer.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^How to use \/aws-root-check/) });
    expect(harness.slack.responsesTo(help.responseUrl)).toHaveLength(0);

    const unknown = command('rotate-keys now');
    const body = JSON.parse((await unknown.request).body) as Record<string, unknown>;
    expect(body.text).toMatch(/^Unknown subcommand "rotate-keys now"/);
    expect(blockText(body)).toContain('/aws-root-check public');
    expect(harness.runPosture).not.toHaveBeenCalled();
  });

  it('posts a clear error when the run fails, worded by describeRunError, never leaking the token', async () => {
    harness.runPosture.mockRejectedValueOnce(Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:4566 token=${harness.slack.botToken}`), { code: 'ECONNREFUSED' }));
    const { responseUrl, request } = command('');
    expect((await request).status).toBe(200);
    const failure = harness.slack.responsesTo(responseUrl).at(-1)!.body;
    expect(failure.text).toMatch(/^The AWS root posture check failed: could not reach AWS \(connect ECONNREFUSED/);
    expect(JSON.stringify(failure)).not.toContain(harness.slack.botToken);
    expect(blockText(failure)).toContain('posture_run_again');
    const logged = harness.logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'posture run failed');
    expect(logged).toMatchObject({ level: 50, errorName: 'Error', errorCode: 'ECONNREFUSED', userId: 'U0ALICE' });
  });

  it('shows the user message of a typed error as it is', async () => {
    harness.runPosture.mockRejectedValueOnce(new UserFacingError('no AWS credentials found: set AWS_PROFILE.', { hint: 'env' }));
    const { responseUrl, request } = command('');
    await request;
    expect(harness.slack.responsesTo(responseUrl).at(-1)!.body.text).toBe('The AWS root posture check failed: no AWS credentials found: set AWS_PROFILE.');
  });

  it('falls back to chat.postEphemeral when the response_url is used up, and chat.postMessage for public', async () => {
    for (const [text, method] of [['', 'chat.postEphemeral'], ['public', 'chat.postMessage']] as const) {
      const responseUrl = harness.slack.newResponseUrl();
      for (let use = 0; use < 5; use += 1) {
        await fetch(responseUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: 'earlier use' }) });
      }
      const before = harness.slack.calls(method).length;
      const answer = await signedSlashCommand(harness.eventsUrl, SIGNING_SECRET, slashCommandFields({ responseUrl, text }));
      expect(answer.status).toBe(200);
      expect(harness.slack.responsesTo(responseUrl).at(-1)).toMatchObject({ status: 404, error: 'used_url' });
      const fallback = harness.slack.calls(method).slice(before);
      expect(fallback).toHaveLength(1);
      expect(fallback[0]!.args).toMatchObject({ channel: 'C0SECURITY', text: expect.stringContaining('AWS root posture for 123456789012') });
      if (method === 'chat.postEphemeral') expect(fallback[0]!.args.user).toBe('U0ALICE');
    }
  });

  it('delivers a 200-finding report within Slack limits', async () => {
    harness.runPosture.mockResolvedValueOnce(syntheticReport(200));
    const { responseUrl, request } = command('');
    await request;
    const report = harness.slack.responsesTo(responseUrl).at(-1)!;
    expect(report.status).toBe(200);
    expect((report.body.blocks as unknown[]).length).toBe(50);
  });
});

describe('the Run again button over the HTTP receiver', () => {
  it('re-runs and replaces the original message', async () => {
    const responseUrl = harness.slack.newResponseUrl();
    const answer = await signedInteraction(harness.eventsUrl, SIGNING_SECRET, blockActionsPayload({ responseUrl, actionId: 'posture_run_again', value: 'run_again' }));
    expect(answer.status).toBe(200);
    expect(harness.runPosture).toHaveBeenCalledTimes(1);
    const posts = harness.slack.responsesTo(responseUrl).map((post) => post.body);
    expect(posts[0]).toMatchObject({ replace_original: true, text: expect.stringContaining('Checking') });
    expect(posts[1]).toMatchObject({ replace_original: true });
    expect(blockText(posts[1]!)).toContain('Root user has no access keys');
  });

  it('refuses an unauthorized clicker without touching the report', async () => {
    harness.allow(['U0ALICE']);
    const responseUrl = harness.slack.newResponseUrl();
    await signedInteraction(harness.eventsUrl, SIGNING_SECRET, blockActionsPayload({ responseUrl, actionId: 'posture_run_again', userId: 'U0MALLORY', isEphemeral: false }));
    expect(harness.runPosture).not.toHaveBeenCalled();
    expect(harness.slack.responsesTo(responseUrl).map((post) => post.body)).toEqual([
      expect.objectContaining({ response_type: 'ephemeral', replace_original: false, text: expect.stringContaining('not allowed') }),
    ]);
  });

  it('answers 401 to a forged click', async () => {
    const responseUrl = harness.slack.newResponseUrl();
    const answer = await signedInteraction(harness.eventsUrl, 'forged-secret-forged-secret-0000', blockActionsPayload({ responseUrl, actionId: 'posture_run_again' }));
    expect(answer.status).toBe(401);
    expect(harness.runPosture).not.toHaveBeenCalled();
  });
});

describe('logs of whole runs', () => {
  it('never contain the bot token or the signing secret, at debug level', () => {
    const logs = harness.logLines.join('\n');
    // Not vacuous: Bolt, the Web API client and our listeners all logged.
    expect(logs).toContain('posture report ready');
    expect(logs).toContain('"component":"slack"');
    expect(harness.logLines.length).toBeGreaterThan(20);
    expect(logs).not.toContain(harness.slack.botToken);
    expect(logs).not.toContain(SIGNING_SECRET);
    expect(logs).not.toMatch(/xoxb-[A-Za-z0-9]/);
  });
});
