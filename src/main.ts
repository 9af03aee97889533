// Composition root: config -> logger -> store -> AWS -> Slack app -> sender -> activity sources -> schedules, wired once;
// graceful shutdown stops them in the reverse order, and so does a start-up that fails half-way.
import { hostname } from 'node:os';
import cron from 'node-cron';
import { loadServeConfig, type Env, type ServeConfig } from './config.js';
import { createLogger, secretValuesFromEnv, type Logger } from './log.js';
import { createAwsClients, createEventsQueueClient, createQueueMetricsClient, createStackSetsClient, describeFatalAwsError } from './aws/index.js';
import { assessAccount, assessThroughCoordinator, createOrganizationResults, createRunCoordinator, type PostureReport, newlyFailingFindings, watchedAccountsAssessment } from './posture/index.js';
import { accountPassOf, classifyActivityRecordWithStore, createCloudTrailPollerSource, createMemberRulesReader, coverageLine, createCoverageTracker, createOrganizationPoller, createSqsSource, readCoverage, readQueueHealth, runAsLatestOccurrence, type ActivitySource, type OccurrenceRunResult } from './activity/index.js';
import { holderClaims, openStore, replicaHolderId, scheduleCoordination, type BotStore } from './store/index.js';
import { createAlertRouter, createAlertsService, createOutboxSender, createSenderWebClient, groupingPolicyOf, enqueueDueReminders, routedChannels, routedSink, routesNeedOrganization, webClientMessenger } from './alerts/index.js';
import { buildSummaryOnDemand, claimedTurn, runWeeklySummary, startWeeklySummarySchedule, storeSummaryLedger, storeSummarySources } from './summary/index.js';
import { createAuthorizer, createOutboxRenderer, createSlackApp, ledgerRecord, postureRunFor, startSlackApp } from './slack/index.js';
import { countAwsErrors, countSlackErrors, createBotMetrics, createReadiness, operationsRoutes, outboxDeliveryMetrics, recordPollPass, scheduleIntervalMs, startHealthServer, timedPostureRun, type BotMetrics } from './metrics/index.js';
import { takeShutdownRecordSeconds, writeShutdownRecord } from './shutdown-record.js';

// A stat() every few seconds costs nothing and bounds how much is written to a deleted file.
const STORE_FILE_CHECK_INTERVAL_MS = 5_000;
const REMINDER_SCHEDULE = '* * * * *';

export class SlackTokenRefusedError extends Error {
  constructor(detail: string) {
    super(`Slack refused SLACK_BOT_TOKEN (${detail}): copy the Bot User OAuth Token (xoxb-…) again from your Slack app's "OAuth & Permissions" page, or reinstall the app`);
    this.name = 'SlackTokenRefusedError';
  }
}

/** Stops what start-up started, newest first; one that fails to stop does not keep the others running. */
class StartedParts {
  private readonly stops: Array<{ name: string; stop: () => unknown }> = [];
  constructor(private readonly logger: Logger) {}

  add(name: string, stop: () => unknown): void {
    this.stops.push({ name, stop });
  }

  async stopAll(): Promise<void> {
    for (const { name, stop } of this.stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        this.logger.error({ err: error, part: name }, `could not stop ${name} cleanly`);
      }
    }
  }
}

export interface RunningBot {
  config: ServeConfig;
  logger: Logger;
  /** The Prometheus registry and counters (also served at /metrics). */
  metrics: BotMetrics;
  /** The HTTP port (HTTP mode) or null (Socket Mode). */
  port: number | null;
  /** Where /healthz, /readyz and /metrics answer: the HTTP port, or HEALTH_PORT's server in Socket Mode. */
  healthPort: number;
  /**
   * Settles with the reason when the bot cannot go on (its database file was deleted or replaced):
   * the caller stops it and exits non-zero. Never settles otherwise.
   */
  fatal: Promise<Error>;
  stop(): Promise<void>;
}

export interface StartBotOptions {
  /** Listen address override (tests: port 0 on 127.0.0.1); also the Socket Mode health server's. */
  listen?: { port?: number; host?: string };
  /** How often the database file is checked to still be the one opened. Default 5 s. */
  storeFileCheckIntervalMs?: number;
  logger?: Logger;
}

export async function startBot(env: Env, options: StartBotOptions = {}): Promise<RunningBot> {
  const config = loadServeConfig(env);
  const secretValues = secretValuesFromEnv(env);
  const logger = options.logger ?? createLogger({ level: config.logLevel, secretValues });
  // The replica's name: its host and health port (replicas on one host listen on different ports). A restarted
  // replica recognises its earlier runs' claims by it; the store keeps it with each Region it reads (readiness).
  const replicaName = `${hostname()}:${config.healthPort}`;

  // Before anything starts: a data directory or database the bot cannot write stops it here (StoreNotWritableError),
  // and so does a PostgreSQL it cannot reach or migrate (PostgresUnavailableError).
  const store = await openStore(config, {
    grouping: groupingPolicyOf(config.alerts),
    replicaName,
    onIdleError: (error) => logger.warn({ err: error }, 'PostgreSQL: an idle connection failed; the pool reconnects at the next query'),
  });
  logger.info({ store: store.location }, 'store opened');
  const parts = new StartedParts(logger);
  parts.add('the store', () => store.close());
  try {
    return await startParts({ config, secretValues, logger, store, parts, options, replicaName });
  } catch (error) {
    logger.error({ err: error }, 'aws-root-guard could not start; stopping what had started');
    await parts.stopAll();
    throw error;
  }
}

interface StartContext {
  config: ServeConfig;
  secretValues: string[];
  logger: Logger;
  store: BotStore;
  /** Each part is added as it starts: a failure stops those, and stop() stops them all. */
  parts: StartedParts;
  options: StartBotOptions;
  replicaName: string;
}

async function startParts({ config, secretValues, logger, store, parts, options, replicaName }: StartContext): Promise<RunningBot> {
  const alertChannel = config.alerts.alertChannel!;
  // Every schedule below runs once per occurrence across the processes sharing this store (store/run-leases.ts).
  const holder = replicaHolderId(replicaName);
  const coordination = scheduleCoordination(store.runLeases, holder);
  // Replicas sharing PostgreSQL also keep their poll passes apart (activity/pass-lease.ts); one SQLite process polls as before.
  const passLeases = config.database !== null ? { passLeases: holderClaims(store.runLeases, holder) } : {};
  const metrics = createBotMetrics({ store });
  const aws = createAwsClients({ region: config.aws.region, onClient: countAwsErrors(metrics) });
  // The poller's own clients: one attempt each, every retry goes through its 2-requests-per-second limiter.
  const pollerAws = createAwsClients({ region: config.aws.region, maxAttempts: 1, onClient: countAwsErrors(metrics) });
  parts.add('the AWS clients', () => {
    aws.destroy();
    pollerAws.destroy();
  });

  const delivery = outboxDeliveryMetrics(metrics);
  delivery.setLastShutdownSeconds(takeShutdownRecordSeconds(config.dataDir));
  // Aborted on shutdown: a hung post must not hold the process past the container's grace period.
  const senderRequests = new AbortController();
  const senderClient = createSenderWebClient({ token: config.slack.botToken, slackApiUrl: config.slack.apiUrl, logger, abortSignal: senderRequests.signal });
  const pollIntervalMs = scheduleIntervalMs(config.poll.schedule);
  const readiness = createReadiness({
    // A query that answers, on the file the bot opened.
    checkStore: async () => {
      const problem = store.fileProblem();
      if (problem !== null) return problem;
      await store.outboxCounts();
      return null;
    },
    authTest: () => senderClient.auth.test(),
    // Any replica's pass counts: the ticks are shared, one replica runs each.
    lastPollRead: () => store.lastPollRead(),
    pollIntervalMs,
  });
  const operations = { metrics, readiness, logger: logger.child({ component: 'operations' }) };
  // Filled once the organization's accounts are listed (below); alerts rendered before that show bare ids.
  const accountNames: { of: (accountId: string) => string | null } = { of: () => null };
  const sender = createOutboxSender({
    store,
    // The history lookup keeps a post Slack accepted just before a crash (or before the database was lost) from going out twice.
    messenger: countSlackErrors(webClientMessenger(senderClient, { findPostsInHistory: true }), metrics),
    render: createOutboxRenderer({ failedLoginBurstThreshold: config.alerts.failedLoginBurstThreshold, accountName: (accountId) => accountNames.of(accountId) }),
    defaultChannel: alertChannel,
    logger,
    abortInFlight: () => senderRequests.abort(),
    events: delivery.senderEvents,
    replicaName,
    claimLeaseMs: config.alerts.outboxClaimLeaseSeconds * 1000,
  });

  // WATCH_ACCOUNTS decides which accounts; members are reached through MEMBER_ROLE_NAME and AssumeRoot audit sessions.
  // The store keeps the key ids of the bot's AssumeRoot audit sessions, so the activity side can recognise them.
  const watched = watchedAccountsAssessment(aws, config, { recorder: store, onClient: countAwsErrors(metrics) });
  parts.add('the watched accounts', () => watched.close());
  // ALERT_ROUTES: each alert's channel is chosen when it is queued, from where its account sat at the last listing.
  const router = createAlertRouter(config.alerts.routes, alertChannel);
  // The management account as last listed: coverage says the events queue's StackSet cannot reach it.
  let managementAccountId: string | null = null;
  const accountAccess = {
    ...watched.access,
    listWatchedAccounts: async () => {
      const list = await watched.access.listWatchedAccounts();
      router.learnPlacements(list.accounts);
      managementAccountId = list.managementAccountId;
      return list;
    },
  };
  const sink = routedSink(store, router);
  // The summary's coverage line, once a poll pass has said what is watched (readCoverageNow is declared below).
  const coverageLineNow = async (): Promise<string | null> => {
    const report = await readCoverageNow();
    return report.lastPassAt === null ? null : coverageLine(report);
  };
  // The summary reads the scan's snapshots; an account with none yet is checked through the run coordinator.
  const summarySources = storeSummarySources(store, {
    watchedAccounts: () => watched.accountIdentities(),
    assessFresh: (accountIds) => timedPostureRun(metrics, 'summary', () => assessThroughCoordinator(postureRuns, accountIds, 'weekly-summary'))(),
    coverage: () => coverageLineNow(),
  });
  // The overview and `/aws-root-check <account>` read these: snapshots kept by the scheduled scan and on-demand runs.
  const organization = createOrganizationResults({
    listWatchedAccounts: () => accountAccess.listWatchedAccounts(),
    assess: (accounts, managementAccountId) => watched.assess(accounts, managementAccountId),
    // A check that newly fails is queued for the alert channel in the snapshot's own transaction: durable.
    record: async (report, previous) => {
      const worse = newlyFailingFindings(previous, report);
      const { outboxId } = await store.savePostureSnapshotWithAlert(report, worse ? { ...worse } : null, router.channelFor(report.account.id));
      if (outboxId !== null) sender.wake();
    },
    latestReports: () => store.latestPostureSnapshots(),
    // The scan and the runs users start share one coordinator: an account is never checked twice at once.
    claimRun: (accountId) => postureRuns.claim(accountId),
    logger: logger.child({ component: 'posture-scan' }),
  });
  const postureDeps = {
    runPosture: timedPostureRun(metrics, 'command', () => assessAccount(aws, config.posture)),
    organization: { watchedAccounts: () => organization.watchedAccounts(), latestResults: () => organization.latestResults(), assessAccount: (accountId: string) => timedPostureRun(metrics, 'command', () => organization.assessAccount(accountId))() },
  };
  const postureRuns = createRunCoordinator<PostureReport>({ run: postureRunFor(postureDeps) });
  accountNames.of = (accountId) => organization.watchedAccounts().find((account) => account.id === accountId)?.name ?? null;
  const summaryLedger = storeSummaryLedger(store, { record: ledgerRecord });

  // Coverage (/aws-root-check status, `aws-root-guard status`, the weekly summary): the last pass and the queue,
  // kept here and written to the store after every pass, for the terminal command on any host that reaches it.
  const coverage = createCoverageTracker({ pollIntervalMs, managementAccountId: () => managementAccountId });
  const eventsQueueUrl = config.poll.eventsQueueUrl;
  const eventsQueue = eventsQueueUrl ? createEventsQueueClient({ region: config.aws.region, onClient: countAwsErrors(metrics) }, eventsQueueUrl) : null;
  if (eventsQueue) parts.add('the events queue client', () => eventsQueue.destroy());
  // The queue's oldest message is a CloudWatch metric: its own client, in the queue's Region, read by status only.
  const queueMetrics = eventsQueueUrl ? createQueueMetricsClient({ region: config.aws.region, onClient: countAwsErrors(metrics) }, eventsQueueUrl) : null;
  if (queueMetrics) parts.add('the events queue metrics client', () => queueMetrics.destroy());
  // Which accounts the queue hears: the member-rules StackSet's instances, beside the queue (read for status only).
  const stackSets = eventsQueueUrl ? createStackSetsClient({ region: config.aws.region, onClient: countAwsErrors(metrics) }, eventsQueueUrl) : null;
  if (stackSets) parts.add('the StackSets client', () => stackSets.destroy());
  const memberRules = stackSets && eventsQueueUrl ? createMemberRulesReader({ cloudFormation: stackSets, stackSetName: config.poll.eventsStackSetName, queueUrl: eventsQueueUrl }) : null;
  const readCoverageNow = () =>
    readCoverage({
      record: () => coverage.snapshot(),
      store,
      ...(eventsQueue && queueMetrics && eventsQueueUrl ? { queueHealth: () => readQueueHealth({ sqs: eventsQueue, cloudWatch: queueMetrics }, eventsQueueUrl) } : {}),
      ...(memberRules ? { memberRules: () => memberRules.read() } : {}),
    });
  const recordCoverage = () => {
    store.writeCoverageRecord(coverage.snapshot()).catch((error: unknown) => {
      logger.warn({ err: error }, 'could not write the coverage record to the store (`aws-root-guard status` shows the previous one)');
    });
  };

  const authorizer = createAuthorizer({
    allowedUserIds: config.slack.allowedUserIds,
    allowedUsergroupIds: config.slack.allowedUsergroupIds,
    logger: logger.child({ component: 'authorizer' }),
  });
  // Before the Slack app exists (Bolt runs its own auth.test when it is built): a token Slack refuses
  // stops start-up with the reason; Slack merely unreachable leaves /readyz not ready until it answers.
  const slackCheck = await readiness.verifySlack();
  if (!slackCheck.ok) {
    if (slackCheck.refusedToken) throw new SlackTokenRefusedError(slackCheck.detail);
    logger.error({ detail: slackCheck.detail }, 'Slack did not answer auth.test: /readyz reports not ready until it does');
  }
  // ALLOWED_RESPONDERS narrows who may stop an alert's reminders; unset, the command's allowlist decides.
  const hasResponders = config.slack.allowedResponderUserIds.length + config.slack.allowedResponderUsergroupIds.length > 0;
  const responderAuthorizer = hasResponders
    ? createAuthorizer({ allowedUserIds: config.slack.allowedResponderUserIds, allowedUsergroupIds: config.slack.allowedResponderUsergroupIds, logger: logger.child({ component: 'authorizer', allowlist: 'responders' }) })
    : undefined;
  const app = createSlackApp(config.slack, {
    logger,
    authorizer,
    secretValues,
    runPosture: postureDeps.runPosture,
    describeRunError: describeFatalAwsError,
    alerts: { service: createAlertsService({ store, wakeSender: () => sender.wake(), responderGroupId: config.alerts.responderGroupId }), ...(responderAuthorizer ? { responderAuthorizer } : {}) },
    organization: postureDeps.organization,
    postureRuns,
    status: { coverage: readCoverageNow },
    summary: { buildThisWeek: () => buildSummaryOnDemand({ sources: summarySources, timezone: config.summary.timezone, now: new Date(), scope: 'this-week' }) },
    seenSignatures: store.seenSignatures,
  }, { customRoutes: operationsRoutes(operations) });
  const started = await startSlackApp(app, config.slack, options.listen);
  parts.add('the Slack app', () => app.stop());
  let healthPort = started.port ?? config.healthPort;
  if (started.mode === 'socket') {
    // Socket Mode has no HTTP server of its own: the operations endpoints get one on HEALTH_PORT.
    const healthServer = await startHealthServer(operations, { port: options.listen?.port ?? config.healthPort, ...(options.listen?.host ? { host: options.listen.host } : {}) });
    parts.add('the health server', () => healthServer.close());
    healthPort = healthServer.port;
  }

  sender.start();
  parts.add('the outbox sender', () => sender.stop());

  // Both sources classify alike: AssumeRoot calls as root sessions, the bot's own audit sessions recorded, not alerted.
  const classify = (record: unknown) => classifyActivityRecordWithStore(record, async (accessKeyId) => (await store.findAuditSession(accessKeyId)) !== null);
  // One account: the poller in the bot's own account. An organization or a list: every watched account x Region
  // through the member role (sources/organization-poller.ts).
  const sources: ActivitySource[] = [
    config.accounts.watch.kind === 'self'
      ? createCloudTrailPollerSource({
          classify,
          aws,
          cloudTrailFor: (region) => pollerAws.cloudTrail(region),
          sink,
          config: config.poll,
          logger,
          onIngested: () => sender.wake(),
          onPass: (pass) => {
            recordPollPass(metrics, pass);
            coverage.recordPollPass({ finishedAt: pass.finishedAt, accounts: [accountPassOf(pass)] }, accountNames.of);
            recordCoverage();
          },
          pollIntervalMs,
          coordination,
          ...passLeases,
        })
      : createOrganizationPoller({
          classify,
          accounts: accountAccess,
          sink,
          config: config.poll,
          logger: logger.child({ component: 'poller' }),
          onIngested: () => sender.wake(),
          onAccountPass: (pass) => recordPollPass(metrics, pass),
          onPass: (pass) => {
            coverage.recordPollPass(pass, accountNames.of);
            recordCoverage();
          },
          coordination,
          ...passLeases,
        }),
  ];
  if (eventsQueue && eventsQueueUrl) {
    const queueSource = createSqsSource({ classify, sqs: eventsQueue, queueUrl: eventsQueueUrl, sink, logger: logger.child({ component: 'events-queue' }), onIngested: () => sender.wake() });
    coverage.watchQueue(() => {
      const stats = queueSource.stats();
      return { queueUrl: eventsQueueUrl, received: stats.received, lastMessageAt: stats.lastMessageAt, lastMessageSentAt: stats.lastMessageSentAt, lastReceiveError: stats.lastReceiveError };
    });
    sources.push(queueSource);
  }
  if (routesNeedOrganization(config.alerts.routes)) {
    // OU routes need each account's OU before the first alert is queued; a listing that fails is retried by the poller.
    await accountAccess.listWatchedAccounts().catch((error: unknown) => logger.error({ err: error }, `ALERT_ROUTES names OUs but the organization could not be read (alerts go to the account routes, *, or ALERT_CHANNEL until it is): ${describeFatalAwsError(error)}`));
  }
  for (const source of sources) {
    parts.add(`the activity source ${source.name}`, () => source.stop());
    await source.start();
  }

  // The org-wide scan (POSTURE_SCHEDULE): a snapshot per account, so nothing a user asks for waits on every account.
  const logScanFailure = (error: unknown) => logger.error({ err: error }, `the organization posture scan failed: ${describeFatalAwsError(error)}`);
  const scanOrganization = () => {
    organization.scan().catch(logScanFailure);
  };
  const postureScan = cron.schedule(config.postureScan.schedule, scanOrganization, { name: 'posture-scan', noOverlap: true, ...coordination });
  parts.add('the posture scan schedule', () => postureScan.stop());
  // At start the account list is read at once; a store with no snapshot yet gets its first scan right away, on one of
  // the replicas starting together: claimed like the start-up poll pass, under a name of its own (it never takes a
  // scheduled tick's occurrence), the snapshots looked at once claimed. A scan that checked no account leaves its claim
  // to lapse, so a replica (re)started after that tries again.
  // The weekly summary's catch-up (below) is asked for first by the replica that won this claim, the others one
  // recheck later: its fresh checks then share this scan's in the one process, and each account is checked once.
  let firstScanDecided: (yieldCatchUp: boolean) => void = () => undefined;
  const yieldCatchUp = new Promise<boolean>((resolve) => {
    firstScanDecided = resolve;
  });
  organization
    .refreshAccounts()
    .then(
      () =>
        runAsLatestOccurrence(postureScan, 'posture-first-scan', coordination, async (): Promise<OccurrenceRunResult> => {
          firstScanDecided(false);
          try {
            if ((await store.latestPostureSnapshots()).length > 0) return;
            return (await organization.scan()).checked > 0 ? undefined : 'unfinished';
          } catch (error) {
            logScanFailure(error);
            return 'unfinished';
          }
        }).then((ran) => {
          if (!ran) logger.info('another replica has the first posture scan of this store; this one skips it');
          firstScanDecided(!ran);
        }),
      (error: unknown) => logger.error({ err: error }, `could not list the watched accounts: ${describeFatalAwsError(error)}`),
    )
    .catch((error: unknown) => logger.error({ err: error }, 'the run coordinator failed; the first posture scan is skipped (POSTURE_SCHEDULE scans later)'))
    .finally(() => firstScanDecided(false));

  const reminders = cron.schedule(REMINDER_SCHEDULE, async () => {
    try {
      const reminded = await enqueueDueReminders(store, new Date(), {
        reminderAfterMinutes: config.alerts.reminderAfterMinutes,
        reminderMax: config.alerts.reminderMax,
        responderGroupId: config.alerts.responderGroupId,
      });
      if (reminded.length > 0) sender.wake();
    } catch (error) {
      logger.error({ err: error }, 'could not queue reminders');
    }
  }, { name: 'reminders', noOverlap: true, ...coordination });
  parts.add('the reminder schedule', () => reminders.stop());

  const summaryClaims = holderClaims(store.runLeases, holder);
  const summarySchedule = startWeeklySummarySchedule({
    schedule: config.summary.schedule,
    timezone: config.summary.timezone,
    ledger: summaryLedger,
    logger,
    coordination,
    // The start-up catch-up on one replica; a replica that dies holding it stops renewing it, and another takes over.
    catchUpClaim: { claims: summaryClaims, yieldFirst: yieldCatchUp },
    // Every run in turn: replicas whose runs fail retry one at a time, and one whose run died is replaced.
    turn: claimedTurn(summaryClaims, logger),
    run: async () => {
      const outcome = await runWeeklySummary({ sources: summarySources, ledger: summaryLedger, timezone: config.summary.timezone, now: () => new Date() });
      sender.wake();
      return outcome;
    },
  });

  parts.add('the weekly summary schedule', () => summarySchedule.stop());

  // The database file must stay the one opened: deleted or replaced, the bot stops (see store/file-identity.ts).
  let reportFatal: (reason: Error) => void = () => undefined;
  const fatal = new Promise<Error>((resolve) => {
    reportFatal = resolve;
  });
  const storeFileCheck = setInterval(() => {
    const problem = store.fileProblem();
    if (problem === null) return;
    clearInterval(storeFileCheck);
    logger.error({ database: store.location }, `${problem}: stopping, since every commit from now on would be lost. Restore the file (or start on an empty DATA_DIR) and start the bot again.`);
    reportFatal(new Error(problem));
  }, options.storeFileCheckIntervalMs ?? STORE_FILE_CHECK_INTERVAL_MS);
  storeFileCheck.unref();
  parts.add('the database file check', () => clearInterval(storeFileCheck));

  // Every channel alerts may go to: the bot must be a member of each (/invite @aws-root-guard).
  logger.info({ mode: started.mode, port: started.port, healthPort, alertChannel, alertChannels: routedChannels(config.alerts.routes, alertChannel) }, 'aws-root-guard is running');

  let stopping: Promise<void> | null = null;
  return {
    config,
    logger,
    metrics,
    port: started.port,
    healthPort,
    fatal,
    stop() {
      stopping ??= (async () => {
        const stopStartedMs = Date.now();
        // The sender first, alongside the rest: it finishes only the post in flight (SIGKILL follows SIGTERM within 10 s).
        const senderStopped = sender.stop();
        await parts.stopAll();
        await senderStopped;
        const shutdownMs = Date.now() - stopStartedMs;
        try {
          writeShutdownRecord(config.dataDir, { stoppedAt: new Date(), durationMs: shutdownMs });
        } catch (error) {
          logger.warn({ err: error }, 'could not record the shutdown duration in DATA_DIR');
        }
        logger.info({ shutdownMs }, 'aws-root-guard stopped');
      })();
      return stopping;
    },
  };
}
