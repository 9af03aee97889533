// Slash command ack latency: p50 / p99 over 500 real signed requests at concurrency 20, for the bot's Bolt app
// (createSlackApp, production settings: ack first, then the run) and for a bare Bolt app that only acks the same
// command, measured in the same run on loopback; each app runs in its own process (bench/ack-target.ts). Goal: p99 ratio <= 1.2 and bot p99 < 100 ms.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { signedSlashCommand, slashCommandFields, startFakeSlack, type FakeSlack } from '../test/fakes/slack/index.js';
import { formatMs, percentile, runConcurrently } from './stats.js';

const REQUESTS = 500;
const CONCURRENCY = 20;
const WARMUP = 50;
export const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';

export async function measure(url: string, slack: FakeSlack, count: number, text = '', concurrency = CONCURRENCY): Promise<number[]> {
  const latencies: number[] = [];
  await runConcurrently(count, concurrency, async () => {
    const fields = slashCommandFields({ responseUrl: slack.newResponseUrl(), text });
    const started = performance.now();
    const answer = await signedSlashCommand(url, SIGNING_SECRET, fields);
    latencies.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`ack answered HTTP ${answer.status}`);
  });
  return latencies;
}

/** Starts the app under test in a child process; resolves with its URL once it listens. */
export function startTarget(kind: 'bare' | 'bare-help' | 'bot' | 'bot-ack-only' | 'bot-help', slack: FakeSlack): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./ack-target.ts', import.meta.url)), kind, slack.apiUrl, slack.botToken, SIGNING_SECRET], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (chunk: Buffer) => {
      const port = Number(chunk.toString().trim());
      resolve({
        url: `http://127.0.0.1:${port}/slack/events`,
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

export async function benchAckLatency(): Promise<{ ratio: number; lines: string[] }> {
  const slack = await startFakeSlack();
  const bare = await startTarget('bare', slack);
  const bot = await startTarget('bot', slack);
  const ackOnly = await startTarget('bot-ack-only', slack);
  try {
    await measure(bare.url, slack, WARMUP);
    await measure(bot.url, slack, WARMUP);
    await measure(ackOnly.url, slack, WARMUP);
    // Alternate halves so neither app benefits from running second.
    const bareLatencies = [...(await measure(bare.url, slack, REQUESTS / 2))];
    const botLatencies = [...(await measure(bot.url, slack, REQUESTS / 2))];
    botLatencies.push(...(await measure(bot.url, slack, REQUESTS / 2)));
    bareLatencies.push(...(await measure(bare.url, slack, REQUESTS / 2)));
    const ackOnlyLatencies = await measure(ackOnly.url, slack, REQUESTS);
    const ackOnlyP99 = percentile(ackOnlyLatencies, 0.99);
    const bareP50 = percentile(bareLatencies, 0.5);
    const bareP99 = percentile(bareLatencies, 0.99);
    const botP50 = percentile(botLatencies, 0.5);
    const botP99 = percentile(botLatencies, 0.99);
    const ratio = botP99 / bareP99;
    return {
      ratio,
      lines: [
        `slash command ack latency (${REQUESTS} signed requests each, concurrency ${CONCURRENCY}, loopback)`,
        `  bare Bolt app (baseline): p50 ${formatMs(bareP50)}, p99 ${formatMs(bareP99)}`,
        `  aws-root-guard app:       p50 ${formatMs(botP50)}, p99 ${formatMs(botP99)}`,
        `  ratio p50 ${(botP50 / bareP50).toFixed(2)}, p99 ${ratio.toFixed(2)} (goal <= 1.2, p99 < 100 ms) ${ratio <= 1.2 && botP99 < 100 ? 'MET' : 'NOT MET'}`,
        `  the ack path alone (reports held back, so no delivery work competes): p50 ${formatMs(percentile(ackOnlyLatencies, 0.5))}, p99 ${formatMs(ackOnlyP99)}, p99 ratio ${(ackOnlyP99 / bareP99).toFixed(2)}`,
        '  (the difference is the report delivery after each ack: 500 reports rendered and posted within the same second)',
      ],
    };
  } finally {
    await bot.stop();
    await ackOnly.stop();
    await bare.stop();
    await slack.close();
  }
}
