// node-cron drives the weekly run; on start-up a catch-up decides whether this week's run was missed.
// Exactly-once comes from the ledger, not from here: this file only makes sure a run happens when one is due.
import cron, { type Logger as CronLogger, type ScheduledTask, type TaskOptions } from 'node-cron';
import type { Logger } from '../log.js';
import { reportWeekAt, shouldPostOnStartup, type CatchUpDecision } from './catch-up.js';
import type { HolderClaims } from '../store/index.js';
import { CATCH_UP_RECHECK_MS, runClaimedCatchUp } from './catch-up-claim.js';
import type { SummaryLedger } from './run.js';

export type SummaryTrigger = 'scheduled' | 'catch-up' | 'missed-slot' | 'retry';

type SchedulerLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface WeeklySummaryScheduleOptions {
  schedule: string;
  timezone: string;
  ledger: Pick<SummaryLedger, 'isRecorded'>;
  /** One weekly run (runWeeklySummary with its deps). Rejecting means "try again later". */
  run(trigger: SummaryTrigger): Promise<unknown>;
  logger: SchedulerLogger;
  now?: () => Date;
  /** Wait before retrying a failed run; default 15 minutes. */
  retryDelayMs?: number;
  /** Give up retrying after this many failures in a row (the next start-up or schedule tries again); default 16. */
  maxRetries?: number;
  /** node-cron task name, for its registry and logs. */
  name?: string;
  /** node-cron's distributed options: the scheduled run on one replica only (the ledger also keeps it once a week). */
  coordination?: Required<Pick<TaskOptions, 'distributed' | 'runCoordinator'>>;
  /** The start-up catch-up claimed across replicas (catch-up-claim.ts); without it this process runs its own. */
  catchUpClaim?: {
    claims: HolderClaims;
    /** Settles true when another replica should ask first: the first claim waits one recheck. */
    yieldFirst?: Promise<boolean>;
    leaseMs?: number;
    recheckMs?: number;
  };
}

export interface WeeklySummaryScheduler {
  /** Settles after the start-up decision and its catch-up run, if any; null when the decision itself failed (logged). */
  readonly startup: Promise<CatchUpDecision | null>;
  /** The next time cron fires the run. */
  nextRun(): Date | null;
  /** Stops cron and pending retries, then waits for a run in progress. */
  stop(): Promise<void>;
}

/** node-cron's own logger interface, fed into ours so its warnings reach the structured log. */
function cronLogger(logger: SchedulerLogger): CronLogger {
  return {
    info: (message) => logger.info({ component: 'summary-cron' }, message),
    warn: (message) => logger.warn({ component: 'summary-cron' }, message),
    error: (message, error) => logger.error({ component: 'summary-cron', err: message instanceof Error ? message : error }, message instanceof Error ? message.message : message),
    debug: () => undefined,
  };
}

export function startWeeklySummarySchedule(options: WeeklySummaryScheduleOptions): WeeklySummaryScheduler {
  const { schedule, timezone, ledger, logger } = options;
  const now = options.now ?? (() => new Date());
  const retryDelayMs = options.retryDelayMs ?? 15 * 60_000;
  const maxRetries = options.maxRetries ?? 16;
  let inFlight: Promise<void> | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let failuresInARow = 0;
  let stopped = false;
  // The claimed catch-up's waits end at once on stop().
  const stopWaiters = new Set<() => void>();
  const untilStop = <T>(wait: Promise<T>, onStop: T): Promise<T> =>
    new Promise<T>((resolve) => {
      const cancel = () => resolve(onStop);
      if (stopped) return cancel();
      stopWaiters.add(cancel);
      wait.then(resolve, () => resolve(onStop)).finally(() => stopWaiters.delete(cancel));
    });
  const sleep = (ms: number) => untilStop(new Promise<boolean>((resolve) => setTimeout(resolve, ms, true).unref()), false);

  // Runs can be asked for by cron, catch-up, a missed slot and retries: one at a time in this process.
  const trigger = (reason: SummaryTrigger): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (inFlight) {
      logger.info({ trigger: reason }, 'Weekly summary already running; this trigger is skipped');
      return inFlight;
    }
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    inFlight = (async () => {
      try {
        const outcome = await options.run(reason);
        failuresInARow = 0;
        logger.info({ trigger: reason, outcome: describe(outcome) }, 'Weekly summary run finished');
      } catch (error) {
        failuresInARow += 1;
        const retrying = !stopped && failuresInARow <= maxRetries;
        logger.error({ trigger: reason, err: error, failuresInARow, retryInMs: retrying ? retryDelayMs : null }, 'Weekly summary run failed');
        if (retrying) {
          retryTimer = setTimeout(() => void trigger('retry'), retryDelayMs);
          retryTimer.unref();
        }
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  };

  const task: ScheduledTask = cron.schedule(schedule, () => trigger('scheduled'), {
    timezone,
    noOverlap: true,
    name: options.name ?? 'weekly-summary',
    // A blocked event loop or a suspended host must not make the week's slot silently pass:
    // run if up to 10 minutes late, and past that the missed slot triggers a run of its own.
    missedExecutionTolerance: 10 * 60_000,
    suppressMissedWarning: true,
    logger: cronLogger(logger),
    ...options.coordination,
  });
  task.on('execution:missed', () => void trigger('missed-slot'));

  const catchUp = async (weekKey: string): Promise<void> => {
    const claimed = options.catchUpClaim;
    if (!claimed) return trigger('catch-up');
    const recheckMs = claimed.recheckMs ?? CATCH_UP_RECHECK_MS;
    const yieldFirst = await untilStop(claimed.yieldFirst ?? Promise.resolve(false), true);
    if (stopped || (yieldFirst && !(await sleep(recheckMs)))) return;
    await runClaimedCatchUp({ claims: claimed.claims, weekKey, isRecorded: (key) => ledger.isRecorded(key), run: () => trigger('catch-up'), sleep, logger, recheckMs, ...(claimed.leaseMs ? { leaseMs: claimed.leaseMs } : {}) });
  };

  const startup = (async (): Promise<CatchUpDecision | null> => {
    try {
      const at = now();
      // The ledger answers for one week; the pure decision reads that as "the last week posted".
      const dueWeekKey = reportWeekAt(at, timezone).key;
      const decision = shouldPostOnStartup(at, (await ledger.isRecorded(dueWeekKey)) ? dueWeekKey : null, schedule, timezone);
      logger.info({ decision: decision.reason, reportWeek: decision.reportWeek.key, scheduledAt: decision.scheduledAt?.toISOString() ?? null }, 'Weekly summary start-up check');
      if (decision.post) await catchUp(decision.reportWeek.key);
      return decision;
    } catch (error) {
      logger.error({ err: error }, 'Weekly summary start-up check failed; the schedule still runs');
      return null;
    }
  })();

  return {
    startup,
    nextRun: () => task.getNextRun(),
    async stop() {
      stopped = true;
      for (const cancel of [...stopWaiters]) cancel();
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      await task.destroy();
      await startup;
      await inFlight;
    },
  };
}

function describe(outcome: unknown): unknown {
  if (outcome && typeof outcome === 'object' && 'status' in outcome) {
    const { status, weekKey } = outcome as { status: unknown; weekKey?: unknown };
    return { status, weekKey };
  }
  return outcome ?? null;
}
