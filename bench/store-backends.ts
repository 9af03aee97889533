// The store on its two backends in the same run: SQLite (a file, the embedded default) as the baseline, PostgreSQL
// (TEST_DATABASE_URL, a fresh schema; skipped with a message when unset) beside it. Two workloads:
// - commitBatch of 10,000 root events in one batch (one transaction: events, alerts, outbox rows, the cursor);
// - the outbox sender draining 1,000 alert posts: claim, pacing slot, render (store reads), post, mark sent, for
//   each row. Slack is an in-process messenger that answers at once and the pace is 0 ms, so the figure is the
//   store's share of a send, not Slack's one message a second per channel.
// Figures for the README, no goal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOutboxSender, type SlackMessenger } from '../src/alerts/index.js';
import { createLogger } from '../src/log.js';
import { createOutboxRenderer } from '../src/slack/index.js';
import { openPostgresStore, openSqliteStore, readPostgresConfig, type BotStore } from '../src/store/index.js';
import { batch, rootEvent } from '../test/store/helpers.js';
import { freshSchema } from '../test/store/postgres-database.js';

const EVENTS = 10_000;
const POSTS = 1_000;

interface BackendFigures {
  name: string;
  commitSeconds: number;
  drainSeconds: number;
}

function instantSlack(): SlackMessenger & { posts: number } {
  let ts = 0;
  return {
    posts: 0,
    async postMessage(message) {
      this.posts += 1;
      ts += 1;
      return { channel: message.channel, ts: `1767000000.${String(ts).padStart(6, '0')}` };
    },
    async updateMessage(update) {
      return { channel: update.channel, ts: update.ts };
    },
  };
}

/** Root events of distinct sessions an hour apart from each other's group window, so each is an alert of its own. */
function events(count: number, offset: number) {
  return Array.from({ length: count }, (_, index) =>
    rootEvent({ eventId: `bench-${offset}-${String(index).padStart(6, '0')}`, eventTime: new Date(Date.UTC(2026, 10, 2) + (offset + index) * 1000).toISOString() }),
  );
}

async function measure(name: string, open: () => Promise<BotStore>): Promise<BackendFigures> {
  const store = await open();
  try {
    const commitStarted = performance.now();
    const committed = await store.commitBatch(batch(events(EVENTS, 0)));
    const commitSeconds = (performance.now() - commitStarted) / 1000;
    if (committed.inserted !== EVENTS) throw new Error(`${name}: commitBatch inserted ${committed.inserted} of ${EVENTS}`);

    // A fresh store for the drain: exactly POSTS alert posts pending.
    const drainStore = await open();
    try {
      await drainStore.commitBatch(batch(events(POSTS, EVENTS), { region: 'eu-west-1' }));
      const pending = (await drainStore.outboxCounts()).pending;
      const slack = instantSlack();
      const sender = createOutboxSender({
        store: drainStore,
        messenger: slack,
        render: createOutboxRenderer(),
        defaultChannel: 'C0BENCH001',
        logger: createLogger({ level: 'silent', secretValues: [] }),
        channelIntervalMs: 0,
      });
      const drainStarted = performance.now();
      await sender.sendDue();
      const drainSeconds = (performance.now() - drainStarted) / 1000;
      const counts = await drainStore.outboxCounts();
      if (slack.posts < POSTS || counts.pending !== 0) throw new Error(`${name}: the drain posted ${slack.posts} of ${pending}, ${counts.pending} left pending`);
      return { name, commitSeconds, drainSeconds };
    } finally {
      await drainStore.close();
    }
  } finally {
    await store.close();
  }
}

export async function benchStoreBackends(): Promise<{ lines: string[] }> {
  const lines = [`store backends: commitBatch of ${EVENTS.toLocaleString('en')} root events, and the outbox drain of ${POSTS.toLocaleString('en')} alert posts (Slack answering at once, no pacing)`];
  const figures: BackendFigures[] = [];
  const dirs: string[] = [];
  try {
    figures.push(
      await measure('SQLite (file, WAL, synchronous=FULL)', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'root-guard-bench-store-'));
        dirs.push(dir);
        return openSqliteStore({ dataDir: dir });
      }),
    );
    const url = process.env.TEST_DATABASE_URL?.trim();
    if (!url) {
      lines.push('  PostgreSQL skipped: TEST_DATABASE_URL is not set (source .ci/postgres.sh && start_test_postgres)');
    } else {
      const schemas: Array<Awaited<ReturnType<typeof freshSchema>>> = [];
      try {
        figures.push(
          await measure('PostgreSQL (TEST_DATABASE_URL)', async () => {
            const schema = await freshSchema(url, 'bench');
            schemas.push(schema);
            return openPostgresStore(readPostgresConfig({ DATABASE_URL: schema.url }).config!);
          }),
        );
      } finally {
        for (const schema of schemas) await schema.drop();
      }
    }
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  const [baseline] = figures;
  for (const figure of figures) {
    const commitRatio = figure.commitSeconds / baseline!.commitSeconds;
    const drainRatio = figure.drainSeconds / baseline!.drainSeconds;
    lines.push(
      `  ${figure.name}: commitBatch ${figure.commitSeconds.toFixed(2)} s (${Math.round(EVENTS / figure.commitSeconds).toLocaleString('en')} events/s, ${commitRatio.toFixed(2)}x SQLite);` +
        ` drain ${figure.drainSeconds.toFixed(2)} s (${Math.round(POSTS / figure.drainSeconds).toLocaleString('en')} posts/s, ${drainRatio.toFixed(2)}x SQLite)`,
    );
  }
  return { lines };
}
