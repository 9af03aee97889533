// /healthz, /readyz and /metrics of the whole bot as main.ts wires it, over real HTTP: on the Slack port
// in HTTP mode (Bolt custom routes) and on HEALTH_PORT in Socket Mode; and the Docker healthcheck asking them.
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import { runHealthcheckCommand } from '../../src/commands/healthcheck.js';
import { hardenedAccount, startFakeAws, type FakeAws } from '../fakes/aws/index.js';
import { signedSlashCommand, slashCommandFields, startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { botEnvironment, freePort } from '../support/bot.js';

const SIGNING_SECRET = 'ops-signing-secret-0123456789abcdef';
// Room for a loaded 2-core machine: the first poll pass can take a while; none of this is a speed goal.
const TEST_TIMEOUT_MS = 60_000;

interface ReadyBody {
  ready: boolean;
  checks: Array<{ name: string; ok: boolean; detail: string; lastPassAt?: string | null; lastPassBy?: string | null }>;
}

function quietLogger() {
  return createLogger({ level: 'silent', secretValues: [], destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });
}

function collect(): { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; text: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stdout: sink, stderr: sink, text: () => text };
}

let fakeAws: FakeAws;
let slack: FakeSlack;
const savedEnv = { ...process.env };
const dirs: string[] = [];

async function bootBot(overrides: Record<string, string> = {}): Promise<{ bot: RunningBot; base: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'root-guard-ops-'));
  dirs.push(dataDir);
  const env = { ...botEnvironment({ slack, aws: fakeAws, dataDir, signingSecret: SIGNING_SECRET }), ...overrides };
  for (const [name, value] of Object.entries(env)) process.env[name] = value;
  const bot = await startBot(env, { listen: { port: 0, host: '127.0.0.1' }, logger: quietLogger() });
  return { bot, base: `http://127.0.0.1:${bot.healthPort}` };
}

beforeAll(async () => {
  fakeAws = await startFakeAws({ state: hardenedAccount() });
  slack = await startFakeSlack({ socketMode: true });
});

afterAll(async () => {
  await slack?.close();
  await fakeAws?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  process.env = savedEnv;
});

describe('the operations endpoints in HTTP mode (on PORT, beside /slack/events)', () => {
  let bot: RunningBot;
  let base: string;
  beforeAll(async () => {
    ({ bot, base } = await bootBot());
  });
  afterAll(async () => {
    await bot?.stop();
  });

  it('/healthz answers 200 on the Slack port, which still takes signed Slack requests', async () => {
    expect(bot.healthPort).toBe(bot.port);
    const answer = await fetch(`${base}/healthz`);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('ok\n');
    const slash = await signedSlashCommand(`${base}/slack/events`, SIGNING_SECRET, slashCommandFields({ responseUrl: slack.newResponseUrl(), text: 'help' }));
    expect(slash.status).toBe(200);
  }, TEST_TIMEOUT_MS);

  it('/readyz is 200 once the store answers, auth.test passed and a poll pass finished', async () => {
    const ready = await pollUntil(async () => {
      const answer = await fetch(`${base}/readyz`);
      const parsed = (await answer.json()) as ReadyBody;
      // Ready before the first pass too (start-up grace): wait for the pass itself.
      return answer.status === 200 && parsed.checks.some((check) => check.detail.startsWith('last poll pass')) ? parsed : null;
    });
    expect(ready.checks.map((check) => [check.name, check.ok])).toEqual([['store', true], ['slack', true], ['poll', true]]);
    // Read from the store: the pass this process ran, under its replica name (host:port).
    expect(ready.checks.find((check) => check.name === 'poll')).toMatchObject({
      detail: expect.stringMatching(/^last poll pass \d+ s ago by \S+ \(at most 180 s allowed\)$/),
      lastPassAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lastPassBy: `${hostname()}:${bot.config.healthPort}`,
    });
    expect(slack.calls('auth.test').length).toBeGreaterThan(0);
  }, TEST_TIMEOUT_MS);

  it('/metrics serves the Prometheus text with the bot\'s metrics', async () => {
    const answer = await fetch(`${base}/metrics`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await answer.text();
    for (const name of ['aws_root_guard_poll_lag_seconds', 'aws_root_guard_events_ingested_total', 'aws_root_guard_malformed_records_total', 'aws_root_guard_alerts_open', 'aws_root_guard_outbox_depth', 'aws_root_guard_outbox_oldest_pending_age_seconds', 'aws_root_guard_aws_errors_total', 'aws_root_guard_slack_errors_total', 'aws_root_guard_posture_run_duration_seconds', 'aws_root_guard_process_resident_memory_bytes']) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
    expect(text).toMatch(/^aws_root_guard_poll_lag_seconds\{account_id="\d{12}",region="us-east-1"\} \d/m);
    expect(text).toMatch(/^aws_root_guard_outbox_depth\{state="pending"\} \d+$/m);
  }, TEST_TIMEOUT_MS);

  it('the Docker healthcheck reports healthy against it, and unhealthy when nothing answers', async () => {
    const healthy = collect();
    expect(await runHealthcheckCommand({ PORT: String(bot.port) }, healthy)).toBe(0);
    expect(healthy.text()).toContain(`healthy: http://127.0.0.1:${bot.port}/healthz answered 200`);
    const closedPort = await freePort();
    const unhealthy = collect();
    expect(await runHealthcheckCommand({ PORT: String(closedPort) }, unhealthy)).toBe(1);
    expect(unhealthy.text()).toContain(`unhealthy: http://127.0.0.1:${closedPort}/healthz did not answer (ECONNREFUSED)`);
  }, TEST_TIMEOUT_MS);
});

describe('readiness when something is wrong', () => {
  it('/readyz is 503 and names auth.test when Slack did not answer it at start; /healthz stays 200', async () => {
    slack.faults.serverError('auth.test', { status: 503, times: 1 });
    const { bot, base } = await bootBot();
    try {
      const answer = await fetch(`${base}/readyz`);
      expect(answer.status).toBe(503);
      const body = (await answer.json()) as ReadyBody;
      expect(body.ready).toBe(false);
      expect(body.checks.find((check) => check.name === 'slack')).toMatchObject({ ok: false, detail: expect.stringMatching(/^auth\.test failed: .*503/) });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      slack.faults.clear();
      await bot.stop();
    }
  }, TEST_TIMEOUT_MS);

  it('a token Slack refuses stops start-up before the Slack app, the sender or polling start', async () => {
    slack.faults.error('auth.test', 'invalid_auth', { times: Number.POSITIVE_INFINITY });
    const slackCallsBefore = slack.requests.length;
    const awsCallsBefore = fakeAws.requests.length;
    try {
      await expect(bootBot()).rejects.toThrow(/^Slack refused SLACK_BOT_TOKEN \(auth\.test failed: invalid_auth\)/);
    } finally {
      slack.faults.clear();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.requests.slice(slackCallsBefore).map((call) => call.method)).toEqual(['auth.test']);
    expect(fakeAws.requests.length).toBe(awsCallsBefore);
  }, TEST_TIMEOUT_MS);

  it('/readyz is 503 when no poll pass finished within three schedule intervals (AWS unreachable)', async () => {
    // Every second: three intervals are 3 s. Nothing answers on the discard port, so no pass ever finishes.
    const dataDir = mkdtempSync(join(tmpdir(), 'root-guard-ops-down-'));
    dirs.push(dataDir);
    const env = { ...botEnvironment({ slack, aws: { url: 'http://127.0.0.1:9' }, dataDir, signingSecret: SIGNING_SECRET }), POLL_SCHEDULE: '* * * * * *' };
    for (const [name, value] of Object.entries(env)) process.env[name] = value;
    const bot = await startBot(env, { listen: { port: 0, host: '127.0.0.1' }, logger: quietLogger() });
    try {
      const body = await pollUntil(async () => {
        const answer = await fetch(`http://127.0.0.1:${bot.healthPort}/readyz`);
        return answer.status === 503 ? ((await answer.json()) as ReadyBody) : null;
      });
      expect(body.checks.find((check) => check.name === 'poll')).toMatchObject({ ok: false, detail: expect.stringMatching(/^no poll pass yet, started \d+ s ago \(at most 3 s allowed\)$/) });
      expect(body.checks.find((check) => check.name === 'store')?.ok).toBe(true);
    } finally {
      await bot.stop();
      for (const [name, value] of Object.entries(botEnvironment({ slack, aws: fakeAws, dataDir, signingSecret: SIGNING_SECRET }))) process.env[name] = value;
    }
  }, TEST_TIMEOUT_MS);
});

describe('the operations endpoints in Socket Mode (on HEALTH_PORT)', () => {
  it('serves /healthz, /readyz and /metrics on their own port, and 404 elsewhere', async () => {
    const { bot, base } = await bootBot({ SLACK_MODE: 'socket', SLACK_APP_TOKEN: slack.appToken });
    try {
      expect(bot.port).toBeNull();
      await slack.socketMode!.waitForConnection();
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${base}/metrics`)).text()).toContain('# TYPE aws_root_guard_outbox_depth gauge');
      const ready = await pollUntil(async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : null));
      expect(ready).toBe(true);
      expect((await fetch(`${base}/slack/events`)).status).toBe(404);
    } finally {
      await bot.stop();
    }
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  }, TEST_TIMEOUT_MS);
});


async function pollUntil<T>(read: () => Promise<T | null>, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
