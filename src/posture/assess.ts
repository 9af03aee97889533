// The posture pipeline end to end: gather facts from AWS (the only part that talks), then the pure checks; for one
// account, or for every watched account with results streamed as they finish.
import type { AccountAccess, AuditSessionRecorder, AwsClientOptions, AwsClients, WatchedAccount } from '../aws/index.js';
import { createAccountAccess, MemberAccessError } from '../aws/index.js';
import type { CheckCommandConfig, PostureConfig } from '../config.js';
import { gatherAccountFacts, readOrganizationsFeaturesFact, type GatherOptions } from './facts.js';
import type { AccountIdentity, AssessedAccount, Fact, OrganizationsFeatures, PostureReport, PostureRunError } from './model.js';
import { runPosture } from './run-posture.js';

export async function assessAccount(clients: AwsClients, config: PostureConfig, gather: Partial<GatherOptions> = {}): Promise<PostureReport> {
  const facts = await gatherAccountFacts(clients, { credentialReportMaxAgeHours: config.credentialReportMaxAgeHours, ...gather });
  return runPosture(facts, { rootUsedFailDays: config.rootUsedFailDays, rootUsedWarnDays: config.rootUsedWarnDays });
}

export interface AssessAccountsOptions {
  access: AccountAccess;
  posture: PostureConfig;
  /** Accounts checked at once (POSTURE_CONCURRENCY). */
  concurrency: number;
  /** An account not done after this long is reported as timed out (ACCOUNT_CHECK_TIMEOUT_SECONDS). */
  accountTimeoutMs: number;
  /** The organization's management account, from listWatchedAccounts: there the bot reads members' security contacts itself. */
  managementAccountId?: string | null;
  /** Tests and benchmarks: the credential report's polling, the clock. */
  gather?: Pick<GatherOptions, 'credentialReportPolling' | 'now' | 'sleep'>;
}

const ROOT_AUDIT_FEATURES = ['RootCredentialsManagement', 'RootSessions'];

/** Why an account's checks could not run: said to the user as is. */
/** A posture run that could not finish, as the reports and the summary show it: the message and the AWS error code. */
export function postureRunError(error: unknown): PostureRunError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code ?? (error.name !== 'Error' ? error.name : undefined);
    return typeof code === 'string' && code ? { message: error.message, code } : { message: error.message };
  }
  return { message: String(error) };
}

class AccountTimeout extends Error {
  readonly code = 'AccountTimeout';
  constructor(accountId: string, ms: number) {
    super(`the checks of ${accountId} did not finish within ${Math.round(ms / 1000)} s (ACCOUNT_CHECK_TIMEOUT_SECONDS): AWS is slow or throttling; the next scan tries again`);
    this.name = 'AccountTimeout';
  }
}

function identityOf(account: WatchedAccount): AccountIdentity {
  const identity: AccountIdentity = { id: account.id, alias: null };
  if (account.name !== null) identity.name = account.name;
  if (account.ouId !== null) identity.ouId = account.ouId;
  if (account.ouPath) identity.ouPath = account.ouPath;
  return identity;
}

/** What one scan reads once for all its accounts: the organization's centralized root access, from the bot's account. */
interface ScanContext {
  selfAccountId: string;
  organizationsFeatures: Promise<Fact<OrganizationsFeatures>> | null;
}

async function assessOne(account: WatchedAccount, context: ScanContext, options: AssessAccountsOptions): Promise<AssessedAccount> {
  const { access, posture } = options;
  const known = identityOf(account);
  const gather: Partial<GatherOptions> = { ...options.gather };
  const isSelf = account.id === context.selfAccountId;
  let timer: NodeJS.Timeout | undefined;
  let accountClients: Awaited<ReturnType<AccountAccess['clientsFor']>> | null = null;
  const work = (async () => {
    accountClients = await access.clientsFor(account.id);
    if (!isSelf) {
      gather.account = known;
      try {
        await accountClients.ready();
      } catch (error) {
        if (!(error instanceof MemberAccessError)) throw error;
        gather.roleError = error.factError;
      }
      if (context.organizationsFeatures) {
        const features = await context.organizationsFeatures;
        gather.organizationsFeatures = features;
        // Centralized root access answers only to the management account or the IAM delegated administrator: that
        // ListOrganizationsFeatures answered from the bot's account, with both features on, says the bot is one.
        if (features.ok && ROOT_AUDIT_FEATURES.every((feature) => features.value.enabledFeatures.includes(feature))) {
          gather.rootSession = () => access.rootAuditSession(account.id);
        }
      }
      if (options.managementAccountId && options.managementAccountId === context.selfAccountId) {
        const self = await access.clientsFor(context.selfAccountId);
        gather.securityContactFrom = { account: self.clients.account, accountId: account.id };
      }
    }
    const report = await assessAccount(accountClients.clients, posture, gather);
    // Organizations' name and OU belong in the header whatever the account's own calls said.
    report.account = { ...known, ...report.account, ...(known.name !== undefined ? { name: known.name } : {}) };
    return report;
  })();
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AccountTimeout(account.id, options.accountTimeoutMs)), options.accountTimeoutMs);
  });
  try {
    const report = await Promise.race([work, timeout]);
    return { account: report.account, posture: { ok: true, report } };
  } catch (error) {
    work.catch(() => undefined);
    return { account: known, posture: { ok: false, error: postureRunError(error) } };
  } finally {
    clearTimeout(timer);
    // Closing also cuts the sockets of a timed-out account's calls still in flight.
    (accountClients as { close(): void } | null)?.close();
  }
}

/**
 * Every account's posture, yielded as each one finishes, at most `concurrency` at a time. Memory stays flat in the
 * number of accounts: accounts are pulled from the iterable as workers free up, each account's clients are closed
 * once its result is out, and workers wait while the consumer has `concurrency` results it has not taken yet.
 */
export async function* assessAccounts(accounts: Iterable<WatchedAccount> | AsyncIterable<WatchedAccount>, options: AssessAccountsOptions): AsyncGenerator<AssessedAccount> {
  const source = Symbol.asyncIterator in accounts ? accounts[Symbol.asyncIterator]() : (accounts as Iterable<WatchedAccount>)[Symbol.iterator]();
  const concurrency = Math.max(1, options.concurrency);
  const selfAccountId = await options.access.selfAccountId();
  let context: ScanContext | null = null;
  const contextFor = (account: WatchedAccount): ScanContext => {
    // Read centralized root access once, and only when a member account is in the scan.
    if (!context || (!context.organizationsFeatures && account.id !== selfAccountId)) {
      const organizationsFeatures =
        account.id !== selfAccountId
          ? options.access.clientsFor(selfAccountId).then((self) => readOrganizationsFeaturesFact(self.clients))
          : null;
      context = { selfAccountId, organizationsFeatures };
    }
    return context;
  };

  const ready: AssessedAccount[] = [];
  let failure: unknown = null;
  let running = 0;
  let exhausted = false;
  let stopped = false;
  let notifyConsumer: (() => void) | null = null;
  const roomWaiters: Array<() => void> = [];
  const wakeConsumer = () => {
    notifyConsumer?.();
    notifyConsumer = null;
  };

  const worker = async () => {
    try {
      while (!stopped) {
        while (ready.length >= concurrency && !stopped) await new Promise<void>((resolve) => roomWaiters.push(resolve));
        if (stopped) return;
        const next = await source.next();
        if (next.done) {
          exhausted = true;
          return;
        }
        const result = await assessOne(next.value, contextFor(next.value), options);
        ready.push(result);
        wakeConsumer();
      }
    } catch (error) {
      failure ??= error;
    } finally {
      running -= 1;
      wakeConsumer();
    }
  };

  for (let index = 0; index < concurrency; index += 1) {
    running += 1;
    void worker();
  }
  try {
    for (;;) {
      if (ready.length > 0) {
        const result = ready.shift()!;
        roomWaiters.shift()?.();
        yield result;
        continue;
      }
      if (failure) throw failure;
      if (running === 0 || (exhausted && running === 0)) return;
      await new Promise<void>((resolve) => {
        notifyConsumer = resolve;
      });
    }
  } finally {
    stopped = true;
    for (const wake of roomWaiters.splice(0)) wake();
  }
}

export interface WatchedAccountsAssessment {
  access: AccountAccess;
  /** assessAccounts over these accounts with the configured concurrency and timeout, results as they finish. */
  assess(accounts: Iterable<WatchedAccount> | AsyncIterable<WatchedAccount>, managementAccountId: string | null): AsyncGenerator<AssessedAccount>;
  /** The watched accounts as the reports name them (Organizations name and OU). */
  accountIdentities(): Promise<AccountIdentity[]>;
  /** These watched accounts checked now, in one scan (ids not watched are left out). */
  assessIds(accountIds: readonly string[]): Promise<AssessedAccount[]>;
  close(): void;
}

/** The wiring `serve` and the terminal share: WATCH_ACCOUNTS' accounts, reached from the bot's own clients. */
export function watchedAccountsAssessment(
  aws: AwsClients,
  config: CheckCommandConfig,
  extras: { recorder?: AuditSessionRecorder; onClient?: AwsClientOptions['onClient'] } = {},
): WatchedAccountsAssessment {
  const clientOptions: AwsClientOptions = { region: config.aws.region, ...(extras.onClient ? { onClient: extras.onClient } : {}) };
  const access = createAccountAccess({ self: aws, clientOptions, config: config.accounts, ...(extras.recorder ? { recorder: extras.recorder } : {}) });
  const options: AssessAccountsOptions = { access, posture: config.posture, concurrency: config.accounts.concurrency, accountTimeoutMs: config.accounts.accountTimeoutSeconds * 1000 };
  return {
    access,
    assess: (accounts, managementAccountId) => assessAccounts(accounts, { ...options, managementAccountId }),
    accountIdentities: async () => (await access.listWatchedAccounts()).accounts.map(identityOf),
    assessIds: async (accountIds) => {
      const watched = await access.listWatchedAccounts();
      const wanted = new Set(accountIds);
      const assessed: AssessedAccount[] = [];
      for await (const result of assessAccounts(watched.accounts.filter((account) => wanted.has(account.id)), { ...options, managementAccountId: watched.managementAccountId })) assessed.push(result);
      return assessed;
    },
    close: () => access.close(),
  };
}
