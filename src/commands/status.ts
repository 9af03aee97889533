// `aws-root-guard status [--json]`: the running bot's coverage from another process: the coverage record the bot
// writes to DATA_DIR after every poll pass, the store's cursors and unreadable records, and the events queue's
// depth read live. Records nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../config.js';
import { createEventsQueueClient } from '../aws/index.js';
import { loadPollConfig, readCoverage, readCoverageRecord, readQueueDepth } from '../activity/index.js';
import { openSqliteStore, STORE_FILE_NAME } from '../store/index.js';
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
  if (!existsSync(join(dataDir, STORE_FILE_NAME))) {
    options.stderr.write(`aws-root-guard status: no bot state in ${dataDir}: set DATA_DIR to the running bot's data directory\n`);
    return 2;
  }
  const record = readCoverageRecord(dataDir);
  const store = openSqliteStore({ dataDir });
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || 'us-east-1';
  const queueUrl = poll.eventsQueueUrl;
  const sqs = queueUrl && record?.queue ? createEventsQueueClient({ region, maxAttempts: 2 }, queueUrl) : null;
  try {
    const report = await readCoverage({ record: () => record, store, ...(sqs && queueUrl ? { queueDepth: () => readQueueDepth(sqs, queueUrl) } : {}) });
    options.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderCoverageText(report));
    if (record === null) return 1;
    return report.totals.unreadableAccounts + report.totals.failingRegions + report.totals.laggingRegions > 0 ? 1 : 0;
  } finally {
    sqs?.destroy();
    await store.close();
  }
}
