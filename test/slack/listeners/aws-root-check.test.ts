// The listener called directly, as Bolt would, with spies for ack and respond and a real WebClient on the fake Slack.
import { WebClient } from '@slack/web-api';
import type { RespondArguments, SlashCommand } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { createRunCoordinator } from '../../../src/posture/index.js';
import type { PostureReport } from '../../../src/posture/model.js';
import type { ListenerDeps } from '../../../src/slack/deps.js';
import { awaitedAfterAck, createAuthorizer, createDeliveryQueue, createReportReplies } from '../../../src/slack/index.js';
import { awsRootCheck } from '../../../src/slack/listeners/commands/index.js';
import { postureRunAgain } from '../../../src/slack/listeners/actions/index.js';
import { blockActionsPayload, slashCommandFields, startFakeSlack, type FakeSlack } from '../../fakes/slack/index.js';
import { typicalReport } from '../report-fixture.js';

let slack: FakeSlack;
let client: WebClient;
beforeAll(async () => {
  slack = await startFakeSlack();
  client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(() => slack.close());

function setup(overrides: Partial<ListenerDeps> = {}) {
  const events: string[] = [];
  const logLines: string[] = [];
  const deps: ListenerDeps = {
    logger: createLogger({ level: 'info', secretValues: [], destination: { write: (line: string) => void logLines.push(line) } }),
    runPosture: vi.fn(async () => {
      events.push('runPosture');
      return typicalReport();
    }),
    authorizer: createAuthorizer({ allowedUserIds: [], allowedUsergroupIds: [] }),
    runTimeoutMs: 1000,
    secretValues: ['super-secret-value-123'],
    command: '/aws-root-check',
    postureRuns: createRunCoordinator({ reuseWithinMs: 0, userCooldownMs: 0, run: () => deps.runPosture() }),
    deliveries: createDeliveryQueue(),
    reportReplies: createReportReplies(['super-secret-value-123']),
    // Called directly, the listener returns when its work after the ack is done, as under processBeforeResponse.
    afterAck: awaitedAfterAck,
    ...overrides,
  };
  const ack = vi.fn(async () => void events.push('ack'));
  const responses: RespondArguments[] = [];
  const respond = vi.fn(async (message: string | RespondArguments) => {
    const body = typeof message === 'string' ? { text: message } : message;
    responses.push(body);
    events.push(`respond:${String(body.text).slice(0, 20)}`);
    return new Response('{"ok":true}');
  });
  return { deps, ack, respond, responses, events, logLines };
}

const slashCommand = (text: string) => slashCommandFields({ responseUrl: 'https://hooks.slack.com/commands/T0/1/x', text }) as unknown as SlashCommand;

describe('awsRootCheck listener', () => {
  it('acks first with the running note in the ack itself, then runs the posture, then delivers the report', async () => {
    const { deps, ack, respond, responses, events } = setup();
    await awsRootCheck(deps)({ command: slashCommand(''), ack, respond, client });
    expect(events).toEqual(['ack', 'runPosture', 'respond:AWS root posture for']);
    expect(ack).toHaveBeenCalledWith(expect.objectContaining({ response_type: 'ephemeral', text: expect.stringMatching(/^Checking the root user/) }));
    expect(responses[0]).toMatchObject({ response_type: 'ephemeral' });
  });

  it('acks empty and says it is running through the response_url when the user group must be looked up', async () => {
    slack.state.usergroups.set('S0SECOPS', ['U0ALICE']);
    const { deps, ack, respond, events } = setup({ authorizer: createAuthorizer({ allowedUserIds: [], allowedUsergroupIds: ['S0SECOPS'] }) });
    await awsRootCheck(deps)({ command: slashCommand(''), ack, respond, client });
    expect(ack).toHaveBeenCalledWith();
    // The run is asked for at once (so it joins a run in flight); the running note still lands before the report.
    expect(events.filter((event) => event.startsWith('respond:'))).toEqual(['respond:Checking the root us', 'respond:AWS root posture for']);
    expect(events[0]).toBe('ack');
    expect(events.filter((event) => event === 'runPosture')).toHaveLength(1);
  });

  it('answers usage and a known refusal inside the ack, with no response_url post', async () => {
    const { deps, ack, respond } = setup({ authorizer: createAuthorizer({ allowedUserIds: ['U0BOB'], allowedUsergroupIds: [] }) });
    await awsRootCheck(deps)({ command: slashCommand('frobnicate'), ack, respond, client });
    expect(ack).toHaveBeenLastCalledWith(expect.objectContaining({ text: expect.stringContaining('frobnicate') }));
    await awsRootCheck(deps)({ command: slashCommand(''), ack, respond, client });
    expect(ack).toHaveBeenLastCalledWith(expect.objectContaining({ response_type: 'ephemeral', text: expect.stringMatching(/not allowed|allowlist|permission/i) }));
    expect(respond).not.toHaveBeenCalled();
    expect(deps.runPosture).not.toHaveBeenCalled();
  });

  it('masks known secret values in what it posts', async () => {
    const report: PostureReport = typicalReport();
    report.findings[0]!.evidence = 'found super-secret-value-123 in a tag';
    const { deps, ack, respond, responses } = setup({ runPosture: async () => report });
    await awsRootCheck(deps)({ command: slashCommand(''), ack, respond, client });
    expect(JSON.stringify(responses)).not.toContain('super-secret-value-123');
    expect(JSON.stringify((responses[0] as { blocks?: unknown }).blocks)).toContain('found [REDACTED] in a tag');
  });

  it('gives up a run that exceeds the timeout and says so', async () => {
    const { deps, ack, respond, responses } = setup({ runPosture: () => new Promise<PostureReport>(() => {}), runTimeoutMs: 50 });
    await awsRootCheck(deps)({ command: slashCommand(''), ack, respond, client });
    expect(responses.at(-1)!.text).toBe('The AWS root posture check failed: The check took longer than 1 second and was given up: AWS may be slow or throttling. Try again later.');
  });

  it('never throws at Bolt when respond fails and there is no channel to fall back to', async () => {
    const { deps, ack, logLines } = setup();
    const respond = vi.fn(async () => {
      throw new Error('Failed to respond to the response_url: 404 Not Found');
    });
    const command = { ...slashCommand(''), channel_id: '' } as SlashCommand;
    await expect(awsRootCheck(deps)({ command, ack, respond, client })).resolves.toBeUndefined();
    expect(logLines.join('')).toContain('could not deliver: no response_url and no channel');
  });
});

describe('postureRunAgain listener', () => {
  it('acks, then replaces the original ephemeral message with running, then with the report', async () => {
    const { deps, ack, respond, responses, events } = setup();
    const body = blockActionsPayload({ responseUrl: 'https://hooks.slack.com/actions/T0/1/x', actionId: 'posture_run_again', isEphemeral: true });
    await postureRunAgain(deps)({ ack, respond, client, body: body as never });
    expect(events[0]).toBe('ack');
    expect(responses.map((response) => response.replace_original)).toEqual([true, true]);
    expect(responses[1]!.text).toMatch(/^AWS root posture for 123456789012/);
  });
});
