// The organization's latest posture, kept where the Slack side can read it at once: the watched accounts as last
// listed, each account's newest stored snapshot and, when its last check failed, why. The scheduled scan and the
// on-demand runs (one account, Refresh) both record through here, so the overview never waits on AWS.
import type { WatchedAccount, WatchedAccountList } from '../aws/index.js';
import type { Logger } from '../log.js';
import type { AssessedAccount, PostureReport, PostureRunError } from './model.js';
import type { OverviewAccount, OverviewInput } from './overview.js';
import type { RunClaim } from './run-coordinator.js';

export interface StoredReport {
  accountId: string;
  takenAt: string;
  report: PostureReport;
}

export interface OrganizationResultsDeps {
  listWatchedAccounts(): Promise<WatchedAccountList>;
  /** assessAccounts over these accounts (pulled as workers free up), results as they finish. */
  assess(accounts: Iterable<WatchedAccount>, managementAccountId: string | null): AsyncIterable<AssessedAccount>;
  /** Keeps a report; `previous` is the account's newest stored one before it (null for its first). */
  record(report: PostureReport, previous: PostureReport | null): Promise<void>;
  /** The newest stored report of each account. */
  latestReports(): Promise<StoredReport[]>;
  /**
   * The posture run coordinator's claim (run-coordinator.ts), so a scan and the runs users start never check the
   * same account twice at once: the scan skips an account already running and waits for that run's result.
   */
  claimRun?: (accountId: string) => RunClaim<PostureReport>;
  logger: Logger;
  now?: () => Date;
}

export interface ScanOutcome {
  accounts: number;
  checked: number;
  failed: number;
  skipped: number;
  /** Of checked and failed: accounts a run already in flight (a user's) checked, whose result the scan waited for. */
  shared: number;
  durationMs: number;
}

export interface OrganizationResults {
  /** Lists the watched accounts again and checks every one; a scan already running is joined, not doubled. */
  scan(): Promise<ScanOutcome>;
  /** Lists the watched accounts again without checking them (at start, so commands know the accounts at once). */
  refreshAccounts(): Promise<readonly OverviewAccount[]>;
  /** Checks one watched account now and records it; rejects with the reason it could not be checked. */
  assessAccount(accountId: string): Promise<PostureReport>;
  watchedAccounts(): readonly OverviewAccount[];
  latestResults(): Promise<OverviewInput[]>;
}

/** Organizations knows names, not IAM aliases: the alias comes from the account's latest report, when it has one. */
function overviewAccount(account: WatchedAccount, alias: string | null): OverviewAccount {
  return { id: account.id, alias, name: account.name, ouId: account.ouId, ouPath: account.ouPath ?? null };
}

export class AccountCheckError extends Error {
  readonly userMessage: string;
  constructor(accountId: string, readonly runError: PostureRunError) {
    super(`account ${accountId} could not be checked: ${runError.message}`);
    this.name = 'AccountCheckError';
    this.userMessage = this.message;
  }
}

export function createOrganizationResults(deps: OrganizationResultsDeps): OrganizationResults {
  const now = deps.now ?? (() => new Date());
  let list: WatchedAccountList | null = null;
  let accounts: OverviewAccount[] = [];
  const errors = new Map<string, { error: PostureRunError; at: string }>();
  let running: Promise<ScanOutcome> | null = null;

  async function refreshList(): Promise<WatchedAccountList> {
    list = await deps.listWatchedAccounts();
    const aliases = new Map((await deps.latestReports()).map((stored) => [stored.accountId, stored.report.account.alias]));
    accounts = list.accounts.map((account) => overviewAccount(account, aliases.get(account.id) ?? null));
    const watched = new Set(accounts.map((account) => account.id));
    for (const accountId of errors.keys()) if (!watched.has(accountId)) errors.delete(accountId);
    return list;
  }

  async function previousReports(): Promise<Map<string, PostureReport>> {
    return new Map((await deps.latestReports()).map((stored) => [stored.accountId, stored.report]));
  }

  async function recordResult(result: AssessedAccount, previous: PostureReport | null): Promise<void> {
    if (result.posture.ok) {
      await deps.record(result.posture.report, previous);
      errors.delete(result.account.id);
      // An alias set or changed since the listing is matched by `/aws-root-check <alias>` from now on.
      const alias = result.posture.report.account.alias;
      const index = accounts.findIndex((account) => account.id === result.account.id);
      if (index >= 0 && accounts[index]!.alias !== alias) accounts[index] = { ...accounts[index]!, alias };
    } else {
      errors.set(result.account.id, { error: result.posture.error, at: now().toISOString() });
    }
  }

  async function scanOnce(): Promise<ScanOutcome> {
    const started = Date.now();
    const watched = await refreshList();
    const previous = await previousReports();
    let checked = 0;
    let failed = 0;
    const claims = new Map<string, Extract<RunClaim<PostureReport>, { kind: 'claimed' }>>();
    const sharedRuns: Array<Promise<boolean>> = [];
    const claimRun = deps.claimRun;
    // Claimed as assessAccounts pulls each account, so "in flight" means exactly while the scan is checking it.
    function* unclaimed(): Generator<WatchedAccount> {
      for (const account of watched.accounts) {
        if (!claimRun) {
          yield account;
          continue;
        }
        const claim = claimRun(account.id);
        if (claim.kind === 'in-flight') {
          // That run records its own result; the scan only counts it.
          sharedRuns.push(claim.result.then(() => true, () => false));
          continue;
        }
        claims.set(account.id, claim);
        yield account;
      }
    }
    try {
      for await (const result of deps.assess(unclaimed(), watched.managementAccountId)) {
        await recordResult(result, previous.get(result.account.id) ?? null);
        const claim = claims.get(result.account.id);
        claims.delete(result.account.id);
        if (result.posture.ok) {
          checked += 1;
          claim?.settle(result.posture.report);
        } else {
          failed += 1;
          claim?.fail(new AccountCheckError(result.account.id, result.posture.error));
        }
      }
      for (const ok of await Promise.all(sharedRuns)) {
        if (ok) checked += 1;
        else failed += 1;
      }
    } finally {
      // The scan stopped half-way (AWS refused the bot itself): whoever waits on its accounts learns it.
      for (const [accountId, claim] of claims) claim.fail(new AccountCheckError(accountId, { message: 'the organization scan stopped before this account was checked' }));
    }
    const outcome = { accounts: watched.accounts.length, checked, failed, skipped: watched.skipped.length, shared: sharedRuns.length, durationMs: Date.now() - started };
    deps.logger.info(outcome, 'organization posture scan finished');
    return outcome;
  }

  return {
    scan() {
      running ??= scanOnce().finally(() => {
        running = null;
      });
      return running;
    },
    async refreshAccounts() {
      await refreshList();
      return accounts;
    },
    async assessAccount(accountId) {
      const watched = list ?? (await refreshList());
      const account = watched.accounts.find((candidate) => candidate.id === accountId);
      if (!account) throw new AccountCheckError(accountId, { message: 'it is not a watched account (WATCH_ACCOUNTS, WATCH_OUS, EXCLUDE_ACCOUNTS)' });
      const previous = (await previousReports()).get(accountId) ?? null;
      for await (const result of deps.assess([account], watched.managementAccountId)) {
        await recordResult(result, previous);
        if (result.posture.ok) return result.posture.report;
        throw new AccountCheckError(accountId, result.posture.error);
      }
      throw new AccountCheckError(accountId, { message: 'the check returned no result' });
    },
    watchedAccounts: () => accounts,
    async latestResults() {
      const stored = new Map((await deps.latestReports()).map((entry) => [entry.accountId, entry]));
      return accounts.map((account): OverviewInput => {
        const snapshot = stored.get(account.id);
        const failure = errors.get(account.id);
        if (failure && (!snapshot || Date.parse(failure.at) >= Date.parse(snapshot.takenAt))) {
          return { account, result: { ok: false, error: failure.error }, checkedAt: failure.at };
        }
        if (snapshot) return { account, result: { ok: true, report: snapshot.report }, checkedAt: snapshot.takenAt };
        return { account, result: null, checkedAt: null };
      });
    },
  };
}
