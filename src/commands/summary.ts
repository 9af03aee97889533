// `aws-root-guard summary [--json] [--last-week]`: the hygiene summary in a terminal, from the bot's store
// (DATA_DIR, or PostgreSQL when DATABASE_URL is set): the posture of its latest snapshots, a fresh check for accounts with none. Records nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckConfig, ConfigError, type Env } from '../config.js';
import { createAwsClients } from '../aws/index.js';
import { openPostgresStore, openSqliteStore, readPostgresConfig, STORE_FILE_NAME, type Store } from '../store/index.js';
import { buildSummaryOnDemand, parseSummaryConfig, renderWeeklySummaryText, storeSummarySources } from '../summary/index.js';
import { watchedAccountsAssessment } from '../posture/index.js';
import { coverageLine, readCoverage } from '../activity/index.js';

export interface SummaryCommandOptions {
  json: boolean;
  lastWeek: boolean;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  now?: Date;
}

export async function runSummaryCommand(env: Env, options: SummaryCommandOptions): Promise<number> {
  const config = loadCheckConfig(env);
  const { config: summaryConfig, problems } = parseSummaryConfig(env);
  const database = readPostgresConfig(env);
  if (problems.length + database.problems.length > 0) throw new ConfigError([...problems, ...database.problems]);
  const dataDir = env.DATA_DIR?.trim() || './data';
  const hasState = database.config !== null || existsSync(join(dataDir, STORE_FILE_NAME));
  const store = database.config ? await openPostgresStore(database.config) : openLocalState(dataDir);
  const aws = createAwsClients({ region: config.aws.region });
  const watched = watchedAccountsAssessment(aws, config);
  try {
    // The coverage line from what the running bot last recorded in its store (none without its state).
    const record = hasState ? await store.readCoverageRecord() : null;
    const coverage = async () => (record?.lastPassAt ? coverageLine(await readCoverage({ record: () => record, store })) : null);
    // The bot's snapshots when DATA_DIR has them; accounts without one are checked now (and nothing is recorded).
    const sources = storeSummarySources(store, { watchedAccounts: () => watched.accountIdentities(), assessFresh: (accountIds) => watched.assessIds(accountIds), coverage });
    const summary = await buildSummaryOnDemand({ sources, timezone: summaryConfig.timezone, now: options.now ?? new Date(), scope: options.lastWeek ? 'last-week' : 'this-week' });
    if (options.json) options.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else options.stdout.write(renderWeeklySummaryText(summary, { colour: options.stdout.isTTY === true && !env.NO_COLOR }));
    return summary.checksFailed.length > 0 ? 2 : 0;
  } finally {
    watched.close();
    aws.destroy();
    await store.close();
  }
}

/** The SQLite state in DATA_DIR; without it an empty in-memory store stands in, so no data directory is created by a look. */
function openLocalState(dataDir: string): Store {
  if (existsSync(join(dataDir, STORE_FILE_NAME))) return openSqliteStore({ dataDir });
  process.stderr.write(`aws-root-guard summary: no bot state in ${dataDir} (set DATA_DIR to the bot's data directory, or DATABASE_URL); showing posture only.\n`);
  return openSqliteStore({ path: ':memory:' });
}
