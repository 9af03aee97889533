// The ack path alone: `/aws-root-check help`, answered inside the ack, against a bare Bolt app that acks the same
// usage message (rendered once), measured in the same run on loopback, each app in its own process
// (bench/ack-target.ts). Runs alternate (bare, bot, bot, bare, ...) so neither side benefits from going second; many
// short rounds rather than a few long ones, so a load spike from the other builds on this shared machine lands on
// both sides alike instead of on one side's whole round (the median of the per-round ratios is printed too).
// What the ratio shows is what our path adds to Bolt's: middleware, logging, the replay guard, the authorizer, the
// rendering. Goal: p50 ratio <= 1.2.
import { startFakeSlack } from '../test/fakes/slack/index.js';
import { measure, startTarget } from './ack-latency.js';
import { loadavg } from 'node:os';
import { formatMs, median, percentile } from './stats.js';

const ROUNDS = 24;
const REQUESTS_PER_RUN = 100;
const CONCURRENCY = 1;
const WARMUP = 200;

export async function benchAckHelpLatency(): Promise<{ ratio: number; lines: string[] }> {
  const slack = await startFakeSlack();
  const bare = await startTarget('bare-help', slack);
  const bot = await startTarget('bot-help', slack);
  try {
    await measure(bare.url, slack, WARMUP, 'help', CONCURRENCY);
    await measure(bot.url, slack, WARMUP, 'help', CONCURRENCY);
    const bareLatencies: number[] = [];
    const botLatencies: number[] = [];
    const roundRatios: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const order = round % 2 === 0 ? [bare, bot] : [bot, bare];
      const samples = new Map<typeof bare, number[]>();
      for (const target of order) samples.set(target, await measure(target.url, slack, REQUESTS_PER_RUN, 'help', CONCURRENCY));
      bareLatencies.push(...samples.get(bare)!);
      botLatencies.push(...samples.get(bot)!);
      roundRatios.push(percentile(samples.get(bot)!, 0.5) / percentile(samples.get(bare)!, 0.5));
    }
    const bareP50 = percentile(bareLatencies, 0.5);
    const botP50 = percentile(botLatencies, 0.5);
    const ratio = botP50 / bareP50;
    const load = loadavg().map((value) => value.toFixed(1)).join(' ');
    return {
      ratio,
      lines: [
        `help ack latency (/aws-root-check help answered in the ack; ${ROUNDS} alternating rounds of ${REQUESTS_PER_RUN} signed requests, concurrency ${CONCURRENCY}, loopback; load at the end ${load})`,
        `  bare Bolt app acking the same usage (baseline): p50 ${formatMs(bareP50)}, p99 ${formatMs(percentile(bareLatencies, 0.99))}`,
        `  aws-root-guard app (log level info):           p50 ${formatMs(botP50)}, p99 ${formatMs(percentile(botLatencies, 0.99))}`,
        `  ratio p50 ${ratio.toFixed(2)} (goal <= 1.2) ${ratio <= 1.2 ? 'MET' : 'NOT MET'}; median of the per-round ratios ${median(roundRatios).toFixed(2)}; per round ${roundRatios.map((value) => value.toFixed(2)).join(' ')}`,
      ],
    };
  } finally {
    await bot.stop();
    await bare.stop();
    await slack.close();
  }
}
