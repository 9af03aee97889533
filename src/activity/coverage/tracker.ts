// What the running bot knows of its coverage: the last poll pass (which accounts and Regions, what failed and the
// action to blame) and the events queue's activity, as one CoverageRecord (model.ts).
import type { RegionFailure } from '../poller.js';
import type { OrganizationPassResult } from '../sources/organization-poller.js';
import type { CoverageProblem, CoverageRecord, PolledAccount, QueueActivity } from './model.js';

export interface CoverageTracker {
  /** A finished pass: the accounts it read replace the previous pass's. `names`: Organizations names by id. */
  recordPollPass(pass: Pick<OrganizationPassResult, 'finishedAt' | 'accounts'>, names?: (accountId: string) => string | null): void;
  /** Where the events queue source's activity is read from (its stats), when there is a queue. */
  watchQueue(read: () => QueueActivity): void;
  snapshot(now?: Date): CoverageRecord;
}

function regionProblem(failure: RegionFailure | null): CoverageProblem | null {
  if (!failure) return null;
  // An opted-out Region or a failed store commit is not a permission to grant; the rest is LookupEvents failing.
  const action = failure.kind === 'store-failed' || failure.kind === 'region-not-enabled' ? null : 'cloudtrail:LookupEvents';
  // The message names the code and the fix already (lookup.ts describeLookupFailure).
  return { action, reason: failure.message };
}

/** `managementAccountId`: the organization's management account as last listed (a StackSet never deploys there). */
export function createCoverageTracker(options: { pollIntervalMs: number; managementAccountId?: () => string | null }): CoverageTracker {
  let lastPassAt: string | null = null;
  let accounts: PolledAccount[] = [];
  let readQueue: (() => QueueActivity) | null = null;
  return {
    recordPollPass(pass, names) {
      lastPassAt = pass.finishedAt;
      accounts = pass.accounts.map((account) => ({
        accountId: account.accountId,
        name: names?.(account.accountId) ?? null,
        problem: account.error === null ? null : { action: account.errorAction ?? null, reason: account.error },
        regions: account.regions.map((region) => ({ region, problem: regionProblem(account.failedRegions.find((failed) => failed.region === region)?.error ?? null) })),
      }));
    },
    watchQueue(read) {
      readQueue = read;
    },
    snapshot(now = new Date()) {
      return { writtenAt: now.toISOString(), pollIntervalMs: options.pollIntervalMs, lastPassAt, accounts, queue: readQueue?.() ?? null, managementAccountId: options.managementAccountId?.() ?? null };
    },
  };
}
