// Issue 10, "Unbounded posture runs": 200 concurrent /aws-root-check commands and 300 "Run again" presses, real
// signed requests through the Bolt HTTP receiver, the posture run against the fake AWS (each call slowed down, so
// runs overlap): the AWS calls the fake counts show how many runs actually happened.
import { describe, expect, test } from 'vitest';
import { assessAccount } from '../../../src/posture/index.js';
import { blockActionsPayload, signedInteraction, signedSlashCommand, slashCommandFields } from '../../fakes/slack/index.js';
import { useFakeAws } from '../../support/fake-aws.js';
import { SIGNING_SECRET, startHarness } from './harness.js';

const aws = useFakeAws();
const POSTURE = { rootUsedFailDays: 1, rootUsedWarnDays: 90, credentialReportMaxAgeHours: 4 };

describe('posture runs under a flood of requests', () => {
  test('200 commands and 300 Run again presses from 50 users start one posture run; everyone gets the report', async () => {
    // One posture run against the fake AWS, alone, to know what one run costs.
    await assessAccount(aws.clients, POSTURE, { credentialReportPolling: { initialDelayMs: 5 } });
    const callsPerRun = aws.fake.requests.length;
    expect(callsPerRun).toBeGreaterThan(5);
    aws.fake.requests.length = 0;
    aws.fake.latencyMs = 50;

    const harness = await startHarness({
      app: { processBeforeResponse: false },
      deps: {
        runPosture: () => assessAccount(aws.clients, POSTURE, { credentialReportPolling: { initialDelayMs: 5 } }),
        // Production limits, not the harness's.
        postureRunLimits: { reuseWithinMs: 60_000, userCooldownMs: 30_000, maxInFlight: 8 },
      },
    });
    try {
      const responseUrls: string[] = [];
      const requests: Array<Promise<{ status: number }>> = [];
      for (let index = 0; index < 500; index += 1) {
        const responseUrl = harness.slack.newResponseUrl();
        responseUrls.push(responseUrl);
        const userId = `U0USER${index % 50}`;
        requests.push(
          index % 5 < 2
            ? signedSlashCommand(harness.eventsUrl, SIGNING_SECRET, slashCommandFields({ responseUrl, userId }))
            : signedInteraction(harness.eventsUrl, SIGNING_SECRET, blockActionsPayload({ responseUrl, actionId: 'posture_run_again', value: 'run_again', userId })),
        );
      }
      const answers = await Promise.all(requests);
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      // Every request gets its report (acked first, delivered after the shared run).
      await expect.poll(() => responseUrls.filter((url) => harness.slack.responsesTo(url).some((post) => String(post.body.text).startsWith('AWS root posture for'))).length, { timeout: 30_000, interval: 100 }).toBe(500);
      // One run's worth of AWS calls, not 500 runs' worth.
      expect(aws.fake.requests.length).toBe(callsPerRun);
    } finally {
      await harness.close();
    }
  }, 60_000);
});
