// The Bolt app, in HTTP mode (HTTPReceiver at /slack/events, requests checked against the signing secret) or
// Socket Mode (an app-level token), as the config says; the Web API base comes from SLACK_API_URL (GovSlack).
import { App, HTTPReceiver, type CustomRoute, type SocketModeReceiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { SlackConfig } from '../config.js';
import { boltLoggerFrom, boltLogLevel } from './bolt-logger.js';
import { createRunCoordinator } from '../posture/index.js';
import type { ListenerDeps, SlackDeps } from './deps.js';
import { postureRunFor } from './listeners/posture-target.js';
import { errorDetails } from './errors.js';
import { AWS_ROOT_CHECK_COMMAND } from './listeners/commands/index.js';
import { registerListeners } from './listeners/index.js';
import { noRedirectFetch, respondThroughResponseUrl } from './listeners/response-url.js';
import { ReplayGuard, signedRequestHeaders } from './replay-guard.js';
import { awaitedAfterAck, detachedAfterAck } from './after-ack.js';
import { createDeliveryQueue } from './delivery-queue.js';
import { createReportReplies } from './listeners/report-replies.js';
import { ownWorkspaceLookup, requestGate } from './request-gate.js';
import { responseUrlPolicy } from './response-url-policy.js';
import { appIdFromAppToken, ownWorkspaceFrom } from './workspace-identity.js';

/** Where Slack sends HTTP-mode requests (Bolt's default); the manifest's request URLs end with it. */
export const SLACK_EVENTS_PATH = '/slack/events';
const DEFAULT_RUN_TIMEOUT_MS = 5 * 60 * 1000;
/**
 * Bolt buffers a body up to this size before it checks the signature (its default is 4 MB). What Slack sends is far
 * smaller: a block_actions payload carries the whole message (at most 50 blocks of 3000 characters, a few hundred KB
 * form-encoded), a modal submission well under that. Larger is refused with 413 from its Content-Length, unread.
 */
export const SLACK_REQUEST_BODY_LIMIT_BYTES = 1024 * 1024;

export interface CreateSlackAppOptions {
  /**
   * Hold the HTTP answer until the listener's Slack calls are done. Tests only (deterministic wire tests):
   * in production Slack must get the ack within 3 s, before the posture runs.
   */
  processBeforeResponse?: boolean;
  /** A receiver built by the caller (tests: an HTTPReceiver with a short unhandledRequestTimeoutMillis). */
  receiver?: HTTPReceiver | SocketModeReceiver;
  /** Extra Web API client options (tests: retryConfig). `slackApiUrl` always comes from the config. */
  clientOptions?: Omit<WebClientOptions, 'slackApiUrl' | 'logger' | 'logLevel'>;
  /** Extra HTTP routes on the HTTP-mode port (the operations endpoints /healthz, /readyz, /metrics). */
  customRoutes?: CustomRoute[];
}

export class SlackAppConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlackAppConfigError';
  }
}

export function createSlackApp(slack: SlackConfig, deps: SlackDeps, options: CreateSlackAppOptions = {}): App {
  const logger = boltLoggerFrom(deps.logger);
  // Bolt's respond() posts with clientOptions.fetch: no redirects, as for our own responder.
  const clientOptions: WebClientOptions = { fetch: noRedirectFetch, ...options.clientOptions, slackApiUrl: slack.apiUrl };
  // Two of Bolt's global middlewares do nothing for this app and cost every request: the conversation store
  // (context.conversation; its lookup builds an Error for every miss) and ignoreSelf, which only filters Events API
  // events (the app subscribes to none: commands, block actions and view submissions only).
  const common = { token: slack.botToken, logger, logLevel: boltLogLevel(deps.logger.level), clientOptions, convoStore: false as const, ignoreSelf: false };

  let app: App;
  if (slack.mode === 'socket') {
    if (!slack.appToken) throw new SlackAppConfigError('Socket Mode needs SLACK_APP_TOKEN (an xapp- token with connections:write)');
    // Bolt passes clientOptions on to the Socket Mode client, so apps.connections.open also uses slackApiUrl.
    app = new App({ ...common, socketMode: true, appToken: slack.appToken, ...(options.receiver ? { receiver: options.receiver } : {}) });
  } else if (options.receiver) {
    app = new App({ ...common, receiver: options.receiver });
  } else {
    if (!slack.signingSecret) throw new SlackAppConfigError('HTTP mode needs SLACK_SIGNING_SECRET');
    // Built here rather than by App: App does not pass customPropertiesExtractor on, and the replay guard needs it.
    const receiver = new HTTPReceiver({
      signingSecret: slack.signingSecret,
      endpoints: SLACK_EVENTS_PATH,
      processBeforeResponse: options.processBeforeResponse ?? false,
      customPropertiesExtractor: signedRequestHeaders,
      bodyLimit: SLACK_REQUEST_BODY_LIMIT_BYTES,
      ...(options.customRoutes ? { customRoutes: options.customRoutes } : {}),
      logger,
    });
    app = new App({ ...common, receiver });
  }
  if (slack.allowedUserIds.length + slack.allowedUsergroupIds.length === 0) {
    deps.logger.warn(
      { component: 'slack' },
      'ALLOWED_USERS and ALLOWED_USERGROUPS are empty: everyone in the workspace may run /aws-root-check and press the alert buttons' +
        (slack.allowedResponderUserIds.length + slack.allowedResponderUsergroupIds.length === 0 ? ', including Acknowledge (set ALLOWED_RESPONDERS to narrow who may close an alert)' : ''),
    );
  }
  const responseUrls = responseUrlPolicy(slack.apiUrl);
  const ownWorkspace = ownWorkspaceLookup(async () => ownWorkspaceFrom(await app.client.auth.test(), appIdFromAppToken(slack.appToken)));
  const deliveries = createDeliveryQueue(deps.deliveryLimits);
  app.use(requestGate({ replayGuard: new ReplayGuard(deps.seenSignatures), ownWorkspace, responseUrls, deliveries, logger: deps.logger.child({ component: 'request-gate' }) }));
  // Known before the first request, so no request waits for it; a failure here is retried by the first request.
  ownWorkspace.load().catch((error: unknown) => deps.logger.warn({ ...errorDetails(error), component: 'slack' }, 'auth.test failed: requests are refused until the bot knows its workspace'));

  // Listeners catch their own failures; this catches what escapes Bolt's middleware (authorization, parsing).
  app.error(async (error) => {
    deps.logger.error({ ...errorDetails(error), component: 'slack' }, 'unhandled error in the Slack app');
  });

  const secretValues = [...(deps.secretValues ?? []), slack.botToken, slack.signingSecret, slack.appToken].filter((value): value is string => typeof value === 'string' && value.length > 0);
  const listenerDeps: ListenerDeps = {
    ...deps,
    runTimeoutMs: deps.runTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS,
    secretValues,
    command: AWS_ROOT_CHECK_COMMAND,
    postureRuns: deps.postureRuns ?? createRunCoordinator({ ...deps.postureRunLimits, run: postureRunFor(deps) }),
    responder: respondThroughResponseUrl(responseUrls),
    deliveries,
    reportReplies: createReportReplies(secretValues),
    afterAck: options.processBeforeResponse ? awaitedAfterAck : detachedAfterAck(deps.logger),
  };
  registerListeners(app, listenerDeps);
  return app;
}

export interface StartedSlackApp {
  mode: SlackConfig['mode'];
  /** The HTTP port listened on (HTTP mode), or null (Socket Mode). */
  port: number | null;
}

/** Starts the app the way its mode needs: HTTP listens on `slack.port` (or `listen`), Socket Mode connects out. */
export async function startSlackApp(app: App, slack: SlackConfig, listen: { port?: number; host?: string } = {}): Promise<StartedSlackApp> {
  if (slack.mode === 'socket') {
    await app.start();
    return { mode: 'socket', port: null };
  }
  const port = listen.port ?? slack.port;
  const server = await app.start(listen.host ? { port, host: listen.host } : port);
  const address = server.address();
  return { mode: 'http', port: typeof address === 'object' && address !== null ? address.port : port };
}
