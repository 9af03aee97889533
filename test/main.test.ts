// The whole bot as main.ts wires it: real signed slash commands in, the real SDK to the fake AWS, the real
// WebClient and response_url posts to the fake Slack; and what it logs never holds a secret.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../src/main.js';
import { startRetryDelayMs, startRetryFor } from '../src/activity/index.js';
import { scheduleIntervalMs } from '../src/metrics/index.js';
import { createLogger } from '../src/log.js';
import { FAKE_CREDENTIALS, rootWithActiveKeysUsedYesterday, startFakeAws, type FakeAws } from './fakes/aws/index.js';
import { signedSlashCommand, slashCommandFields, startFakeSlack, type FakeSlack } from './fakes/slack/index.js';
import { botEnvironment, waitFor } from './support/bot.js';

const SIGNING_SECRET = 'e2e-signing-secret-0123456789abcdef';

let fakeAws: FakeAws;
let slack: FakeSlack;
let bot: RunningBot;
let dataDir: string;
let logText = '';
const savedEnv = { ...process.env };

beforeAll(async () => {
  fakeAws = await startFakeAws({ state: rootWithActiveKeysUsedYesterday() });
  slack = await startFakeSlack();
  dataDir = mkdtempSync(join(tmpdir(), 'root-guard-e2e-'));
  const env = { ...botEnvironment({ slack, aws: fakeAws, dataDir, signingSecret: SIGNING_SECRET }), LOG_LEVEL: 'trace' };
  // The AWS SDK reads its endpoint and credentials from the process environment, as in production.
  for (const [name, value] of Object.entries(env)) process.env[name] = value;
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logText += chunk.toString();
      done();
    },
  });
  const logger = createLogger({ level: 'trace', secretValues: [slack.botToken, SIGNING_SECRET, FAKE_CREDENTIALS.secretAccessKey], destination });
  bot = await startBot(env, { listen: { port: 0, host: '127.0.0.1' }, logger });
});

afterAll(async () => {
  await bot?.stop();
  await slack?.close();
  await fakeAws?.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.env = savedEnv;
});

describe('the bot end to end', () => {
  it('answers /aws-root-check with the posture report at the response_url', async () => {
    const responseUrl = slack.newResponseUrl();
    const answer = await signedSlashCommand(`http://127.0.0.1:${bot.port}/slack/events`, SIGNING_SECRET, slashCommandFields({ responseUrl }));
    expect(answer.status).toBe(200);
    const report = await waitFor(() => slack.responsesTo(responseUrl).find((post) => JSON.stringify(post).includes('root-no-access-keys') || JSON.stringify(post).includes('access key')));
    const text = JSON.stringify(report);
    expect(text).toContain(fakeAws.state.accountId);
    expect(fakeAws.calls('GenerateCredentialReport') + fakeAws.calls('GetCredentialReport')).toBeGreaterThan(0);
  });

  it('refuses a forged request and runs nothing', async () => {
    // Posture calls only: the poller, started by main.ts, makes its own CloudTrail calls meanwhile.
    const postureCalls = () => fakeAws.requests.filter((request) => request.service !== 'cloudtrail' || request.operation !== 'LookupEvents').length;
    const before = postureCalls();
    const responseUrl = slack.newResponseUrl();
    const answer = await signedSlashCommand(`http://127.0.0.1:${bot.port}/slack/events`, 'not-the-secret', slashCommandFields({ responseUrl }));
    expect(answer.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(slack.responsesTo(responseUrl)).toHaveLength(0);
    expect(postureCalls()).toBe(before);
  });

  it('answers the Docker healthcheck on its Slack port', async () => {
    const answer = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
    expect(answer.status).toBe(200);
  });

  it('never logs a secret', () => {
    expect(logText.length).toBeGreaterThan(0);
    for (const secret of [slack.botToken, SIGNING_SECRET, FAKE_CREDENTIALS.secretAccessKey]) expect(logText).not.toContain(secret);
  });
});

describe('the bot when AWS cannot be reached at start', () => {
  it('still serves Slack, says why a check fails, and does not exit', async () => {
    const down = { ...process.env };
    const dir = mkdtempSync(join(tmpdir(), 'root-guard-down-'));
    // Nothing listens on the discard port: every AWS call is refused.
    const env = botEnvironment({ slack, aws: { url: 'http://127.0.0.1:9' }, dataDir: dir, signingSecret: SIGNING_SECRET });
    for (const [name, value] of Object.entries(env)) process.env[name] = value;
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', secretValues: [], destination: { write: (line: string) => void lines.push(line) } });
    const downBot = await startBot(env, { listen: { port: 0, host: '127.0.0.1' }, logger });
    try {
      expect(lines.join('')).toContain('root activity polling cannot start yet');
      const responseUrl = slack.newResponseUrl();
      await signedSlashCommand(`http://127.0.0.1:${downBot.port}/slack/events`, SIGNING_SECRET, slashCommandFields({ responseUrl }));
      const failure = await waitFor(() => slack.responsesTo(responseUrl).find((post) => JSON.stringify(post).includes('failed')));
      expect(JSON.stringify(failure)).toMatch(/could not reach AWS|AWS/);
    } finally {
      await downBot.stop();
      process.env = down;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the start-up retry while AWS cannot be reached', () => {
  it('doubles from 5 s but waits no longer than the poll interval, so alerts resume with the schedule', () => {
    const everyMinute = scheduleIntervalMs('* * * * *');
    expect(everyMinute).toBe(60_000);
    expect([0, 1, 2, 3, 4, 10, 40].map((attempt) => startRetryDelayMs(attempt, startRetryFor(everyMinute)))).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
    // A slow schedule still retries at least every 5 minutes.
    expect(startRetryDelayMs(20, startRetryFor(scheduleIntervalMs('0 * * * *')))).toBe(5 * 60_000);
    expect(startRetryDelayMs(20, startRetryFor(scheduleIntervalMs('*/2 * * * *')))).toBe(120_000);
  });
});
