// `aws-root-guard status` reads the coverage record from the bot's store, so it works on any host that reaches the
// store: the SQLite file in DATA_DIR, or DATABASE_URL's PostgreSQL (replicas on separate hosts, no DATA_DIR there).
// PostgreSQL runs skip without TEST_DATABASE_URL (printed).
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoverageRecord, CoverageReport } from '../../src/activity/index.js';
import { runStatusCommand } from '../../src/commands/status.js';
import { openPostgresStore, openSqliteStore, readPostgresConfig, type BotStore } from '../../src/store/index.js';
import { tempDir } from '../store/helpers.js';
import { freshSchema, testDatabaseUrl } from '../store/postgres-database.js';

const PROD = '210000000031';
const databaseUrl = testDatabaseUrl();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function sink(): Writable & { text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return Object.assign(stream, { text: () => text });
}

/** What the bot records after a pass that read both Regions of PROD. */
async function recordPass(store: BotStore): Promise<void> {
  const now = new Date().toISOString();
  const record: CoverageRecord = { writtenAt: now, lastPassAt: now, pollIntervalMs: 60_000, queue: null, accounts: [{ accountId: PROD, name: 'prod', problem: null, regions: [{ region: 'us-east-1', problem: null }, { region: 'eu-west-1', problem: null }] }] };
  await store.writeCoverageRecord(record);
  for (const region of ['us-east-1', 'eu-west-1']) await store.commitBatch({ accountId: PROD, region, cursor: now, events: [], malformedCount: 0 });
}

async function status(env: Record<string, string>): Promise<{ code: number; report: CoverageReport | null; stderr: string }> {
  const stdout = sink();
  const stderr = sink();
  const code = await runStatusCommand(env, { json: true, stdout, stderr });
  return { code, report: stdout.text() ? (JSON.parse(stdout.text()) as CoverageReport) : null, stderr: stderr.text() };
}

describe('aws-root-guard status', () => {
  it('reads the coverage record the bot wrote to its SQLite store in DATA_DIR', async () => {
    const dir = tempDir('arg-status-');
    cleanups.push(() => dir.remove());
    const store = openSqliteStore({ dataDir: dir.path });
    await recordPass(store);
    await store.close();
    const { code, report } = await status({ DATA_DIR: dir.path });
    expect(code).toBe(0);
    expect(report?.totals).toMatchObject({ accounts: 1, regions: 2, unreadableAccounts: 0, failingRegions: 0, laggingRegions: 0 });
  });

  it('says there is no bot state (exit 2) without the store', async () => {
    const dir = tempDir('arg-status-');
    cleanups.push(() => dir.remove());
    const { code, stderr } = await status({ DATA_DIR: dir.path });
    expect(code).toBe(2);
    expect(stderr).toContain('or DATABASE_URL to its PostgreSQL');
  });

  it.skipIf(databaseUrl === null)('reads it from DATABASE_URL, written there by a replica on another host (no DATA_DIR here)', async () => {
    const schema = await freshSchema(databaseUrl!, 'status');
    cleanups.push(schema.drop);
    const { config } = readPostgresConfig({ DATABASE_URL: schema.url });
    const replica = await openPostgresStore(config!);
    await recordPass(replica);
    await replica.close();
    const empty = tempDir('arg-status-');
    cleanups.push(() => empty.remove());
    const { code, report } = await status({ DATABASE_URL: schema.url, DATA_DIR: empty.path });
    expect(code).toBe(0);
    expect(report?.accounts.map((account) => [account.accountId, account.regions.length])).toEqual([[PROD, 2]]);
  });
});
