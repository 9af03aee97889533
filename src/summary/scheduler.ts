// node-cron drives the weekly run; on start-up a catch-up decides whether this week's run was missed.
// Exactly-once comes from the ledger, not from here: this file only makes sure a run happens when one is due.
import cron, { type Logger as CronLogger, type ScheduledTask, type TaskOptions } from 'node-cron';
import type { Logger } from '../log.js';
import { reportWeekAt, shouldPostOnStartup, type CatchUpDecision } from './catch-up.js';
import type { HolderClaims } from '../store/index.js';
import { CATCH_UP_RECHECK_MS, catchUpKey, runClaimedCatchUp } from './catch-up-claim.js';
import type { SummaryLedger } from './run.js';
import { unsharedTurn, type SummaryTurn } from './summary-turn.js';

/** How often a replica waiting on another's summary turn asks again. */
export const TURN_CHECK_MS = 10_000;

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
  /**
   * Every run taken in turn across replicas (summary-turn.ts): a replica whose turn is taken, whose cron slot went to
   * another or whose run failed checks every `turnCheckMs` until the week is recorded, and runs it when the turn is
   * free. Without it each run is this process's own.
   */
  turn?: SummaryTurn;
  turnCheckMs?: number;
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
  const turn = options.turn ?? unsharedTurn;
  const checkMs = options.turnCheckMs ?? TURN_CHECK_MS;
  // A replica that waits for the week gives up as late as its own retries would have.
  const watchHorizonMs = (maxRetries + 1) * retryDelayMs;
  let inFlight: Promise<void> | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let watchingUntil = 0;
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

  /** Asks again for the week in `delayMs`, and from then every check until the week is recorded or the horizon. */
  const watch = (delayMs: number) => {
    if (stopped) return;
    if (watchingUntil === 0) watchingUntil = now().getTime() + delayMs + watchHorizonMs;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void trigger('retry'), delayMs);
    retryTimer.unref();
  };
  const settled = () => {
    failuresInARow = 0;
    watchingUntil = 0;
  };

  // Runs can be asked for by cron, catch-up, a missed slot and retries: one at a time in this process, and each
  // only with the week's turn.
  const trigger = (reason: SummaryTrigger): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (inFlight) {
      logger.info({ trigger: reason }, 'Weekly summary already running; this trigger is skipped');
      return inFlight;
    }
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    inFlight = (async () => {
      const weekKey = reportWeekAt(now(), timezone).key;
      try {
        // A retry whose week another replica recorded meanwhile ends here, before any check runs.
        if (reason === 'retry' && (await ledger.isRecorded(weekKey))) {
          if (watchingUntil !== 0) logger.info({ reportWeek: weekKey }, 'the weekly summary of this week is recorded; this replica stops retrying it');
          return settled();
        }
        const taken = await turn.take(weekKey);
        if (!taken.held) {
          if (watchingUntil !== 0 && now().getTime() >= watchingUntil) {
            logger.warn(
              { reportWeek: weekKey, holder: taken.holder },
              'the weekly summary of this week is still not recorded; this replica stops waiting for it (the next start-up or schedule tries again)',
            );
            return settled();
          }
          logger.info(
            { trigger: reason, reportWeek: weekKey, holder: taken.holder, checkInMs: checkMs },
            'another replica has the weekly summary turn; this one checks again until the week is recorded',
          );
          return watch(checkMs);
        }
        const outcome = await turn.during(weekKey, () => options.run(reason));
        settled();
        logger.info({ trigger: reason, outcome: describe(outcome) }, 'Weekly summary run finished');
        if (await ledger.isRecorded(weekKey)) {
          await turn.done(weekKey);
          // A catch-up that found the turn taken left its claim to lapse; the week recorded by a later run of this
          // replica completes it (the claim is completed by its holder only).
          await options.catchUpClaim?.claims.complete(catchUpKey(weekKey));
        }
      } catch (error) {
        failuresInARow += 1;
        const retrying = !stopped && failuresInARow <= maxRetries;
        logger.error({ trigger: reason, err: error, failuresInARow, retryInMs: retrying ? retryDelayMs : null }, 'Weekly summary run failed');
        if (!retrying) return;
        // The next attempt waits the delay whichever replica makes it; this one asks a check later than the turn
        // lapses, so another replica goes first (a failure of this replica's own is then not retried by it alone).
        await turn
          .backOff(weekKey, retryDelayMs)
          .catch((backOffError: unknown) => logger.warn({ err: backOffError, reportWeek: weekKey }, 'could not hold the weekly summary turn for the retry delay'));
        watch(options.turn ? retryDelayMs + checkMs : retryDelayMs);
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
  // The slot went to another replica (or the coordinator could not be asked): this one looks a retry delay later
  // whether the week got recorded, and takes the week over if that run died or failed there.
  if (options.turn) task.on('execution:skipped', () => watch(retryDelayMs));

  const catchUp = async (weekKey: string): Promise<void> => {
    const claimed = options.catchUpClaim;
    if (!claimed) return trigger('catch-up');
    const recheckMs = claimed.recheckMs ?? CATCH_UP_RECHECK_MS;
    const yieldFirst = await untilStop(claimed.yieldFirst ?? Promise.resolve(false), true);
    if (stopped || (yieldFirst && !(await sleep(recheckMs)))) return;
    await runClaimedCatchUp({
      claims: claimed.claims,
      weekKey,
      isRecorded: (key) => ledger.isRecorded(key),
      run: () => trigger('catch-up'),
      sleep,
      logger,
      recheckMs,
      ...(claimed.leaseMs ? { leaseMs: claimed.leaseMs } : {}),
    });
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
