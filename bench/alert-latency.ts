// Time from a root event becoming visible in CloudTrail's event history to its alert being posted, through the
// whole bot as main.ts wires it (poller on a 1-second schedule, store, outbox sender) against the fake CloudTrail
// and the fake Slack. Events are added one at a time, 1.5 s apart, so Slack's per-channel pacing does not queue
// them. In production the bound is POLL_SCHEDULE (1 minute) plus CloudTrail's own delivery delay (~5 minutes).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBot } from '../src/main.js';
import { createLogger } from '../src/log.js';
import { hardenedAccount, startFakeAws } from '../test/fakes/aws/index.js';
import { startFakeSlack } from '../test/fakes/slack/index.js';
import { botEnvironment } from '../test/support/bot.js';
import { formatMs, percentile } from './stats.js';
import { visibleToPostedMs } from './visible-to-posted.js';

const EVENTS = 12;
const SPACING_MS = 1_500;

export async function benchAlertLatency(): Promise<{ ratio: number; lines: string[] }> {
  const fake = await startFakeAws({ state: hardenedAccount() });
  const slack = await startFakeSlack();
  const dataDir = mkdtempSync(join(tmpdir(), 'root-guard-latency-'));
  const env = { ...botEnvironment({ slack, aws: fake, dataDir, signingSecret: 'bench-latency-signing-secret-0123' }), POLL_SCHEDULE: '* * * * * *' };
  const saved = { ...process.env };
  for (const [name, value] of Object.entries(env)) process.env[name] = value;
  const bot = await startBot(env, { listen: { port: 0, host: '127.0.0.1' }, logger: createLogger({ level: 'silent', secretValues: [] }) });
  const latencies: number[] = [];
  try {
    for (let index = 0; index < EVENTS; index += 1) {
      latencies.push(await visibleToPostedMs(fake, slack, `latency-${index}`));
      await new Promise((resolve) => setTimeout(resolve, SPACING_MS));
    }
  } finally {
    await bot.stop();
    await slack.close();
    await fake.close();
    process.env = saved;
    rmSync(dataDir, { recursive: true, force: true });
  }
  const p50 = percentile(latencies, 0.5);
  const max = Math.max(...latencies);
  return {
    // Against the poll interval: waiting for the next tick alone averages half of it.
    ratio: p50 / 1_000,
    lines: [
      `event visible -> alert posted (${EVENTS} events, poll every 1 s, whole bot, fake CloudTrail and Slack)`,
      `  p50 ${formatMs(p50)}, max ${formatMs(max)}: the wait for the next 1 s poll tick (500 ms on average) plus reading, storing and posting`,
    ],
  };
}
