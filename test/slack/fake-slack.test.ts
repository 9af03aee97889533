// The fake must speak Slack's wire format to the real clients, or the wire tests prove nothing.
import { WebClient, ErrorCode } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RESPONSE_URL_LIFETIME_MS, startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';

let slack: FakeSlack;
let client: WebClient;

beforeAll(async () => {
  slack = await startFakeSlack({ socketMode: true });
  client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(() => slack.close());
beforeEach(() => {
  slack.faults.clear();
  slack.requests.length = 0;
});

describe('fake Slack Web API', () => {
  it('answers auth.test like Slack, and records the bearer token as present', async () => {
    const identity = await client.auth.test();
    expect(identity).toMatchObject({ ok: true, team_id: 'T0FAKETEAM', user_id: 'U0FAKEBOT', bot_id: 'B0FAKEBOT', url: 'https://fake-workspace.slack.com/' });
    expect(slack.calls('auth.test')[0]).toMatchObject({ tokenPresent: true, tokenKind: 'bot', contentType: 'application/x-www-form-urlencoded', status: 200 });
  });

  it('decodes blocks sent as JSON inside a form field and answers chat.postMessage with channel and ts', async () => {
    const blocks = [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'hello' } }];
    const posted = await client.chat.postMessage({ channel: 'C0SECURITY', text: 'fallback', blocks });
    expect(posted).toMatchObject({ ok: true, channel: 'C0SECURITY', message: { text: 'fallback', bot_id: 'B0FAKEBOT', blocks } });
    expect(posted.ts).toMatch(/^\d+\.\d{6}$/);
    expect(slack.calls('chat.postMessage')[0]?.args).toEqual({ channel: 'C0SECURITY', text: 'fallback', blocks });

    const updated = await client.chat.update({ channel: 'C0SECURITY', ts: posted.ts!, text: 'edited' });
    expect(updated).toMatchObject({ ok: true, channel: 'C0SECURITY', ts: posted.ts, text: 'edited' });
    expect(slack.state.messages.find((message) => message.ts === posted.ts)?.text).toBe('edited');
  });

  it('reads JSON bodies too', async () => {
    const response = await fetch(`${slack.apiUrl}chat.postEphemeral`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', Authorization: `Bearer ${slack.botToken}` },
      body: JSON.stringify({ channel: 'C0SECURITY', user: 'U0ALICE', text: 'only you' }),
    });
    expect(await response.json()).toMatchObject({ ok: true, message_ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect(slack.state.ephemerals.at(-1)).toMatchObject({ channel: 'C0SECURITY', user: 'U0ALICE', text: 'only you' });
  });

  it('answers errors as HTTP 200 {ok:false,error}', async () => {
    slack.state.missingChannels.add('C0GONE');
    await expect(client.chat.postMessage({ channel: 'C0GONE', text: 'x' })).rejects.toMatchObject({ code: ErrorCode.PlatformError, data: { ok: false, error: 'channel_not_found' } });
    await expect(client.chat.postMessage({ channel: 'C0SECURITY' } as never)).rejects.toMatchObject({ data: { error: 'no_text' } });
    await expect(client.chat.update({ channel: 'C0SECURITY', ts: '1.000001', text: 'x' })).rejects.toMatchObject({ data: { error: 'message_not_found' } });
    await expect(client.usergroups.users.list({ usergroup: 'S0NONE' })).rejects.toMatchObject({ data: { error: 'no_such_subteam' } });
    expect(slack.calls('chat.postMessage').map((call) => call.error)).toEqual(['channel_not_found', 'no_text']);
  });

  it('checks tokens: wrong one is invalid_auth, none is not_authed, the bot token cannot open a socket', async () => {
    const stranger = new WebClient('xoxb-not-the-right-one', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    await expect(stranger.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    const anonymous = await fetch(`${slack.apiUrl}auth.test`, { method: 'POST' });
    expect(await anonymous.json()).toEqual({ ok: false, error: 'not_authed' });
    await expect(client.apps.connections.open()).rejects.toMatchObject({ data: { error: 'not_allowed_token_type' } });
    const app = new WebClient(slack.appToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    expect((await app.apps.connections.open()).url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/);
  });

  it('answers not_allowed_token_type to the app-level token on a bot method (SLACK_BOT_TOKEN set to the xapp- token)', async () => {
    const app = new WebClient(slack.appToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    await expect(app.chat.postMessage({ channel: 'C0SECURITY', text: 'x' })).rejects.toMatchObject({ data: { error: 'not_allowed_token_type' } });
  });

  it('lists user group members, opens views with the documented shape, and rejects unknown methods', async () => {
    slack.state.usergroups.set('S0SECOPS', ['U0ALICE', 'U0BOB']);
    expect(await client.usergroups.users.list({ usergroup: 'S0SECOPS' })).toMatchObject({ ok: true, users: ['U0ALICE', 'U0BOB'] });
    const opened = await client.views.open({ trigger_id: '1.2.3', view: { type: 'modal', title: { type: 'plain_text', text: 'Ack' }, blocks: [] } });
    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), type: 'modal', title: { text: 'Ack' }, state: { values: {} }, app_id: 'A0FAKEAPP' });
    await expect(client.apiCall('no.such.method')).rejects.toMatchObject({ data: { error: 'unknown_method' } });
  });

  it('injects 429 with Retry-After, 500, per-method error codes and slow answers', async () => {
    const noRetry = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    slack.faults.rateLimit('chat.postMessage', { retryAfterSeconds: 7 });
    await expect(noRetry.chat.postMessage({ channel: 'C0SECURITY', text: 'x' })).rejects.toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
    slack.faults.serverError('chat.postMessage');
    await expect(client.chat.postMessage({ channel: 'C0SECURITY', text: 'x' })).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });
    slack.faults.error('chat.postMessage', 'missing_scope');
    await expect(client.chat.postMessage({ channel: 'C0SECURITY', text: 'x' })).rejects.toMatchObject({ data: { error: 'missing_scope' } });
    // Each fault was used once: the next call succeeds.
    await expect(client.chat.postMessage({ channel: 'C0SECURITY', text: 'x' })).resolves.toMatchObject({ ok: true });
    slack.faults.delay('auth.test', 150, { times: 1 });
    const started = Date.now();
    await client.auth.test();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(slack.calls('chat.postMessage').map((call) => call.status)).toEqual([429, 500, 200, 200]);
  });

  it('conversations.history: top-level messages newest first, oldest exclusive, paged by cursor, metadata only with include_all_metadata', async () => {
    slack.state.messages.length = 0;
    const metadata = { event_type: 'test_event', event_payload: { key: 'k-1' } };
    const first = await client.chat.postMessage({ channel: 'C0HISTORY', text: 'one', metadata });
    const second = await client.chat.postMessage({ channel: 'C0HISTORY', text: 'two' });
    await client.chat.postMessage({ channel: 'C0HISTORY', text: 'reply', thread_ts: first.ts! });
    await client.chat.postMessage({ channel: 'C0OTHER', text: 'elsewhere' });

    const all = await client.conversations.history({ channel: 'C0HISTORY', include_all_metadata: true });
    expect(all.messages?.map((message) => message.text)).toEqual(['two', 'one']);
    expect(all.messages?.[1]).toMatchObject({ ts: first.ts, metadata, reply_count: 1, thread_ts: first.ts, bot_id: 'B0FAKEBOT' });
    expect(all).toMatchObject({ has_more: false, response_metadata: { next_cursor: '' } });
    const withoutMetadata = await client.conversations.history({ channel: 'C0HISTORY' });
    expect(withoutMetadata.messages?.[1]?.metadata).toBeUndefined();

    const sinceFirst = await client.conversations.history({ channel: 'C0HISTORY', oldest: first.ts! });
    expect(sinceFirst.messages?.map((message) => message.ts)).toEqual([second.ts]);
    const page1 = await client.conversations.history({ channel: 'C0HISTORY', limit: 1 });
    expect(page1).toMatchObject({ has_more: true, messages: [{ ts: second.ts }] });
    const page2 = await client.conversations.history({ channel: 'C0HISTORY', limit: 1, cursor: page1.response_metadata!.next_cursor! });
    expect(page2).toMatchObject({ has_more: false, messages: [{ ts: first.ts }] });

    const thread = await client.conversations.replies({ channel: 'C0HISTORY', ts: first.ts!, include_all_metadata: true });
    expect(thread.messages?.map((message) => message.text)).toEqual(['one', 'reply']);
    await expect(client.conversations.replies({ channel: 'C0HISTORY', ts: '1.000001' })).rejects.toMatchObject({ data: { error: 'thread_not_found' } });
  });

  it('conversations.history without the history scope answers missing_scope naming the scope', async () => {
    slack.state.botScopes.delete('groups:history');
    try {
      await expect(client.conversations.history({ channel: 'G0PRIVATE' })).rejects.toMatchObject({ data: { ok: false, error: 'missing_scope', needed: 'groups:history' } });
      await expect(client.conversations.history({ channel: 'C0PUBLIC' })).resolves.toMatchObject({ ok: true });
    } finally {
      slack.state.botScopes.add('groups:history');
    }
  });

  it('an outage for a time span: every call answers 500 until it ends', async () => {
    slack.faults.serverError('*', { forMs: 300 });
    await expect(client.auth.test()).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });
    await expect(client.auth.test()).rejects.toMatchObject({ statusCode: 500 });
    await new Promise((resolve) => setTimeout(resolve, 350));
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    const [call] = slack.calls('auth.test');
    expect(call?.answeredAt).toBeGreaterThanOrEqual(call!.receivedAt);
  });

  it('a held answer: the message is posted at once, the answer comes later', async () => {
    slack.state.messages.length = 0;
    slack.faults.holdAnswer('chat.postMessage', 300, { times: 1 });
    const posting = client.chat.postMessage({ channel: 'C0HELD', text: 'held' });
    const deadline = Date.now() + 250;
    while (slack.state.messages.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(slack.state.messages.map((message) => message.text)).toEqual(['held']);
    expect(slack.calls('chat.postMessage')[0]?.answeredAt).toBeNull();
    await expect(posting).resolves.toMatchObject({ ok: true, ts: slack.state.messages[0]!.ts });
  });

  it('retries a 429 after Retry-After with the default client behaviour', async () => {
    const retrying = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    slack.faults.rateLimit('auth.test', { retryAfterSeconds: 1 });
    const started = Date.now();
    await expect(retrying.auth.test()).resolves.toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(slack.calls('auth.test').map((call) => call.status)).toEqual([429, 200]);
  });
});

describe('fake response_url', () => {
  const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it('accepts 5 uses, refuses the 6th, and records every body', async () => {
    const url = slack.newResponseUrl();
    for (let use = 1; use <= 5; use += 1) expect((await post(url, { text: `use ${use}` })).status).toBe(200);
    const sixth = await post(url, { text: 'use 6' });
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
    expect(slack.responseUrlUses(url)).toBe(5);
    expect(slack.responsesTo(url).map((posted) => posted.body.text)).toEqual(['use 1', 'use 2', 'use 3', 'use 4', 'use 5', 'use 6']);
  });

  it('expires after 30 minutes, refuses empty messages and unknown URLs', async () => {
    const url = slack.newResponseUrl();
    expect((await post(url, { response_type: 'ephemeral' })).status).toBe(400);
    const realNow = slack.now;
    slack.now = () => realNow() + RESPONSE_URL_LIFETIME_MS + 1000;
    try {
      expect(await (await post(url, { text: 'late' })).json()).toEqual({ ok: false, error: 'expired_url' });
    } finally {
      slack.now = realNow;
    }
    expect((await post(`${slack.url}/respond/neverminted`, { text: 'x' })).status).toBe(404);
  });

  it('can fail on purpose', async () => {
    const url = slack.newResponseUrl();
    slack.faults.serverError('response_url');
    expect((await post(url, { text: 'x' })).status).toBe(500);
    expect((await post(url, { text: 'x' })).status).toBe(200);
  });
});

describe('fake Socket Mode server', () => {
  it('says hello and collects acks of envelopes', async () => {
    const socket = new WebSocket(slack.socketMode!.url());
    const hello = await new Promise<Record<string, unknown>>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
    expect(hello).toMatchObject({ type: 'hello', connection_info: { app_id: 'A0FAKEAPP' } });
    socket.on('message', (data) => {
      const envelope = JSON.parse(String(data)) as { envelope_id: string; accepts_response_payload: boolean };
      socket.send(JSON.stringify({ envelope_id: envelope.envelope_id, payload: { accepted: envelope.accepts_response_payload } }));
    });
    const ack = await slack.socketMode!.send('slash_commands', { command: '/aws-root-check' });
    expect(ack.payload).toEqual({ accepted: true });
    socket.close();
  });
});
