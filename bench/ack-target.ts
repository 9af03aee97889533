// The app under test for bench/ack-latency.ts, in its own process so the load generator and the fake Slack
// do not share its event loop. Usage: ack-target.ts bare|bare-help|bot|bot-ack-only|bot-help SLACK_API_URL BOT_TOKEN SIGNING_SECRET;
// prints the port. `bare-help` acks with the bot's usage message (rendered once), `bot-help` is the bot at the
// production log level (info, written to /dev/null as it would be to stdout), for `/aws-root-check help`.
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, LogLevel } from '@slack/bolt';
import { pino } from 'pino';
import type { SlackConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { createAuthorizer, createSlackApp, startSlackApp } from '../src/slack/index.js';
import { renderUsage } from '../src/slack/blocks/index.js';
import { openSqliteStore } from '../src/store/index.js';
import { typicalReport } from '../test/slack/report-fixture.js';

const [kind, apiUrl, botToken, signingSecret] = process.argv.slice(2) as [string, string, string, string];

async function startBare(): Promise<number> {
  const app = new App({ token: botToken, signingSecret, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: apiUrl } });
  const usage = kind === 'bare-help' ? { response_type: 'ephemeral' as const, ...renderUsage({ command: '/aws-root-check' }) } : null;
  app.command('/aws-root-check', async ({ ack }) => {
    await (usage ? ack(usage) : ack());
  });
  const server = await app.start({ port: 0, host: '127.0.0.1' });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

async function startBot(): Promise<number> {
  const config: SlackConfig = { mode: 'http', botToken, signingSecret, appToken: null, port: 0, apiUrl, allowedUserIds: [], allowedUsergroupIds: [], allowedResponderUserIds: [], allowedResponderUsergroupIds: [] };
  const logger =
    kind === 'bot-help'
      ? createLogger({ level: 'info', secretValues: [signingSecret], destination: pino.destination({ fd: openSync('/dev/null', 'w'), sync: false }) })
      : createLogger({ level: 'error', secretValues: [signingSecret], destination: { write: () => undefined } });
  // As in production: the replay guard remembers through the store (the requests of one event-loop turn inserted in
  // one transaction on its own synchronous=NORMAL connection, WAL).
  const dataDir = mkdtempSync(join(tmpdir(), 'arg-ack-target-'));
  const store = openSqliteStore({ dataDir });
  process.on('exit', async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const app = createSlackApp(config, {
    logger,
    seenSignatures: store.seenSignatures,
    authorizer: createAuthorizer({ allowedUserIds: [], allowedUsergroupIds: [] }),
    // The posture itself is measured elsewhere: a short wait stands for the AWS calls that follow the ack.
    // `bot-ack-only` never finishes the run, so no report is delivered: what is left is the ack path alone.
    runPosture: async () => {
      await new Promise((resolve) => setTimeout(resolve, kind === 'bot-ack-only' ? 2 ** 31 - 1 : 20));
      return typicalReport();
    },
  });
  const started = await startSlackApp(app, config, { port: 0, host: '127.0.0.1' });
  return started.port ?? 0;
}

const port = kind === 'bare' || kind === 'bare-help' ? await startBare() : await startBot();
// The never-finishing runs of bot-ack-only must not keep the process alive once the parent stops it.
process.on('SIGTERM', () => process.exit(0));
process.stdout.write(`${port}\n`);
