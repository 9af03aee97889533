// Composition root: config -> logger -> store -> AWS -> Slack app -> sender -> activity sources -> schedules, wired once;
// graceful shutdown stops them in the reverse order.
import cron from 'node-cron';
import { loadServeConfig, type Env, type ServeConfig } from './config.js';
import { createLogger, secretValuesFromEnv, type Logger } from './log.js';
import { createAwsClients, describeFatalAwsError } from './aws/index.js';
import { assessAccount, watchedAccountsAssessment } from './posture/index.js';
import { createCloudTrailPollerSource, type ActivitySource } from './activity/index.js';
import { openSqliteStore } from './store/index.js';
import { createOutboxSender, createSenderWebClient, enqueueDueReminders, webClientMessenger } from './alerts/index.js';
import { buildSummaryOnDemand, runWeeklySummary, startWeeklySummarySchedule, storeSummaryLedger, storeSummarySources } from './summary/index.js';
import { createAuthorizer, createOutboxRenderer, createSlackApp, ledgerRecord, startSlackApp } from './slack/index.js';
import { writeHeartbeat } from './heartbeat.js';
import { countAwsErrors, countSlackErrors, createBotMetrics, recordPollPass, timedPostureRun, type BotMetrics } from './metrics/index.js';

const HEARTBEAT_INTERVAL_MS = 30_000;
const REMINDER_SCHEDULE = '* * * * *';

export interface RunningBot {
  config: ServeConfig;
  logger: Logger;
  /** The Prometheus registry and counters (also served at /metrics). */
  metrics: BotMetrics;
  /** The HTTP port (HTTP mode) or null (Socket Mode). */
  port: number | null;
  stop(): Promise<void>;
}

export interface StartBotOptions {
  /** Listen address override (tests: port 0 on 127.0.0.1). */
  listen?: { port?: number; host?: string };
  logger?: Logger;
}

export async function startBot(env: Env, options: StartBotOptions = {}): Promise<RunningBot> {
  const config = loadServeConfig(env);
  const secretValues = secretValuesFromEnv(env);
  const logger = options.logger ?? createLogger({ level: config.logLevel, secretValues });
  const alertChannel = config.alerts.alertChannel!;

  const store = openSqliteStore({ dataDir: config.dataDir }, { grouping: { sessionWindowMinutes: config.alerts.groupWindowMinutes } });
  const metrics = createBotMetrics({ store });
  const aws = createAwsClients({ region: config.aws.region, onClient: countAwsErrors(metrics) });
  // The poller's own clients: one attempt each, every retry goes through its 2-requests-per-second limiter.
  const pollerAws = createAwsClients({ region: config.aws.region, maxAttempts: 1, onClient: countAwsErrors(metrics) });

  const sender = createOutboxSender({
    store,
    messenger: countSlackErrors(webClientMessenger(createSenderWebClient({ token: config.slack.botToken, slackApiUrl: config.slack.apiUrl, logger })), metrics),
    render: createOutboxRenderer(),
    defaultChannel: alertChannel,
    logger,
  });

  // WATCH_ACCOUNTS decides which accounts; members are reached through MEMBER_ROLE_NAME and AssumeRoot audit sessions.
  // The store keeps the key ids of the bot's AssumeRoot audit sessions, so the activity side can recognise them.
  const watched = watchedAccountsAssessment(aws, config, { recorder: store, onClient: countAwsErrors(metrics) });
  const assessAll = timedPostureRun(metrics, 'summary', watched.assessAll);
  const summarySources = storeSummarySources(store, { assessAll });
  const summaryLedger = storeSummaryLedger(store, { record: ledgerRecord });

  const authorizer = createAuthorizer({
    allowedUserIds: config.slack.allowedUserIds,
    allowedUsergroupIds: config.slack.allowedUsergroupIds,
    logger: logger.child({ component: 'authorizer' }),
  });
  const app = createSlackApp(config.slack, {
    logger,
    authorizer,
    secretValues,
    runPosture: timedPostureRun(metrics, 'command', () => assessAccount(aws, config.posture)),
    describeRunError: describeFatalAwsError,
    alerts: { store, wakeSender: () => sender.wake(), responderGroupId: config.alerts.responderGroupId },
    summary: { buildThisWeek: () => buildSummaryOnDemand({ sources: summarySources, timezone: config.summary.timezone, now: new Date(), scope: 'this-week' }) },
  });
  const started = await startSlackApp(app, config.slack, options.listen);
  sender.start();

  const sources: ActivitySource[] = [
    createCloudTrailPollerSource({
      aws,
      cloudTrailFor: (region) => pollerAws.cloudTrail(region),
      sink: store,
      config: config.poll,
      logger,
      onIngested: () => sender.wake(),
      onPass: (pass) => recordPollPass(metrics, pass),
    }),
  ];
  for (const source of sources) await source.start();

  const reminders = cron.schedule(REMINDER_SCHEDULE, () => {
    try {
      const reminded = enqueueDueReminders(store, new Date(), {
        reminderAfterMinutes: config.alerts.reminderAfterMinutes,
        reminderMax: config.alerts.reminderMax,
        responderGroupId: config.alerts.responderGroupId,
      });
      if (reminded.length > 0) sender.wake();
    } catch (error) {
      logger.error({ err: error }, 'could not queue reminders');
    }
  }, { name: 'reminders', noOverlap: true });

  const summarySchedule = startWeeklySummarySchedule({
    schedule: config.summary.schedule,
    timezone: config.summary.timezone,
    ledger: summaryLedger,
    logger,
    run: async () => {
      const outcome = await runWeeklySummary({ sources: summarySources, ledger: summaryLedger, timezone: config.summary.timezone, now: () => new Date() });
      sender.wake();
      return outcome;
    },
  });

  logger.info({ mode: started.mode, port: started.port, alertChannel }, 'aws-root-guard is running');

  writeHeartbeat(config.dataDir, new Date());
  const heartbeat = setInterval(() => {
    try {
      writeHeartbeat(config.dataDir, new Date());
    } catch (error) {
      logger.warn({ err: error }, 'could not write the heartbeat file');
    }
  }, HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();

  let stopping: Promise<void> | null = null;
  return {
    config,
    logger,
    metrics,
    port: started.port,
    stop() {
      stopping ??= (async () => {
        clearInterval(heartbeat);
        await reminders.stop();
        await summarySchedule.stop();
        for (const source of [...sources].reverse()) await source.stop();
        await app.stop();
        await sender.stop();
        store.close();
        watched.close();
        aws.destroy();
        pollerAws.destroy();
        logger.info('aws-root-guard stopped');
      })();
      return stopping;
    },
  };
}
