// The CloudTrail poller across the organization: every watched account (aws/accounts listWatchedAccounts) x Region,
// through the account's clients (clientsFor: the member role, which allows cloudtrail:LookupEvents), each
// account-Region with its own 2 requests/s limiter and one global bound on requests in flight (request-gate.ts).
// - The account list is read every pass (aws/accounts caches it and lists the organization again hourly), so
//   accounts joining or leaving are picked up without a restart; a new account has no cursor, so its first pass
//   reads POLL_INITIAL_LOOKBACK_HOURS back. An account that left has its clients closed.
// - An account whose role cannot be assumed, or a Region that refuses (opted out, AccessDenied), is reported in
//   the pass result and the log with the reason; the other accounts and Regions are read as usual.
// - The management account also looks up sts:AssumeRoot calls (activity/assume-root.ts).
import type { Logger } from '../../log.js';
import { AwsCallError, MemberAccessError, type AccountClients, type WatchedAccount, type WatchedAccountList } from '../../aws/index.js';
import type { RecordClassifier } from '../model.js';
import type { PollConfig } from '../poll-config.js';
import type { GroupCommitSink, PollSink } from '../poll-sink.js';
import { groupCommits } from '../group-commit.js';
import { createPoller, mapWithConcurrency, schedulePolling, type PassResult, type SchedulePollingOptions } from '../poller.js';
import { realTimer, type Timer } from '../rate-limiter.js';
import { RegionListError, resolvePollRegions, withSignInRegion } from '../regions.js';
import { createRequestGate } from '../request-gate.js';
import { accountPassOf, unreadAccount, type AccountPassResult } from './account-pass.js';
import type { ActivitySource, OnIngested } from './source.js';

export const DEFAULT_MAX_REQUESTS_IN_FLIGHT = 32;
/** Accounts in a pass at once, per request allowed in flight (each reads up to regionConcurrency Regions). */
const ACCOUNTS_IN_FLIGHT_PER_REQUEST = 2;

export interface OrganizationPassResult {
  startedAt: string;
  finishedAt: string;
  /** Each account as coverage needs it; its Region results went to onAccountPass when it finished (account-pass.ts). */
  accounts: AccountPassResult[];
  /** Accounts that stopped being watched since the last pass. */
  accountsLeft: string[];
  totals: { accounts: number; failedAccounts: number; failedRegions: number; inserted: number; duplicates: number };
}

export interface OrganizationPollerOptions {
  accounts: { listWatchedAccounts(): Promise<WatchedAccountList>; clientsFor(accountId: string): Promise<AccountClients> };
  /** A sink that can commit several batches in one transaction (the store) gets them grouped (group-commit.ts). */
  sink: PollSink | GroupCommitSink;
  config: Pick<PollConfig, 'schedule' | 'regions' | 'overlapMinutes' | 'initialLookbackHours'>;
  logger: Logger;
  onIngested: OnIngested;
  /** Every account's pass, every Region's result in it (metrics), as it finishes; then the whole pass (coverage). */
  onAccountPass?: (pass: PassResult) => void;
  onPass?: (pass: OrganizationPassResult) => void;
  /** node-cron's distributed options: each pass once across replicas (main: the store's run leases). */
  coordination?: SchedulePollingOptions['coordination'];
  /** The store's leases when replicas share it: no two replicas' passes at once (activity/pass-lease.ts). */
  passLeases?: SchedulePollingOptions['passLeases'];
  classify?: RecordClassifier;
  maxRequestsInFlight?: number;
  /** Accounts read at the same time (default twice maxRequestsInFlight). */
  accountsInFlight?: number;
  /** Regions of one account read at the same time. */
  regionConcurrency?: number;
  clock?: () => Date;
  timer?: Timer;
}

export interface OrganizationPoller extends ActivitySource {
  pollOnce(): Promise<OrganizationPassResult>;
}

interface AccountEntry {
  clients: AccountClients;
  regions: string[] | null;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The IAM action to blame: sts:AssumeRole for the member role, account:ListRegions for its Regions, if known. */
function failedAction(error: unknown): string | null {
  if (error instanceof MemberAccessError) return error.factError.action;
  if (error instanceof AwsCallError) return error.action;
  if (error instanceof RegionListError) return 'account:ListRegions';
  return null;
}

export function createOrganizationPoller(options: OrganizationPollerOptions): OrganizationPoller {
  const { config, logger } = options;
  const sink = 'transaction' in options.sink ? groupCommits(options.sink) : options.sink;
  const maxRequestsInFlight = options.maxRequestsInFlight ?? DEFAULT_MAX_REQUESTS_IN_FLIGHT;
  // Accounts read at once: enough to keep every request slot busy, few enough that memory does not grow with the
  // organization (each account in flight holds its SDK clients, released when its pass ends).
  const accountsInFlight = options.accountsInFlight ?? ACCOUNTS_IN_FLIGHT_PER_REQUEST * maxRequestsInFlight;
  const timer = options.timer ?? realTimer;
  const clock = options.clock ?? (() => new Date());
  const gate = createRequestGate(maxRequestsInFlight);
  const entries = new Map<string, AccountEntry>();
  // AWS_REGIONS set: every account reads the same Regions, one list for all of their entries.
  const configuredRegions = config.regions && config.regions.length > 0 ? withSignInRegion(config.regions) : null;
  let running: Promise<OrganizationPassResult> | null = null;
  let stopSchedule: (() => Promise<void>) | null = null;

  /** The account's pass, or null when it could not be read at all; `summary` is what the organization pass keeps. */
  async function pollAccount(account: WatchedAccount): Promise<{ summary: AccountPassResult; pass: PassResult | null }> {
    const log = logger.child({ accountId: account.id });
    let entry = entries.get(account.id);
    try {
      if (!entry) {
        entry = { clients: await options.accounts.clientsFor(account.id), regions: null };
        entries.set(account.id, entry);
      }
      await entry.clients.ready();
      entry.regions ??= configuredRegions ?? (await resolvePollRegions(null, () => entry!.clients.clients.account));
    } catch (error) {
      // Asked again next pass: a role deployed meanwhile is picked up.
      entry?.clients.close();
      entries.delete(account.id);
      log.warn(`poll: account ${account.id} cannot be read: ${message(error)}`);
      return { summary: unreadAccount(account.id, message(error), failedAction(error)), pass: null };
    }
    const clients = entry.clients.clients;
    const poller = createPoller({
      cloudTrailFor: (region) => clients.cloudTrail(region),
      // A member's client of a Region goes as soon as its lookups are over (about 24 KB each, 17 an account): with
      // 64 accounts in flight, holding them to the end of each account's pass kept ~1,000 alive at once.
      ...(entry.clients.roleArn !== null ? { releaseCloudTrail: (region: string) => clients.releaseCloudTrail(region) } : {}),
      gate,
      sink,
      accountId: account.id,
      regions: entry.regions,
      logger: log,
      clock,
      timer,
      // Its own limiters, one per Region, gone with its pass: a limiter only spaces requests a second or a
      // back-off (8 s at most) apart, and passes are a minute apart; kept, 17,000 of them outlived every pass.
      overlapMinutes: config.overlapMinutes,
      initialLookbackHours: config.initialLookbackHours,
      lookupAssumeRoot: account.isManagement || account.isSelf,
      ...(options.regionConcurrency !== undefined ? { regionConcurrency: options.regionConcurrency } : {}),
      ...(options.classify ? { classify: options.classify } : {}),
    });
    const pass = await poller.pollOnce();
    // A member's SDK clients (one per Region) go: the next pass makes them again, and memory stays flat in the
    // number of accounts; the role's credentials stay cached in its entry. The bot's own clients are shared: kept.
    if (entry.clients.roleArn !== null) clients.destroy();
    options.onAccountPass?.(pass);
    return { summary: accountPassOf(pass, entry.regions), pass };
  }

  async function runPass(): Promise<OrganizationPassResult> {
    const startedAt = clock().toISOString();
    const list = await options.accounts.listWatchedAccounts();
    const watched = new Set(list.accounts.map((account) => account.id));
    const accountsLeft = [...entries.keys()].filter((id) => !watched.has(id));
    for (const id of accountsLeft) {
      entries.get(id)?.clients.close();
      entries.delete(id);
      logger.info({ accountId: id }, 'poll: account no longer watched; stopped polling it');
    }
    const totals = { accounts: list.accounts.length, failedAccounts: 0, failedRegions: 0, inserted: 0, duplicates: 0 };
    // Each account's totals are counted as it finishes, and only its summary is kept to the end of the pass.
    const accounts = await mapWithConcurrency(list.accounts, accountsInFlight, async (account) => {
      const { summary, pass } = await pollAccount(account);
      if (pass === null) totals.failedAccounts += 1;
      totals.failedRegions += pass?.totals.failedRegions ?? 0;
      totals.inserted += pass?.totals.inserted ?? 0;
      totals.duplicates += pass?.totals.duplicates ?? 0;
      return summary;
    });
    const result: OrganizationPassResult = { startedAt, finishedAt: clock().toISOString(), accounts, accountsLeft, totals };
    logger[totals.failedAccounts + totals.failedRegions > 0 ? 'warn' : totals.inserted > 0 ? 'info' : 'debug']({ ...totals }, 'poll: organization pass finished');
    if (totals.inserted > 0) options.onIngested(totals.inserted);
    options.onPass?.(result);
    return result;
  }

  const pollOnce = (): Promise<OrganizationPassResult> => {
    running ??= runPass().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    name: 'cloudtrail-poller',
    pollOnce,
    async start() {
      if (stopSchedule) return;
      // schedulePolling logs a pass that throws (the organization could not be listed) and keeps the schedule.
      stopSchedule = schedulePolling({ accountId: 'organization', pollOnce }, config.schedule, { logger, runNow: true, ...(options.coordination ? { coordination: options.coordination } : {}), ...(options.passLeases ? { passLeases: options.passLeases } : {}) });
      logger.info('root activity polling started for the watched accounts');
    },
    async stop() {
      await stopSchedule?.();
      stopSchedule = null;
      for (const entry of entries.values()) entry.clients.close();
      entries.clear();
    },
  };
}
