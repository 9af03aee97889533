// The CloudTrail poller as an activity source: finds the account and its Regions, then runs poll passes on
// the schedule (activity/poller.ts does one pass). If AWS cannot be reached at start, the bot still serves
// Slack and this source keeps trying, backing off to the poll interval (at most 5 minutes), instead of exiting into a crash loop;
// nothing is lost meanwhile, since the first pass reads back from the stored cursor.
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Logger } from '../../log.js';
import { describeFatalAwsError, type AwsClients } from '../../aws/index.js';
import type { PollConfig } from '../poll-config.js';
import type { PollSink } from '../poll-sink.js';
import { createPoller, schedulePolling, type PassResult, type PollerOptions, type SchedulePollingOptions } from '../poller.js';
import { resolvePollRegions } from '../regions.js';
import type { ActivitySource, OnIngested } from './source.js';

const START_RETRY_BASE_MS = 5_000;
const START_RETRY_MAX_MS = 5 * 60_000;

export interface StartRetry {
  baseMs: number;
  maxMs: number;
}

/**
 * The start-up retry for a poll schedule of `pollIntervalMs`: doubling from 5 s, but never waiting longer
 * than the poll interval (nor 5 minutes), so AWS coming back delays alerts no more than the schedule does.
 */
export function startRetryFor(pollIntervalMs: number): StartRetry {
  return { baseMs: START_RETRY_BASE_MS, maxMs: Math.min(START_RETRY_MAX_MS, pollIntervalMs) };
}

export function startRetryDelayMs(attempt: number, retry: StartRetry): number {
  return Math.min(retry.maxMs, retry.baseMs * 2 ** attempt);
}

export interface CloudTrailPollerSourceOptions {
  /** Clients for finding the account (sts) and its enabled Regions (account). */
  aws: Pick<AwsClients, 'sts' | 'account'>;
  /** The CloudTrail client of a Region; one attempt per call, the poller's limiter does the retrying. */
  cloudTrailFor: PollerOptions['cloudTrailFor'];
  sink: PollSink;
  config: Pick<PollConfig, 'schedule' | 'regions' | 'overlapMinutes' | 'initialLookbackHours'>;
  logger: Logger;
  onIngested: OnIngested;
  /** Told every pass's result (metrics). */
  onPass?: (pass: PassResult) => void;
  /** The schedule's interval (ms): caps the start-up retry. Default: 5 minutes. */
  pollIntervalMs?: number;
  /** Start-up retry delays (tests shorten them). Default: startRetryFor(pollIntervalMs). */
  startRetry?: StartRetry;
  /** The records' classifier (main: classifyActivityRecord with the bot's audit keys). */
  classify?: PollerOptions['classify'];
  /** Also look up sts:AssumeRoot calls: the account may open root sessions on members. Default true. */
  lookupAssumeRoot?: boolean;
  /** node-cron's distributed options: each pass once across replicas (main: the store's run leases). */
  coordination?: SchedulePollingOptions['coordination'];
  /** The store's leases when replicas share it: no two replicas' passes at once (activity/pass-lease.ts). */
  passLeases?: SchedulePollingOptions['passLeases'];
}

export function createCloudTrailPollerSource(options: CloudTrailPollerSourceOptions): ActivitySource {
  const { config, logger } = options;
  const retry = options.startRetry ?? startRetryFor(options.pollIntervalMs ?? START_RETRY_MAX_MS);
  let stopSchedule: (() => Promise<void>) | null = null;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | null = null;

  const begin = async (attempt: number): Promise<void> => {
    let accountId: string;
    let regions: string[];
    try {
      accountId = (await options.aws.sts.send(new GetCallerIdentityCommand({}))).Account ?? '';
      regions = await resolvePollRegions(config.regions, () => options.aws.account);
    } catch (error) {
      const delayMs = startRetryDelayMs(attempt, retry);
      logger.error({ retryInSeconds: delayMs / 1000 }, `root activity polling cannot start yet: ${describeFatalAwsError(error)}`);
      if (!stopped) retryTimer = setTimeout(() => void begin(attempt + 1), delayMs);
      return;
    }
    if (stopped) return;
    const poller = createPoller({
      cloudTrailFor: options.cloudTrailFor,
      sink: options.sink,
      accountId,
      regions,
      logger: logger.child({ component: 'poller' }),
      overlapMinutes: config.overlapMinutes,
      initialLookbackHours: config.initialLookbackHours,
      lookupAssumeRoot: options.lookupAssumeRoot ?? true,
      ...(options.classify ? { classify: options.classify } : {}),
    });
    stopSchedule = schedulePolling(poller, config.schedule, {
      logger,
      runNow: true,
      ...(options.coordination ? { coordination: options.coordination } : {}),
      ...(options.passLeases ? { passLeases: options.passLeases } : {}),
      onPass: (pass) => {
        options.onPass?.(pass);
        if (pass.totals.inserted > 0) options.onIngested(pass.totals.inserted);
      },
    });
    logger.info({ accountId, regions }, 'root activity polling started');
  };

  return {
    name: 'cloudtrail-poller',
    start: () => begin(0),
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      await stopSchedule?.();
    },
  };
}
