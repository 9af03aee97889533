// Crash safety: the real bot process (`aws-root-guard serve`) is killed with SIGKILL at random points while it
// polls and posts, and restarted, many times. Afterwards the fake Slack must hold an alert for every root event:
// none lost. A duplicate is possible only in the window between Slack accepting a post and the store recording
// it (src/alerts/sender.ts), so at most one per kill; the test reports how many it saw.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hardenedAccount, startFakeAws, type CloudTrailRecord, type FakeAws } from '../fakes/aws/index.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { fixtureRecord } from '../fixtures/cloudtrail/load.js';
import { botEnvironment, waitFor } from '../support/bot.js';

const EVENTS = 10;
const KILLS = 6;

let fakeAws: FakeAws;
let slack: FakeSlack;
let dataDir: string;
let env: NodeJS.ProcessEnv;
const eventIds: string[] = [];

function signIn(index: number): CloudTrailRecord {
  const record = fixtureRecord('root-console-login-success-no-mfa') as Record<string, unknown>;
  const eventId = `crash-test-${String(index).padStart(4, '0')}`;
  eventIds.push(eventId);
  return { ...record, eventID: eventId, eventTime: new Date(Date.now() - (index + 1) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z') } as CloudTrailRecord;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startBotProcess(): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], { env, stdio: ['ignore', 'ignore', process.env.CRASH_TEST_DEBUG ? 'inherit' : 'ignore'] });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** How many top-level alert posts name each event id. */
function postsPerEvent(): Map<string, number> {
  const counts = new Map(eventIds.map((id) => [id, 0]));
  for (const call of slack.calls('chat.postMessage')) {
    if (call.status !== 200 || call.args.thread_ts) continue;
    const blocks = JSON.stringify(call.args.blocks ?? '');
    for (const id of eventIds) if (blocks.includes(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

beforeAll(async () => {
  fakeAws = await startFakeAws({ state: hardenedAccount() });
  fakeAws.addEvents('us-east-1', Array.from({ length: EVENTS }, (_, index) => signIn(index)));
  slack = await startFakeSlack();
  // Slow answers widen the window in which a kill lands mid-post.
  slack.faults.delay('chat.postMessage', 150);
  dataDir = mkdtempSync(join(tmpdir(), 'root-guard-crash-'));
  const signingSecret = 'crash-test-signing-secret-0123456789';
  env = { PATH: process.env.PATH, ...botEnvironment({ slack, aws: fakeAws, dataDir, signingSecret }), PORT: String(await freePort()), POLL_SCHEDULE: '* * * * * *', LOG_LEVEL: 'silent' };
});

afterAll(async () => {
  await slack?.close();
  await fakeAws?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('SIGKILL at random points, then restart', () => {
  it('loses no root event and posts at most one duplicate per kill', async () => {
    for (let kill = 0; kill < KILLS; kill += 1) {
      const child = startBotProcess();
      // The first run is let post something (start-up is slower on a loaded machine), so the kills that follow
      // land on real work; then random points across start-up, polling and posting.
      if (kill === 0) await waitFor(() => [...postsPerEvent().values()].some((count) => count > 0), 'a first alert post', 30_000);
      await new Promise((resolve) => setTimeout(resolve, (kill === 0 ? 0 : 900) + Math.random() * 2_000));
      await killed(child);
    }
    // The kills must have interrupted real work, not only start-ups.
    const postedBeforeLastStart = [...postsPerEvent().values()].filter((count) => count > 0).length;
    const last = startBotProcess();
    const deadline = Date.now() + 60_000;
    while ([...postsPerEvent().values()].some((count) => count === 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await killed(last);

    const counts = postsPerEvent();
    const lost = eventIds.filter((id) => counts.get(id) === 0);
    const duplicates = [...counts.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
    console.log(`crash safety: ${EVENTS} root events, ${KILLS} SIGKILLs (${postedBeforeLastStart} alerts posted before the last restart), ${lost.length} lost, ${duplicates} duplicate posts`);
    expect(postedBeforeLastStart).toBeGreaterThan(0);
    expect(lost).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(KILLS);
  }, 120_000);
});
