// Production settings (processBeforeResponse false): Slack gets its HTTP 200 while the posture is still running,
// and the report follows on the response_url.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { PostureReport } from '../../../src/posture/model.js';
import { signedSlashCommand, slashCommandFields } from '../../fakes/slack/index.js';
import { typicalReport } from '../report-fixture.js';
import { SIGNING_SECRET, startHarness, type Harness } from './harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ app: { processBeforeResponse: false } });
});
afterAll(() => harness.close());

it('acks before the posture run finishes', async () => {
  let finishRun: (report: PostureReport) => void = () => {};
  harness.runPosture.mockImplementation(() => new Promise<PostureReport>((resolve) => (finishRun = resolve)));
  const responseUrl = harness.slack.newResponseUrl();

  const answer = await signedSlashCommand(harness.eventsUrl, SIGNING_SECRET, slashCommandFields({ responseUrl }));
  expect(answer.status).toBe(200);
  expect(answer.body).toBe('');
  // The HTTP answer is back and the run is still pending: no report yet.
  await vi.waitFor(() => expect(harness.runPosture).toHaveBeenCalledTimes(1));
  expect(harness.slack.responsesTo(responseUrl).some((post) => String(post.body.text).startsWith('AWS root posture'))).toBe(false);

  finishRun(typicalReport());
  await vi.waitFor(() => expect(harness.slack.responsesTo(responseUrl)).toHaveLength(2), { timeout: 5000, interval: 10 });
  expect(harness.slack.responsesTo(responseUrl)[1]!.body.text).toMatch(/^AWS root posture for 123456789012/);
});
