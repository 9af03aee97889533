// Issue 10, "the work behind the acks is bounded": N concurrent signed /aws-root-check commands through the Bolt
// HTTP receiver (production settings: ack first), one coalesced posture run, and the reports held in the delivery
// queue until the acks are out. Every requester still gets the report, on its own response_url, exactly once. The
// same for the answers read from the store: the organization overview, the open alerts and this week's summary.
import { describe, expect, test } from 'vitest';
import { createAlertsService } from '../../../src/alerts/index.js';
import type { PostureReport } from '../../../src/posture/model.js';
import { createAuthorizer } from '../../../src/slack/index.js';
import { openSqliteStore } from '../../../src/store/index.js';
import { buildSummaryOnDemand, storeSummarySources } from '../../../src/summary/index.js';
import { signedSlashCommand, slashCommandFields } from '../../fakes/slack/index.js';
import { organization } from '../overview-fixture.js';
import { typicalReport } from '../report-fixture.js';
import { SIGNING_SECRET, startHarness } from './harness.js';

const COMMANDS = 300;
const isReport = (body: Record<string, unknown>) => String(body.text).startsWith('AWS root posture for');

describe('reports delivered behind the acks', () => {
  test(`${COMMANDS} concurrent commands: every ack answers before the first report is posted, then all ${COMMANDS} get it`, async () => {
    let runs = 0;
    const harness = await startHarness({
      app: { processBeforeResponse: false },
      deps: {
        runPosture: async (): Promise<PostureReport> => {
          runs += 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
          return typicalReport();
        },
        // As in production without an allowlist: decided without a Slack call, so the running note goes in the ack.
        authorizer: createAuthorizer({ allowedUserIds: [], allowedUsergroupIds: [] }),
        postureRunLimits: { reuseWithinMs: 60_000, userCooldownMs: 30_000, maxInFlight: 8 },
        // A quiet period longer than any gap between these requests on a loaded machine: the order asserted below
        // is the queue's doing, not luck. Production waits 100 ms.
        deliveryLimits: { concurrency: 4, quietMs: 1_500, maxDeferMs: 60_000 },
      },
    });
    try {
      const responseUrls = Array.from({ length: COMMANDS }, () => harness.slack.newResponseUrl());
      const ackedAt: number[] = [];
      const answers = await Promise.all(
        responseUrls.map(async (responseUrl, index) => {
          const answer = await signedSlashCommand(harness.eventsUrl, SIGNING_SECRET, slashCommandFields({ responseUrl, userId: `U0USER${index % 50}` }));
          ackedAt.push(Date.now());
          return answer;
        }),
      );
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      // Each ack carries the running note: no response_url post is needed before the report.
      expect(answers.every((answer) => answer.body.includes('Checking the root user'))).toBe(true);

      await expect.poll(() => responseUrls.filter((url) => harness.slack.responsesTo(url).some((post) => isReport(post.body))).length, { timeout: 60_000, interval: 100 }).toBe(COMMANDS);
      const reportPosts = harness.slack.responseUrlPosts.filter((post) => isReport(post.body));
      // Exactly one report per requester, all accepted by the response_url, none through the fallback.
      expect(reportPosts).toHaveLength(COMMANDS);
      expect(new Set(reportPosts.map((post) => post.id)).size).toBe(COMMANDS);
      expect(reportPosts.every((post) => post.status === 200)).toBe(true);
      expect(harness.slack.calls('chat.postEphemeral')).toHaveLength(0);
      // Acks first: the last ack was answered before the first report reached Slack.
      expect(Math.min(...reportPosts.map((post) => post.receivedAt))).toBeGreaterThanOrEqual(Math.max(...ackedAt));
      // One run served everyone, and everyone got the same message.
      expect(runs).toBe(1);
      expect(new Set(reportPosts.map((post) => JSON.stringify(post.body))).size).toBe(1);
      // Per-request lines are debug; the run is logged at info once.
      const infoLines = harness.logLines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.level === 30);
      expect(infoLines.filter((line) => line.msg === 'posture report ready')).toHaveLength(1);
      expect(infoLines.filter((line) => line.msg === 'posture run requested' || line.msg === 'posture result delivered')).toHaveLength(0);
    } finally {
      await harness.close();
    }
  }, 120_000);

  test('60 concurrent overview, alerts and summary commands: every ack answers before the first answer is posted, then each gets its own once', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const results = organization(143);
    const harness = await startHarness({
      app: { processBeforeResponse: false },
      deps: {
        authorizer: createAuthorizer({ allowedUserIds: [], allowedUsergroupIds: [] }),
        organization: { watchedAccounts: () => results.map((entry) => entry.account), latestResults: async () => results, assessAccount: async () => typicalReport() },
        alerts: { service: createAlertsService({ store, wakeSender: () => undefined, responderGroupId: null }) },
        summary: {
          buildThisWeek: () =>
            buildSummaryOnDemand({ sources: storeSummarySources(store, { watchedAccounts: async () => [], assessFresh: async () => [] }), timezone: 'UTC', now: new Date(), scope: 'this-week' }),
        },
        deliveryLimits: { concurrency: 4, quietMs: 1_500, maxDeferMs: 60_000 },
      },
    });
    try {
      const texts = ['', 'alerts', 'summary'];
      const commands = Array.from({ length: 60 }, (_, index) => ({ text: texts[index % 3]!, responseUrl: harness.slack.newResponseUrl() }));
      const ackedAt: number[] = [];
      const answers = await Promise.all(
        commands.map(async ({ text, responseUrl }, index) => {
          const answer = await signedSlashCommand(harness.eventsUrl, SIGNING_SECRET, slashCommandFields({ responseUrl, text, userId: `U0USER${index}` }));
          ackedAt.push(Date.now());
          return answer;
        }),
      );
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      await expect.poll(() => commands.filter(({ responseUrl }) => harness.slack.responsesTo(responseUrl).length > 0).length, { timeout: 60_000, interval: 100 }).toBe(commands.length);
      const posts = commands.map(({ responseUrl }) => harness.slack.responsesTo(responseUrl));
      expect(posts.every((forOne) => forOne.length === 1 && forOne[0]!.status === 200)).toBe(true);
      // Each kind of command got its kind of answer.
      const textOf = (index: number) => String(posts[index]![0]!.body.text);
      expect(textOf(0)).toMatch(/^Root posture across 143 accounts/);
      expect(textOf(1)).toBe('No open root activity alerts: every alert has been acknowledged.');
      expect(new Set(commands.map((_, index) => textOf(index)).filter((_, index) => index % 3 === 2)).size).toBe(1);
      expect(textOf(2)).not.toBe(textOf(0));
      // Acks first: the last ack was answered before the first answer reached Slack.
      expect(Math.min(...posts.map((forOne) => forOne[0]!.receivedAt))).toBeGreaterThanOrEqual(Math.max(...ackedAt));
    } finally {
      await harness.close();
      await store.close();
    }
  }, 120_000);
});
