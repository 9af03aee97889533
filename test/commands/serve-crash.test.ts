// The real `serve` process in HTTP mode against a signed `payload=null`: Bolt 5.1.0 throws on it outside any
// handler (an unhandled rejection, which ends a Node process by default). The bot must log it and keep serving.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hardenedAccount, startFakeAws, type FakeAws } from '../fakes/aws/index.js';
import { signedSlashCommand, slackSignature, slashCommandFields, startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { botEnvironment, freePort, waitFor } from '../support/bot.js';

const SIGNING_SECRET = 'serve-crash-signing-secret-0123456789';

let fakeAws: FakeAws;
let slack: FakeSlack;
let dataDir: string;

beforeAll(async () => {
  fakeAws = await startFakeAws({ state: hardenedAccount() });
  slack = await startFakeSlack();
  dataDir = mkdtempSync(join(tmpdir(), 'root-guard-serve-crash-'));
});
afterAll(async () => {
  await slack?.close();
  await fakeAws?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('serve, sent a signed payload=null', () => {
  it('logs the unhandled rejection and answers the next request', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...botEnvironment({ slack, aws: fakeAws, dataDir, signingSecret: SIGNING_SECRET }), PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => stderr.includes('aws-root-guard is running') || child.exitCode !== null, 'the bot to start', 80_000);
      expect(child.exitCode, stderr).toBeNull();
      const url = `http://127.0.0.1:${port}/slack/events`;
      const rawBody = 'payload=null';
      const timestamp = Math.floor(Date.now() / 1000);
      // Bolt never answers this one: its handler threw. The connection is dropped after a moment.
      await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Request-Timestamp': String(timestamp), 'X-Slack-Signature': slackSignature(SIGNING_SECRET, timestamp, rawBody) },
        body: rawBody,
        signal: AbortSignal.timeout(1500),
      }).catch(() => undefined);
      await waitFor(() => stderr.includes('unhandled promise rejection') || child.exitCode !== null, 'the rejection to be logged', 20_000);
      expect(child.exitCode, stderr).toBeNull();
      const answer = await signedSlashCommand(url, SIGNING_SECRET, slashCommandFields({ responseUrl: slack.newResponseUrl(), text: 'help' }));
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('/aws-root-check');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
