// Poll-to-post latency of two replicas on PostgreSQL against one replica on SQLite, in the same run: real `serve`
// processes (each side its own fake CloudTrail and fake Slack, all polling every second), and the same root sign-in
// made visible on both sides at the same instant, so a load spike from the machine's other work lands on both alike.
// Per event: the time from visible in CloudTrail's event history to the alert posted (bench/visible-to-posted.ts).
// Goal: the two replicas' p50 within 1.2x of the one replica's. PostgreSQL is TEST_DATABASE_URL (a fresh schema);
// without it the bench says so and measures nothing.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killed, startBotProcess } from '../test/alerts/support/bot-process.js';
import { hardenedAccount, startFakeAws, type FakeAws } from '../test/fakes/aws/index.js';
import { startFakeSlack, type FakeSlack } from '../test/fakes/slack/index.js';
import { freshSchema } from '../test/store/postgres-database.js';
import { botEnvironment, freePort } from '../test/support/bot.js';
import { formatMs, loadLine, percentile } from './stats.js';
import { visibleToPostedMs } from './visible-to-posted.js';

const EVENTS = 20;
// 1.5 to 2.5 s apart: events land at every phase of the 1-second poll tick, not the same one each time.
const SPACING_MS = 1_500;
const SPACING_JITTER_MS = 1_000;
const GOAL_RATIO = 1.2;

interface Side {
  name: string;
  fake: FakeAws;
  slack: FakeSlack;
  replicas: ChildProcess[];
  latencies: number[];
}

async function startSide(name: string, replicas: number, database: { url: string } | null, schedule: string, dataDirs: string[]): Promise<Side> {
  const fake = await startFakeAws({ state: hardenedAccount() });
  const slack = await startFakeSlack();
  const children: ChildProcess[] = [];
  for (let index = 0; index < replicas; index += 1) {
    const dataDir = mkdtempSync(join(tmpdir(), 'root-guard-replica-latency-'));
    dataDirs.push(dataDir);
    const env = {
      PATH: process.env.PATH,
      ...botEnvironment({ slack, aws: fake, dataDir, signingSecret: 'bench-replica-latency-signing-0123' }),
      ...(database ? { DATABASE_URL: database.url } : {}),
      PORT: String(await freePort()),
      POLL_SCHEDULE: schedule,
      LOG_LEVEL: 'silent',
    };
    children.push(startBotProcess(env));
  }
  return { name, fake, slack, replicas: children, latencies: [] };
}

/** One schedule: both sides started, warmed up, EVENTS events measured on both at once; the figures' lines. */
async function measureSchedule(url: string, schedule: { expression: string; words: string }): Promise<{ ratio: number; lines: string[] }> {
  const schema = await freshSchema(url, 'bench_replicas');
  const dataDirs: string[] = [];
  const sides = [await startSide('one replica on SQLite', 1, null, schedule.expression, dataDirs), await startSide('two replicas on PostgreSQL', 2, schema, schedule.expression, dataDirs)];
  const loadBefore = loadLine();
  let startedMs = 0;
  let measuredMs = 0;
  try {
    // Warm-up: every process started and polling (these posts are not counted).
    await Promise.all(sides.map((side) => visibleToPostedMs(side.fake, side.slack, `warm-up-${side.name}`).then(() => visibleToPostedMs(side.fake, side.slack, `warm-up-2-${side.name}`))));
    startedMs = performance.now();
    for (const side of sides) side.fake.requests.length = 0;
    for (let index = 0; index < EVENTS; index += 1) {
      await Promise.all(sides.map(async (side) => side.latencies.push(await visibleToPostedMs(side.fake, side.slack, `replica-latency-${index}`))));
      await new Promise((resolve) => setTimeout(resolve, SPACING_MS + Math.random() * SPACING_JITTER_MS));
    }
    measuredMs = performance.now() - startedMs;
  } finally {
    await Promise.all(sides.flatMap((side) => side.replicas.map((child) => killed(child))));
    for (const side of sides) {
      await side.slack.close();
      await side.fake.close();
    }
    await schema.drop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
  const [sqlite, postgres] = sides.map((side) => ({ side, p50: percentile(side.latencies, 0.5), p90: percentile(side.latencies, 0.9), max: Math.max(...side.latencies) }));
  const ratio = postgres!.p50 / sqlite!.p50;
  // Poll passes seen at each fake (LookupEvents requests grouped by the window end a pass sends): a replica whose
  // pass outlasts the tick skips the next one (noOverlap), while of two replicas the idle one takes it.
  const passesPerSecond = (side: Side) => new Set(side.fake.requests.filter((request) => request.operation === 'LookupEvents').map((request) => String(request.params.EndTime))).size / (measuredMs / 1000);
  return {
    ratio,
    lines: [
      `  poll ${schedule.words}:`,
      ...[sqlite!, postgres!].map((figures) => `    ${figures.side.name}: p50 ${formatMs(figures.p50)}, p90 ${formatMs(figures.p90)}, max ${formatMs(figures.max)}; ${passesPerSecond(figures.side).toFixed(2)} poll passes a second`),
      `    p50 ratio ${ratio.toFixed(2)} (goal <= ${GOAL_RATIO}: ${ratio <= GOAL_RATIO ? 'met' : 'not met'}), p90 ratio ${(postgres!.p90 / sqlite!.p90).toFixed(2)}; ${loadBefore} before, ${loadLine()} after`,
    ],
  };
}

export async function benchReplicaLatency(): Promise<{ ratio: number; lines: string[] }> {
  const url = process.env.TEST_DATABASE_URL?.trim();
  if (!url) return { ratio: Number.NaN, lines: ['poll-to-post latency, two replicas on PostgreSQL vs one on SQLite: skipped, TEST_DATABASE_URL is not set'] };
  // Every second, one replica's pass may outlast the tick; every 2 s, both sides poll every tick (like for like).
  const everySecond = await measureSchedule(url, { expression: '* * * * * *', words: 'every 1 s' });
  const everyTwo = await measureSchedule(url, { expression: '*/2 * * * * *', words: 'every 2 s' });
  return {
    ratio: Math.max(everySecond.ratio, everyTwo.ratio),
    lines: [`event visible -> alert posted, two replicas on PostgreSQL vs one on SQLite (${EVENTS} events each, the same instant on both, real serve processes)`, ...everySecond.lines, ...everyTwo.lines],
  };
}
