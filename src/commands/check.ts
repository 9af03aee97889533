// `aws-root-guard check [--all | --account ID] [--json]`: the posture in a terminal, no Slack needed. One watched
// account (WATCH_ACCOUNTS=self, the default): its report, as it always was. Several: the organization overview as a
// table, or one account's full report with --account (by id, alias or Organizations name).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckConfig, type CheckCommandConfig, type Env } from '../config.js';
import { createAwsClients, describeFatalAwsError, type AwsClients, type WatchedAccount, type WatchedAccountList } from '../aws/index.js';
import { assessAccount, buildOverview, matchAccount, watchedAccountsAssessment, type AssessedAccount, type OverviewAccount, type OverviewInput, type PostureReport, type WatchedAccountsAssessment } from '../posture/index.js';
import { exitCodeFor, exitCodeForAccounts, renderOverviewText, renderReportText, toOrganizationJson, toReportJson } from '../terminal/index.js';
import { maskSecrets } from '../secrets.js';
import { openSqliteStore, STORE_FILE_NAME, type SqliteStore } from '../store/index.js';

export interface CheckCommandOptions {
  json: boolean;
  /** `--all`: the overview of every watched account, whatever their number. */
  all?: boolean;
  /** `--account`: one watched account's full report, by id, alias or Organizations name. */
  account?: string | null;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream;
  now?: () => Date;
}

export class CheckUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckUsageError';
  }
}

interface CheckRun {
  env: Env;
  config: CheckCommandConfig;
  options: CheckCommandOptions;
  stderr: NodeJS.WritableStream;
  now: () => Date;
}

export async function runCheckCommand(env: Env, options: CheckCommandOptions): Promise<number> {
  if (options.all && options.account) throw new CheckUsageError('--all and --account cannot be used together');
  const config = loadCheckConfig(env);
  const run: CheckRun = { env, config, options, stderr: options.stderr ?? process.stderr, now: options.now ?? (() => new Date()) };
  const clients = createAwsClients({ region: config.aws.region });
  try {
    if (!options.all && !options.account && config.accounts.watch.kind === 'self') return await checkOwnAccount(run, clients);
    const botState = openBotState(env);
    const watched = watchedAccountsAssessment(clients, config, botState ? { recorder: botState } : {});
    try {
      return await checkWatchedAccounts(run, watched, await aliasesFrom(botState));
    } finally {
      watched.close();
      await botState?.close();
    }
  } catch (error) {
    // No credentials, no network, STS or Organizations refused: no check could run at all.
    run.stderr.write(`aws-root-guard check: ${describeFatalAwsError(error)}\n`);
    return 2;
  } finally {
    clients.destroy();
  }
}

function colourOf(run: CheckRun): boolean {
  return run.options.stdout.isTTY === true && !run.env.NO_COLOR;
}

function printReport(run: CheckRun, report: PostureReport): number {
  if (run.options.json) run.options.stdout.write(`${JSON.stringify(toReportJson(report), null, 2)}\n`);
  else run.options.stdout.write(renderReportText(report, { colour: colourOf(run) }));
  return exitCodeFor(report);
}

/** The bot's own account, the way `check` always worked. */
async function checkOwnAccount(run: CheckRun, clients: AwsClients): Promise<number> {
  return printReport(run, await assessAccount(clients, run.config.posture));
}

/**
 * The running bot's state (DATA_DIR), when there is one: it learns the key ids of this command's AssumeRoot audit
 * sessions (so the bot does not alert on them as a person's root use), and its snapshots know the accounts' aliases.
 */
function openBotState(env: Env): SqliteStore | null {
  const dataDir = env.DATA_DIR?.trim() || './data';
  return existsSync(join(dataDir, STORE_FILE_NAME)) ? openSqliteStore({ dataDir }) : null;
}

/** Organizations knows names, not IAM aliases: an alias is known from the bot's latest snapshot of the account. */
async function aliasesFrom(botState: SqliteStore | null): Promise<ReadonlyMap<string, string | null>> {
  return new Map(((await botState?.latestPostureSnapshots()) ?? []).map((snapshot) => [snapshot.accountId, snapshot.report.account.alias]));
}

function overviewAccountOf(account: WatchedAccount, aliases: ReadonlyMap<string, string | null>): OverviewAccount & { watched: WatchedAccount } {
  return { id: account.id, alias: aliases.get(account.id) ?? null, name: account.name, ouId: account.ouId, ouPath: account.ouPath ?? null, watched: account };
}

async function checkWatchedAccounts(run: CheckRun, watched: WatchedAccountsAssessment, aliases: ReadonlyMap<string, string | null>): Promise<number> {
  const list = await watched.access.listWatchedAccounts();
  const candidates = list.accounts.map((account) => overviewAccountOf(account, aliases));
  if (run.options.account) return checkOneAccount(run, watched, list, candidates, run.options.account);
  if (!run.options.all && list.accounts.length === 1) {
    // One watched account (a list of one id): its report, in the single-account shape scripts already parse.
    return checkOneAccount(run, watched, list, candidates, list.accounts[0]!.id);
  }
  return checkOrganization(run, watched, list);
}

async function checkOneAccount(run: CheckRun, watched: WatchedAccountsAssessment, list: WatchedAccountList, candidates: ReadonlyArray<OverviewAccount & { watched: WatchedAccount }>, query: string): Promise<number> {
  const match = matchAccount(query, candidates);
  if (match.kind === 'none') {
    const suggestion = match.suggestion ? `; did you mean ${match.suggestion.name ?? match.suggestion.id} (${match.suggestion.id})?` : '';
    const shown = query.replace(/[^\p{L}\p{N} ._+=,@-]/gu, '?').slice(0, 80);
    run.stderr.write(`aws-root-guard check: no watched account matches '${shown}'${suggestion}\n`);
    return 2;
  }
  for await (const result of watched.assess([match.account.watched], list.managementAccountId)) {
    if (result.posture.ok) return printReport(run, result.posture.report);
    run.stderr.write(`aws-root-guard check: account ${result.account.id} could not be checked: ${maskSecrets(result.posture.error.message)}\n`);
    return 2;
  }
  throw new Error(`the check of ${match.account.id} returned no result`);
}

async function checkOrganization(run: CheckRun, watched: WatchedAccountsAssessment, list: WatchedAccountList): Promise<number> {
  const assessed: AssessedAccount[] = [];
  const progress = run.stderr as NodeJS.WritableStream & { isTTY?: boolean };
  for await (const result of watched.assess(list.accounts, list.managementAccountId)) {
    assessed.push(result);
    // A large organization takes minutes: a TTY sees how far the scan is.
    if (progress.isTTY) progress.write(`\rchecked ${assessed.length}/${list.accounts.length} accounts`);
  }
  if (progress.isTTY && assessed.length > 0) progress.write('\n');
  const generatedAt = run.now().toISOString();
  const byId = new Map(assessed.map((entry) => [entry.account.id, entry]));
  const overview = buildOverview(
    assessed.map((entry): OverviewInput => ({
      account: entry.posture.ok ? entry.posture.report.account : entry.account,
      result: entry.posture,
      checkedAt: entry.posture.ok ? entry.posture.report.generatedAt : generatedAt,
    })),
  );
  // The overview's order (worst first) for the JSON too, so the table and the JSON list accounts alike.
  const ordered = overview.lines.map((line) => byId.get(line.account.id)!);
  const skipped = list.skipped.map((account) => ({ id: account.id, name: account.name, status: account.status, reason: account.reason }));
  if (run.options.json) {
    run.options.stdout.write(`${JSON.stringify(toOrganizationJson({ assessed: ordered, generatedAt, totals: overview.totals, skipped }), null, 2)}\n`);
  } else {
    run.options.stdout.write(renderOverviewText(overview, { colour: colourOf(run), now: run.now(), leftOut: skipped }));
  }
  return exitCodeForAccounts(assessed);
}
