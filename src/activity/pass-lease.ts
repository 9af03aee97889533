// A poll pass runs on one replica at a time, not only once per tick: node-cron's noOverlap keeps a process from
// starting a pass while its own is running, and the tick's claim (`<task>:<slot>`) keeps two replicas from running the
// same tick, but a pass longer than its tick would let another replica win the next tick and poll beside it, and the
// two per-process limiters together send twice CloudTrail's LookupEvents quota (2 a second per account and Region).
// So the tick's winner also claims `<task>:pass-in-progress` in the store's run leases, renews it while the pass runs
// (a pass may last longer than one lease) and, at its end, shortens it to one more second, the quota's window, so the
// next replica's first request cannot join this one's last second; a winner that finds it held skips the tick.
// A holder that dies stops renewing: its lease lapses within PASS_LEASE_MS and the next tick's winner polls.
import type { Logger } from '../log.js';
import { whileRenewing } from '../store/renewed-claim.js';

/** How long a dead holder keeps the others from polling. */
export const PASS_LEASE_MS = 30_000;
/** The holder renews this often: two renewals may fail before the lease lapses. */
export const PASS_LEASE_RENEW_MS = 10_000;
/** What is left of the lease once the pass ended: LookupEvents' quota counts requests a second. */
export const PASS_LEASE_TAIL_MS = 1_000;

/** The store's run leases as one replica holds them (store/run-leases.ts). */
export interface PassLeases {
  claim(key: string, leaseMs: number): Promise<boolean>;
  renew(key: string, leaseMs: number): Promise<boolean>;
  liveHolder(key: string): Promise<string | null>;
}

export function passLeaseKey(taskName: string): string {
  return `${taskName}:pass-in-progress`;
}

export interface PassLeaseOptions {
  leases: PassLeases;
  taskName: string;
  logger: Pick<Logger, 'info' | 'warn'>;
  leaseMs?: number;
  renewEveryMs?: number;
}

/**
 * Runs `pass` holding the task's pass lease; false, without running it, when another replica holds the lease. A store
 * that fails the claim throws (the tick is skipped, as node-cron fails closed); one that fails a renewal or the
 * closing one is logged: the lease then lapses on its own.
 */
export async function runHoldingPassLease(options: PassLeaseOptions, pass: () => Promise<void>): Promise<boolean> {
  const { leases, taskName, logger } = options;
  const leaseMs = options.leaseMs ?? PASS_LEASE_MS;
  const key = passLeaseKey(taskName);
  if (!(await leases.claim(key, leaseMs))) {
    const holder = await leases.liveHolder(key).catch(() => null);
    logger.info({ task: taskName, holder }, "poll: another replica's pass is still running; this replica skips the tick");
    return false;
  }
  try {
    await whileRenewing(
      leases,
      key,
      {
        leaseMs,
        everyMs: options.renewEveryMs ?? PASS_LEASE_RENEW_MS,
        onLost: () => logger.warn({ task: taskName }, 'poll: the pass lease lapsed and another replica took it over; this pass goes on'),
        onError: (error) => logger.warn({ err: error, task: taskName }, 'poll: could not renew the pass lease'),
      },
      pass,
    );
  } finally {
    await leases.renew(key, PASS_LEASE_TAIL_MS).catch((error: unknown) => logger.warn({ err: error, task: taskName }, 'poll: could not shorten the pass lease; it lapses on its own'));
  }
  return true;
}
