// Shared pieces of the alert tests: root events made by the real classifier from the real-format CloudTrail
// fixtures, a real SQLite store seeded through commitBatch, and a Bolt app (createSlackApp, HTTP receiver,
// processBeforeResponse) wired to that store and to the outbox sender, both talking to the fake Slack.
import { classifyRecord } from '../../../src/activity/index.js';
import type { IngestedRootEvent } from '../../../src/activity/ingest.js';
import type { RootEvent } from '../../../src/activity/model.js';
import { createAlertsService, createOutboxSender, createSenderWebClient, webClientMessenger, type OutboxSender } from '../../../src/alerts/index.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/index.js';
import { createAuthorizer, createOutboxRenderer, type Authorizer } from '../../../src/slack/index.js';
import { blockActionsPayload, signedInteraction, type FakeSlack, type PostedMessage } from '../../fakes/slack/index.js';
import { fixtureRecord } from '../../fixtures/cloudtrail/load.js';
import { capturingLogger } from '../../store/helpers.js';
import { SIGNING_SECRET, startHarness, type Harness } from '../wire/harness.js';

export const ALERT_CHANNEL = 'C0ALERTS01';
export const RESPONDER_GROUP = 'S0ONCALL01';

/** A fixture record as polled: classified by the real classifier, with the record kept raw. */
export function polledFixture(name: string, overrides: Record<string, unknown> = {}): IngestedRootEvent {
  const record = { ...fixtureRecord(name), ...overrides };
  const classification = classifyRecord(record);
  if (!classification.alert) throw new Error(`fixture ${name} does not classify as root activity`);
  return { event: classification.event, rawRecord: JSON.stringify(record) };
}

/** Commits events as one poll batch, as the poller does. */
export async function commit(store: SqliteStore, polled: readonly IngestedRootEvent[]): Promise<void> {
  const first = polled[0];
  if (!first) return;
  await store.commitBatch({ accountId: first.event.accountId, region: first.event.region, cursor: new Date().toISOString(), events: [...polled], malformedCount: 0 });
}

/** `count` calls of one root session (same access key), a second apart, from one fixture. */
export function sessionCalls(count: number, startIso = '2024-06-03T05:00:00Z'): IngestedRootEvent[] {
  return Array.from({ length: count }, (_, index) =>
    polledFixture('root-api-call-access-key', {
      eventID: `5e55104-0000-4000-8000-${String(index).padStart(12, '0')}`,
      eventTime: new Date(Date.parse(startIso) + index * 1000).toISOString().replace('.000Z', 'Z'),
      eventName: index % 3 === 0 ? 'RunInstances' : index % 3 === 1 ? 'DescribeInstances' : 'TerminateInstances',
      ...(index % 50 === 49 ? { errorCode: 'Client.UnauthorizedOperation', errorMessage: 'You are not authorized to perform this operation.' } : {}),
    }),
  );
}

export interface AlertHarness {
  harness: Harness;
  slack: FakeSlack;
  store: SqliteStore;
  sender: OutboxSender;
  /** How many times a listener woke the sender. */
  wakes: () => number;
  logLines: string[];
  /** Sends everything the outbox holds (as the running sender would after a wake). */
  flush(): Promise<void>;
  /** The alert's top-level message in the fake Slack. */
  alertPost(alertId: number): Promise<PostedMessage>;
  /** A signed click on one of the alert message's buttons; resolves when Bolt answered (listener done). */
  press(actionId: string, alertId: number, userId: string, responseUrl?: string): Promise<{ status: number; responseUrl: string }>;
  close(): Promise<void>;
}

export interface AlertHarnessOptions {
  /** The store: given (e.g. a second handle on a shared file), or a fresh in-memory one. */
  store?: SqliteStore;
  responderGroupId?: string | null;
  allowedUserIds?: string[];
  /** Use this authorizer instead of the harness's swappable one. */
  authorizer?: Authorizer;
  /** ALLOWED_RESPONDERS: who may acknowledge or take an alert for investigation. */
  responderAuthorizer?: Authorizer;
  accountAlias?: (accountId: string) => string | null;
}

export async function startAlertHarness(options: AlertHarnessOptions = {}): Promise<AlertHarness> {
  const store = options.store ?? openSqliteStore({ path: ':memory:' });
  let wakes = 0;
  const harness = await startHarness({
    deps: {
      alerts: {
        service: createAlertsService({
          store,
          wakeSender: () => {
            wakes += 1;
          },
          responderGroupId: options.responderGroupId === undefined ? RESPONDER_GROUP : options.responderGroupId,
        }),
        ...(options.accountAlias ? { accountAlias: options.accountAlias } : {}),
        ...(options.responderAuthorizer ? { responderAuthorizer: options.responderAuthorizer } : {}),
      },
      ...(options.authorizer ? { authorizer: options.authorizer } : {}),
    },
  });
  harness.allow(options.allowedUserIds ?? ['U0ALICE', 'U0BOB']);
  const { logger } = capturingLogger();
  const sender = createOutboxSender({
    store,
    messenger: webClientMessenger(createSenderWebClient({ token: harness.slack.botToken, slackApiUrl: harness.slack.apiUrl })),
    render: createOutboxRenderer(options.accountAlias ? { accountAlias: options.accountAlias } : {}),
    defaultChannel: ALERT_CHANNEL,
    logger,
    channelIntervalMs: 0,
  });
  const alertPost = async (alertId: number): Promise<PostedMessage> => {
    const post = (await store.getAlert(alertId))?.post;
    const message = post && harness.slack.state.messages.find((posted) => posted.channel === post.channel && posted.ts === post.ts);
    if (!message) throw new Error(`alert ${alertId} is not posted in the fake Slack`);
    return message;
  };
  return {
    harness,
    slack: harness.slack,
    store,
    sender,
    wakes: () => wakes,
    logLines: harness.logLines,
    async flush() {
      for (let pass = 0; pass < 5; pass++) {
        const result = await sender.sendDue();
        if (result.sent === 0 && result.retried === 0) return;
      }
    },
    alertPost,
    async press(actionId, alertId, userId, responseUrl = harness.slack.newResponseUrl()) {
      const post = await alertPost(alertId);
      const payload = blockActionsPayload({
        responseUrl,
        actionId,
        value: String(alertId),
        blockId: `alert_actions_${alertId}`,
        userId,
        channelId: post.channel,
        isEphemeral: false,
        messageTs: post.ts,
        message: { type: 'message', subtype: 'bot_message', text: post.text, ts: post.ts, bot_id: harness.slack.state.bot.botId, blocks: post.blocks },
      });
      const answer = await signedInteraction(harness.eventsUrl, SIGNING_SECRET, payload);
      return { status: answer.status, responseUrl };
    },
    async close() {
      await sender.stop();
      await harness.close();
      if (!options.store) await store.close();
    },
  };
}

/** A view_submission payload for a modal the bot opened (Slack's "view_submission payload" shape). */
export function viewSubmissionPayload(opened: { id: string; view: Record<string, unknown> }, userId: string, values: Record<string, Record<string, { type: string; value: string | null }>>): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: 'T0FAKETEAM', domain: 'fake-workspace' },
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: 'T0FAKETEAM' },
    api_app_id: 'A0FAKEAPP',
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    trigger_id: '13345224609.738474920.8088930838d88f008e2',
    view: {
      id: opened.id,
      team_id: 'T0FAKETEAM',
      type: 'modal',
      blocks: opened.view.blocks,
      private_metadata: opened.view.private_metadata,
      callback_id: opened.view.callback_id,
      state: { values },
      hash: '1717320000.abcdef12',
      title: opened.view.title,
      clear_on_close: false,
      notify_on_close: false,
      close: opened.view.close,
      submit: opened.view.submit,
      previous_view_id: null,
      root_view_id: opened.id,
      app_id: 'A0FAKEAPP',
      external_id: '',
      app_installed_team_id: 'T0FAKETEAM',
      bot_id: 'B0FAKEBOT',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** The reason input's value, as Slack reports a plain_text_input in view.state.values. */
export function reasonValues(reason: string | null): Record<string, Record<string, { type: string; value: string | null }>> {
  return { reason: { reason_input: { type: 'plain_text_input', value: reason } } };
}

export async function submitView(harness: Harness, payload: Record<string, unknown>): Promise<{ status: number; body: string }> {
  return signedInteraction(harness.eventsUrl, SIGNING_SECRET, payload);
}

/** Every string a message shows (text and blocks). */
export function shown(message: { text?: string | null; blocks?: unknown } | undefined): string {
  return message ? `${message.text ?? ''}\n${JSON.stringify(message.blocks ?? [])}` : '';
}

export function events(polled: readonly IngestedRootEvent[]): RootEvent[] {
  return polled.map((item) => item.event);
}

export { createAuthorizer };
