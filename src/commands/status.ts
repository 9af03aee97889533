// `aws-root-guard status [--json]`: the running bot's coverage from another process: the coverage record the bot
// writes to its store after every poll pass (DATABASE_URL's PostgreSQL, or the SQLite file in DATA_DIR), the store's
// cursors and unreadable records, and the events queue's depth, oldest message, dead-letter queue and member rules
// (which accounts it hears: the StackSet's instances) read live.
// Records nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Env } from '../config.js';
import { createEventsQueueClient, createQueueMetricsClient, createStackSetsClient } from '../aws/index.js';
import { createMemberRulesReader, loadPollConfig, readCoverage, readQueueHealth } from '../activity/index.js';
import { openPostgresStore, openSqliteStore, readPostgresConfig, STORE_FILE_NAME } from '../store/index.js';
import { renderCoverageText } from '../terminal/index.js';

export interface StatusCommandOptions {
  json: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Exit code: 0 every watched account-Region read, 1 something could not be read or lags, 2 no bot state to read. */
export async function runStatusCommand(env: Env, options: StatusCommandOptions): Promise<number> {
  const poll = loadPollConfig(env);
  const dataDir = env.DATA_DIR?.trim() || './data';
  const database = readPostgresConfig(env);
  if (database.problems.length > 0) throw new ConfigError(database.problems);
  if (!database.config && !existsSync(join(dataDir, STORE_FILE_NAME))) {
    options.stderr.write(`aws-root-guard status: no bot state in ${dataDir}: set DATA_DIR to the running bot's data directory, or DATABASE_URL to its PostgreSQL\n`);
    return 2;
  }
  const store = database.config ? await openPostgresStore(database.config) : openSqliteStore({ dataDir });
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || 'us-east-1';
  const queueUrl = poll.eventsQueueUrl;
  let queue: { sqs: ReturnType<typeof createEventsQueueClient>; cloudWatch: ReturnType<typeof createQueueMetricsClient>; stackSets: ReturnType<typeof createStackSetsClient> } | null = null;
  try {
    const record = await store.readCoverageRecord();
    if (queueUrl && record?.queue) queue = { sqs: createEventsQueueClient({ region, maxAttempts: 2 }, queueUrl), cloudWatch: createQueueMetricsClient({ region, maxAttempts: 2 }, queueUrl), stackSets: createStackSetsClient({ region, maxAttempts: 2 }, queueUrl) };
    const clients = queue;
    const memberRules = clients && queueUrl ? createMemberRulesReader({ cloudFormation: clients.stackSets, stackSetName: poll.eventsStackSetName, queueUrl }) : null;
    const report = await readCoverage({ record: () => record, store, ...(clients && queueUrl ? { queueHealth: () => readQueueHealth(clients, queueUrl) } : {}), ...(memberRules ? { memberRules: () => memberRules.read() } : {}) });
    options.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderCoverageText(report));
    if (record === null) return 1;
    return report.totals.unreadableAccounts + report.totals.failingRegions + report.totals.laggingRegions > 0 ? 1 : 0;
  } finally {
    queue?.sqs.destroy();
    queue?.cloudWatch.destroy();
    queue?.stackSets.destroy();
    await store.close();
  }
}
