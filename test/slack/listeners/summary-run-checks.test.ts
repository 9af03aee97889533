import { createRunCoordinator } from '../../../src/posture/index.js';
// "Run checks now" under the weekly summary: a private report for the presser, the summary left as it is.
import type { RespondArguments } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/log.js';
import type { ListenerDeps } from '../../../src/slack/deps.js';
import { awaitedAfterAck, createAuthorizer, createDeliveryQueue, createReportReplies } from '../../../src/slack/index.js';
import { summaryRunChecks } from '../../../src/slack/listeners/actions/summary-run-checks.js';
import { blockActionsPayload, startFakeSlack, type FakeSlack } from '../../fakes/slack/index.js';
import { typicalReport } from '../report-fixture.js';

let slack: FakeSlack;
let client: WebClient;
beforeAll(async () => {
  slack = await startFakeSlack();
  client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(() => slack.close());

function deps(allowed: string[]): ListenerDeps {
  const runPosture = vi.fn(async () => typicalReport());
  return {
    logger: createLogger({ level: 'silent', secretValues: [] }),
    runPosture,
    authorizer: createAuthorizer({ allowedUserIds: allowed, allowedUsergroupIds: [] }),
    runTimeoutMs: 1000,
    secretValues: [],
    command: '/aws-root-check',
    postureRuns: createRunCoordinator({ reuseWithinMs: 0, userCooldownMs: 0, run: () => runPosture() }),
    deliveries: createDeliveryQueue(),
    reportReplies: createReportReplies([]),
    // Called directly, the listener returns when its work after the ack is done, as under processBeforeResponse.
    afterAck: awaitedAfterAck,
  };
}

describe('summaryRunChecks', () => {
  it('runs the posture and answers the presser privately, never replacing the summary', async () => {
    const listenerDeps = deps([]);
    const responses: RespondArguments[] = [];
    const respond = vi.fn(async (message: string | RespondArguments) => void responses.push(typeof message === 'string' ? { text: message } : message));
    const body = blockActionsPayload({ responseUrl: 'https://hooks.slack.com/actions/T0/1/x', actionId: 'summary_run_checks', value: '2026-W48', isEphemeral: false });
    await summaryRunChecks(listenerDeps)({ ack: vi.fn(async () => undefined), respond: respond as never, client, body: body as never });
    expect(listenerDeps.runPosture).toHaveBeenCalledTimes(1);
    expect(responses.every((response) => response.replace_original !== true)).toBe(true);
    expect(responses.at(-1)).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^AWS root posture for/) });
  });

  it('refuses a user outside the allowlist and runs nothing', async () => {
    const listenerDeps = deps(['U0BOB']);
    const respond = vi.fn(async () => undefined);
    const body = blockActionsPayload({ responseUrl: 'https://hooks.slack.com/actions/T0/1/x', actionId: 'summary_run_checks', userId: 'U0ALICE', isEphemeral: false });
    await summaryRunChecks(listenerDeps)({ ack: vi.fn(async () => undefined), respond: respond as never, client, body: body as never });
    expect(listenerDeps.runPosture).not.toHaveBeenCalled();
    expect(respond).toHaveBeenCalledWith(expect.objectContaining({ response_type: 'ephemeral', text: expect.stringContaining('not allowed') }));
  });
});
