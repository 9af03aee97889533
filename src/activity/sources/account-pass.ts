// One account's share of a poll pass as the pass keeps it to its end: which Regions were read and which failed
// (with why), what the coverage record needs. Each Region's counts, window and cursor go to onAccountPass (metrics)
// as the account finishes, and die young: kept to the end of the pass, 17,017 Region results (~2.2 MB at 1,000
// accounts x 17 Regions) were promoted to old space, and V8 sizes its heap ~4x what is live there (issue 8).
import type { PassResult, RegionFailure } from '../poller.js';

export interface AccountPassResult {
  accountId: string;
  ok: boolean;
  /** Why the account could not be read at all (its role, its Regions), or null. */
  error: string | null;
  /** The action that failed then ("sts:AssumeRole", "account:ListRegions"), when the error names one. */
  errorAction?: string | null;
  /** The Regions read, in order (none when the account could not be read). */
  regions: readonly string[];
  /** The Regions that could not be read, and why. */
  failedRegions: ReadonlyArray<{ region: string; error: RegionFailure }>;
}

// Nearly every account has no failed Region: one shared empty list, not 1,000 of them.
const NONE: readonly never[] = Object.freeze([]);

/** `regions`: the list the account's poller was given (shared, not copied per pass); by default the pass's own. */
export function accountPassOf(pass: PassResult, regions: readonly string[] = pass.regions.map((region) => region.region)): AccountPassResult {
  const failedRegions = pass.regions.flatMap((region) => (region.error === null ? [] : [{ region: region.region, error: region.error }]));
  return { accountId: pass.accountId, ok: pass.totals.failedRegions < pass.regions.length, error: null, regions, failedRegions: failedRegions.length > 0 ? failedRegions : NONE };
}

/** An account whose role or Region list could not be read: no Region of it was. */
export function unreadAccount(accountId: string, error: string, errorAction: string | null): AccountPassResult {
  return { accountId, ok: false, error, errorAction, regions: NONE, failedRegions: NONE };
}
