// Socket Mode end to end: apps.connections.open on the fake Web API (with the xapp- token), a WebSocket hello,
// a slash_commands envelope acked over the socket, the report on the response_url.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { slashCommandFields, blockActionsPayload } from '../../fakes/slack/index.js';
import { startHarness, type Harness } from './harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ mode: 'socket' });
  await harness.slack.socketMode!.waitForConnection();
});
afterAll(() => harness.close());

it('connects with the app token through the configured API URL', () => {
  expect(harness.slack.calls('apps.connections.open')[0]).toMatchObject({ tokenKind: 'app', status: 200 });
});

it('acks a slash command envelope over the socket and delivers the report', async () => {
  const responseUrl = harness.slack.newResponseUrl();
  const ack = await harness.slack.socketMode!.send('slash_commands', slashCommandFields({ responseUrl, text: 'public' }));
  expect(ack.envelope_id).toEqual(expect.any(String));
  await vi.waitFor(() => expect(harness.slack.responsesTo(responseUrl)).toHaveLength(2), { timeout: 5000, interval: 10 });
  const report = harness.slack.responsesTo(responseUrl)[1]!.body;
  expect(report).toMatchObject({ response_type: 'in_channel', text: expect.stringMatching(/^AWS root posture for 123456789012/) });
});

it('handles the Run again button from an interactive envelope', async () => {
  const responseUrl = harness.slack.newResponseUrl();
  await harness.slack.socketMode!.send('interactive', blockActionsPayload({ responseUrl, actionId: 'posture_run_again' }));
  await vi.waitFor(() => expect(harness.slack.responsesTo(responseUrl)).toHaveLength(2), { timeout: 5000, interval: 10 });
  expect(harness.slack.responsesTo(responseUrl)[1]!.body).toMatchObject({ replace_original: true });
});
