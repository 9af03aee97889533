// The real `serve` process against storage and start-up faults: it must stop, loudly and non-zero,
// rather than run on with a store it cannot keep or with half of itself started.
// Read-only DATA_DIR: made with `chattr +i` as root (CI runs as root, and root ignores permission bits),
// `chmod a-w` otherwise: what the bot meets on a read-only volume.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, STORE_FILE_NAME } from '../../src/store/index.js';
import { hardenedAccount, startFakeAws, type FakeAws } from '../fakes/aws/index.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { botEnvironment, freePort } from '../support/bot.js';
import { makeReadOnly } from '../support/read-only.js';

const SIGNING_SECRET = 'serve-faults-signing-secret-0123456789';
// Budgets for a child process (tsx compiling the CLI) on a loaded 2-core machine; none of these is a speed goal.
const PROCESS_BUDGET_MS = 60_000;
const TEST_TIMEOUT_MS = 2 * PROCESS_BUDGET_MS;

let fakeAws: FakeAws;
let slack: FakeSlack;
const dirs: string[] = [];

interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  afterMs: number;
}

interface ServeProcess {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<Exited>;
}

function serve(env: Record<string, string>): ServeProcess {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<Exited>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr, afterMs: Date.now() - started })));
  return { child, stderr: () => stderr, exited };
}

async function exitWithin(process_: ServeProcess, ms: number): Promise<Exited> {
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), ms));
  const outcome = await Promise.race([process_.exited, timeout]);
  if (outcome === null) {
    process_.child.kill('SIGKILL');
    throw new Error(`serve did not exit within ${ms} ms; its log:\n${process_.stderr()}`);
  }
  return outcome;
}

async function waitForLog(process_: ServeProcess, text: string, ms = PROCESS_BUDGET_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!process_.stderr().includes(text)) {
    if (Date.now() > deadline || process_.child.exitCode !== null) throw new Error(`no "${text}" in the log:\n${process_.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'root-guard-serve-faults-'));
  dirs.push(dir);
  return dir;
}


beforeAll(async () => {
  fakeAws = await startFakeAws({ state: hardenedAccount() });
  slack = await startFakeSlack({ socketMode: true });
});

afterAll(async () => {
  await slack?.close();
  await fakeAws?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('serve with a read-only DATA_DIR', () => {
  it('exits non-zero at once, naming the directory, before it talks to Slack or AWS', async () => {
    const dir = dataDir();
    // A previous run left its database: SQLite would open it read-only and the bot would run on.
    await openSqliteStore({ dataDir: dir }).close();
    const readOnly = makeReadOnly([join(dir, STORE_FILE_NAME), dir]);
    const slackCalls = slack.requests.length;
    const awsCalls = fakeAws.requests.length;
    try {
      const port = await freePort();
      const exited = await exitWithin(serve({ ...botEnvironment({ slack, aws: fakeAws, dataDir: dir, signingSecret: SIGNING_SECRET }), PORT: String(port) }), PROCESS_BUDGET_MS);
      expect(exited.code, readOnly.how).toBe(2);
      expect(exited.stderr).toContain(`cannot write in the data directory ${dir}`);
      expect(slack.requests.length).toBe(slackCalls);
      expect(fakeAws.requests.length).toBe(awsCalls);
    } finally {
      readOnly.undo();
    }
  }, TEST_TIMEOUT_MS);
});

describe('serve when its database file is deleted while it runs', () => {
  it('logs an error and exits non-zero instead of writing on into the deleted file', async () => {
    const dir = dataDir();
    const port = await freePort();
    const bot = serve({ ...botEnvironment({ slack, aws: fakeAws, dataDir: dir, signingSecret: SIGNING_SECRET }), PORT: String(port) });
    await waitForLog(bot, 'aws-root-guard is running');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    unlinkSync(join(dir, STORE_FILE_NAME));
    const exited = await exitWithin(bot, PROCESS_BUDGET_MS);
    expect(exited.code).toBe(1);
    const line = exited.stderr.split('\n').find((entry) => entry.includes('was deleted while the bot was running'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ level: 50 });
    expect(exited.stderr).toContain('aws-root-guard stopped');
  }, TEST_TIMEOUT_MS);
});

describe('serve when start-up fails after the Slack app started', () => {
  let busy: Server;
  afterAll(async () => {
    await new Promise((resolve) => busy?.close(resolve));
  });

  it('stops the Socket Mode connection it opened and exits non-zero (HEALTH_PORT taken)', async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, resolve));
    const takenPort = (busy.address() as AddressInfo).port;
    const dir = dataDir();
    const env = { ...botEnvironment({ slack, aws: fakeAws, dataDir: dir, signingSecret: SIGNING_SECRET }), SLACK_MODE: 'socket', SLACK_APP_TOKEN: slack.appToken, HEALTH_PORT: String(takenPort) };
    const opened = slack.calls('apps.connections.open').length;
    const exited = await exitWithin(serve(env), PROCESS_BUDGET_MS);
    expect(exited.code).toBe(2);
    expect(exited.stderr).toContain('EADDRINUSE');
    expect(exited.stderr).toContain('could not start; stopping what had started');
    // It had connected to Slack before the health server failed: that connection was opened, then stopped.
    expect(slack.calls('apps.connections.open').length).toBeGreaterThan(opened);
  }, TEST_TIMEOUT_MS);
});
