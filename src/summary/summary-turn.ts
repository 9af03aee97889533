// Which replica runs a week's summary now, or next after a failure: one claim per report week,
// `weekly-summary-turn:<week>` in run_leases, that every run takes first, whatever triggered it (cron, the start-up
// catch-up, a missed slot, a retry). While a run lasts its holder renews it on a short lease, so a replica that dies
// mid-run is replaced once that lapses; after a failure the holder keeps it for the retry delay, so replicas whose
// runs fail make one attempt per delay between them instead of one each; once the week is recorded it is completed.
// The ledger still keeps the post once: the turn saves the repeated AWS checks and store reads of failing runs.
import type { Logger } from '../log.js';
import type { HolderClaims } from '../store/index.js';
import { whileRenewing } from '../store/renewed-claim.js';

/** How long a holder that stopped renewing keeps the others out while its run lasts. */
export const TURN_RUN_LEASE_MS = 30_000;
/** How often a run renews its turn. */
export const TURN_RENEW_MS = 10_000;

export type TurnTaken = { held: true } | { held: false; holder: string | null };

export interface SummaryTurn {
  /** Takes the week's turn for a run: held when it was free, had lapsed or is already this replica's. */
  take(weekKey: string): Promise<TurnTaken>;
  /** Runs `run` with the turn renewed. */
  during<T>(weekKey: string, run: () => Promise<T>): Promise<T>;
  /** After a failed run: keeps the turn for `ms`, so the next attempt, whichever replica makes it, waits as long. */
  backOff(weekKey: string, ms: number): Promise<void>;
  /** The week is recorded: the turn is done with. */
  done(weekKey: string): Promise<void>;
}

export function turnKey(weekKey: string): string {
  return `weekly-summary-turn:${weekKey}`;
}

/** One process and no shared store: every run is its turn. */
export const unsharedTurn: SummaryTurn = {
  take: async () => ({ held: true }),
  during: (_weekKey, run) => run(),
  backOff: async () => undefined,
  done: async () => undefined,
};

export function claimedTurn(claims: HolderClaims, logger: Pick<Logger, 'warn'>, options: { leaseMs?: number; renewMs?: number } = {}): SummaryTurn {
  const leaseMs = options.leaseMs ?? TURN_RUN_LEASE_MS;
  const renewMs = options.renewMs ?? TURN_RENEW_MS;
  return {
    async take(weekKey) {
      const key = turnKey(weekKey);
      // Renew first: a turn this replica holds (or held and nobody took over) is still its own.
      if ((await claims.renew(key, leaseMs)) || (await claims.claim(key, leaseMs))) return { held: true };
      return { held: false, holder: await claims.liveHolder(key) };
    },
    during: (weekKey, run) =>
      whileRenewing(
        claims,
        turnKey(weekKey),
        {
          leaseMs,
          everyMs: renewMs,
          onLost: () => logger.warn({ reportWeek: weekKey }, 'the weekly summary turn lapsed while this replica ran it; another replica may run the week too'),
          onError: (error) => logger.warn({ err: error, reportWeek: weekKey }, 'could not renew the weekly summary turn'),
        },
        run,
      ),
    async backOff(weekKey, ms) {
      await claims.renew(turnKey(weekKey), ms);
    },
    async done(weekKey) {
      await claims.complete(turnKey(weekKey));
    },
  };
}
