// The start-up catch-up on one replica of those sharing a store: claimed under `weekly-summary-catch-up:<week>` with
// a lease its holder renews while the run lasts (a large organization's fresh checks take longer than one lease).
// The other replicas recheck every `recheckMs` until the week is in the ledger; when the holder died before recording
// it, its lease lapses and the next recheck takes the claim over. The ledger still keeps the post once: the claim
// only saves the duplicate AWS calls and posture runs of replicas starting together.
import type { Logger } from '../log.js';
import type { HolderClaims } from '../store/index.js';
import { whileRenewing } from '../store/renewed-claim.js';

type MaybePromise<T> = T | Promise<T>;

/** A claim's lease: how long a dead holder keeps the others waiting. */
export const CATCH_UP_LEASE_MS = 30_000;
/** How often the others ask again; the holder renews as often. */
export const CATCH_UP_RECHECK_MS = 10_000;

export interface ClaimedCatchUpOptions {
  /** The store's run leases as this replica holds them. */
  claims: HolderClaims;
  weekKey: string;
  isRecorded(weekKey: string): MaybePromise<boolean>;
  /** The catch-up run; it reports its own failures (a rejection is logged here and counts as not recorded). */
  run(): Promise<unknown>;
  /** Waits `ms`; false when the scheduler stopped meanwhile. */
  sleep(ms: number): Promise<boolean>;
  logger: Pick<Logger, 'info' | 'warn'>;
  leaseMs?: number;
  recheckMs?: number;
}

/** 'ran': this replica ran it; 'recorded': another replica recorded the week; 'stopped': the scheduler stopped first. */
export type ClaimedCatchUpOutcome = 'ran' | 'recorded' | 'stopped';

export function catchUpKey(weekKey: string): string {
  return `weekly-summary-catch-up:${weekKey}`;
}

export async function runClaimedCatchUp(options: ClaimedCatchUpOptions): Promise<ClaimedCatchUpOutcome> {
  const { claims, weekKey, logger } = options;
  const leaseMs = options.leaseMs ?? CATCH_UP_LEASE_MS;
  const recheckMs = options.recheckMs ?? CATCH_UP_RECHECK_MS;
  const key = catchUpKey(weekKey);
  let toldWaiting = false;
  for (;;) {
    try {
      if (await options.isRecorded(weekKey)) {
        if (toldWaiting) logger.info({ reportWeek: weekKey }, 'another replica recorded the weekly summary; this one ends its catch-up wait');
        return 'recorded';
      }
      if (await claims.claim(key, leaseMs)) {
        await runHolding(options, key, leaseMs, recheckMs);
        return 'ran';
      }
      if (!toldWaiting) logger.info({ reportWeek: weekKey, recheckMs }, 'another replica has the weekly summary catch-up; this one rechecks until the week is recorded');
      toldWaiting = true;
    } catch (error) {
      // A store that fails now may answer at the next recheck: the wait goes on, so a dead holder is still replaced.
      logger.warn({ err: error, reportWeek: weekKey }, 'could not check the weekly summary catch-up claim; trying again');
    }
    if (!(await options.sleep(recheckMs))) return 'stopped';
  }
}

/** Runs with the claim renewed; completes it only once the week is recorded, else leaves it to lapse for the others. */
async function runHolding(options: ClaimedCatchUpOptions, key: string, leaseMs: number, renewEveryMs: number): Promise<void> {
  const { claims, logger, weekKey } = options;
  const renewing = {
    leaseMs,
    everyMs: renewEveryMs,
    onLost: () => logger.warn({ reportWeek: weekKey }, 'the weekly summary catch-up claim lapsed and another replica took it over'),
    onError: (error: unknown) => logger.warn({ err: error, reportWeek: weekKey }, 'could not renew the weekly summary catch-up claim'),
  };
  await whileRenewing(claims, key, renewing, options.run).catch((error: unknown) => logger.warn({ err: error, reportWeek: weekKey }, 'the weekly summary catch-up run failed'));
  if (await options.isRecorded(weekKey)) await claims.complete(key);
  else logger.warn({ reportWeek: weekKey, lapsesInMs: leaseMs }, 'the weekly summary catch-up did not record the week; its claim is left to lapse so another replica tries');
}
