// Every button goes through one Bolt listener that routes by action_id (listeners/actions/index.ts), and the work
// after an ack runs apart from Bolt's handling of the request (after-ack.ts). Production settings: processBeforeResponse
// false, so Bolt's processEvent ends at the ack.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { PostureReport } from '../../../src/posture/model.js';
import { POSTURE_RUN_AGAIN_ACTION_ID } from '../../../src/slack/listeners/actions/index.js';
import { blockActionsPayload, signedInteraction, signedSlashCommand, slashCommandFields } from '../../fakes/slack/index.js';
import { typicalReport } from '../report-fixture.js';
import { SIGNING_SECRET, startHarness, type Harness } from './harness.js';

let harness: Harness;
/** How many of Bolt's processEvent calls are still pending. */
let pendingInBolt = 0;
beforeAll(async () => {
  harness = await startHarness({ app: { processBeforeResponse: false } });
  const processEvent = harness.app.processEvent.bind(harness.app);
  harness.app.processEvent = async (event) => {
    pendingInBolt += 1;
    try {
      return await processEvent(event);
    } finally {
      pendingInBolt -= 1;
    }
  };
});
afterAll(() => harness.close());

it('a button no listener knows (a link button) is acknowledged at once and nothing runs', async () => {
  const responseUrl = harness.slack.newResponseUrl();
  const started = performance.now();
  const answer = await signedInteraction(harness.eventsUrl, SIGNING_SECRET, blockActionsPayload({ actionId: 'open_in_cloudtrail_console', responseUrl }));
  expect(answer.status).toBe(200);
  // Bolt's own answer for an unhandled request comes after its 3 s timeout.
  expect(performance.now() - started).toBeLessThan(2000);
  await vi.waitFor(() => expect(harness.logLines.some((line) => line.includes('"actionId":"open_in_cloudtrail_console"') && line.includes('block action with no listener'))).toBe(true));
  expect(harness.runPosture).not.toHaveBeenCalled();
  expect(harness.slack.responsesTo(responseUrl)).toHaveLength(0);
});

it('a known button is routed to its listener', async () => {
  const responseUrl = harness.slack.newResponseUrl();
  const answer = await signedInteraction(harness.eventsUrl, SIGNING_SECRET, blockActionsPayload({ actionId: POSTURE_RUN_AGAIN_ACTION_ID, responseUrl }));
  expect(answer.status).toBe(200);
  await vi.waitFor(() => expect(harness.slack.responsesTo(responseUrl).some((post) => String(post.body.text).startsWith('AWS root posture'))).toBe(true), { timeout: 5000, interval: 10 });
  expect(harness.runPosture).toHaveBeenCalledTimes(1);
});

it("Bolt's handling of a command ends at the ack while its posture run is still going", async () => {
  let finishRun: (report: PostureReport) => void = () => {};
  harness.runPosture.mockImplementationOnce(() => new Promise<PostureReport>((resolve) => (finishRun = resolve)));
  const responseUrl = harness.slack.newResponseUrl();
  const answer = await signedSlashCommand(harness.eventsUrl, SIGNING_SECRET, slashCommandFields({ responseUrl }));
  expect(answer.status).toBe(200);
  await vi.waitFor(() => expect(harness.runPosture).toHaveBeenCalledTimes(2));
  // The run is pending, and Bolt holds nothing of the request any more.
  await vi.waitFor(() => expect(pendingInBolt).toBe(0));
  expect(harness.slack.responsesTo(responseUrl).some((post) => String(post.body.text).startsWith('AWS root posture'))).toBe(false);
  finishRun(typicalReport());
  await vi.waitFor(() => expect(harness.slack.responsesTo(responseUrl).some((post) => String(post.body.text).startsWith('AWS root posture'))).toBe(true), { timeout: 5000, interval: 10 });
});
