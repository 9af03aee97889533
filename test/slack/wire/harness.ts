// A Bolt app built by createSlackApp, talking to the fake Slack, with its pino output captured.
import type { App } from '@slack/bolt';
import { vi } from 'vitest';
import type { SlackConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import type { PostureReport } from '../../../src/posture/model.js';
import { createAuthorizer, createSlackApp, startSlackApp, type Authorizer, type CreateSlackAppOptions, type SlackDeps } from '../../../src/slack/index.js';
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from '../../fakes/slack/index.js';
import { typicalReport } from '../report-fixture.js';

export const SIGNING_SECRET = 'a3f8e1b2c4d5e6f708192a3b4c5d6e7f';

export interface Harness {
  slack: FakeSlack;
  app: App;
  config: SlackConfig;
  /** http://127.0.0.1:PORT/slack/events (HTTP mode). */
  eventsUrl: string;
  runPosture: ReturnType<typeof vi.fn<() => Promise<PostureReport>>>;
  /** Replace who is allowed, as ALLOWED_USERS / ALLOWED_USERGROUPS would. */
  allow(users: string[], usergroups?: string[]): void;
  logLines: string[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  mode?: SlackConfig['mode'];
  fake?: FakeSlackOptions;
  app?: Omit<CreateSlackAppOptions, 'clientOptions'>;
  deps?: Partial<SlackDeps>;
  /** A fake Slack another harness started (two replicas of one app); it stays open when this harness closes. */
  sharedSlack?: FakeSlack;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const mode = options.mode ?? 'http';
  const slack = options.sharedSlack ?? (await startFakeSlack({ ...options.fake, socketMode: mode === 'socket' }));
  const logLines: string[] = [];
  const logger = createLogger({ level: 'debug', secretValues: [slack.botToken, slack.appToken, SIGNING_SECRET], destination: { write: (line: string) => void logLines.push(line) } });
  const runPosture = vi.fn<() => Promise<PostureReport>>(async () => typicalReport());
  let current: Authorizer = createAuthorizer({ allowedUserIds: [], allowedUsergroupIds: [] });
  const config: SlackConfig = {
    mode,
    botToken: slack.botToken,
    signingSecret: mode === 'http' ? SIGNING_SECRET : null,
    appToken: mode === 'socket' ? slack.appToken : null,
    port: 0,
    apiUrl: slack.apiUrl,
    allowedUserIds: [],
    allowedUsergroupIds: [],
    allowedResponderUserIds: [],
    allowedResponderUsergroupIds: [],
  };
  const app = createSlackApp(
    config,
    // Reuse and cooldown off by default: most wire tests count one run per request; the coalescing test turns them on.
    { logger, runPosture, authorizer: { authorize: (userId, directory) => current.authorize(userId, directory) }, postureRunLimits: { reuseWithinMs: 0, userCooldownMs: 0 }, ...options.deps },
    { processBeforeResponse: true, ...options.app, clientOptions: { retryConfig: { retries: 0 } } },
  );
  const started = await startSlackApp(app, config, { port: 0, host: '127.0.0.1' });
  return {
    slack,
    app,
    config,
    eventsUrl: `http://127.0.0.1:${started.port}/slack/events`,
    runPosture,
    allow(users, usergroups = []) {
      current = createAuthorizer({ allowedUserIds: users, allowedUsergroupIds: usergroups, logger });
    },
    logLines,
    async close() {
      await app.stop();
      if (!options.sharedSlack) await slack.close();
    },
  };
}

/** Every string in a response body's blocks, to assert on what a user sees. */
export function blockText(body: Record<string, unknown>): string {
  return JSON.stringify(body.blocks ?? []);
}
