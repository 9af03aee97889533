// SIGTERM with a backlog: the real bot process (`aws-root-guard serve`) has 24 alerts to post when it is told to
// stop. It must finish only the post in flight, abort a post that hangs, leave the rest pending for the next
// start, and exit within 5 s (Docker and Kubernetes send SIGKILL 10 s after SIGTERM).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import { hardenedAccount, startFakeAws, type FakeAws } from '../fakes/aws/index.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { botEnvironment, freePort, waitFor } from '../support/bot.js';
import { exited, rootSignIn, startBotProcess } from './support/bot-process.js';

const BACKLOG = 24;
const EXIT_WITHIN_MS = 5_000;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function botWithBacklog(configureSlack: (slack: FakeSlack) => void) {
  const aws: FakeAws = await startFakeAws({ state: hardenedAccount() });
  cleanups.push(() => aws.close());
  aws.addEvents('us-east-1', Array.from({ length: BACKLOG }, (_, index) => rootSignIn(`shutdown-${String(index).padStart(4, '0')}`, index + 1)));
  const slack = await startFakeSlack();
  cleanups.push(() => slack.close());
  configureSlack(slack);
  const dataDir = mkdtempSync(join(tmpdir(), 'root-guard-shutdown-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { PATH: process.env.PATH, ...botEnvironment({ slack, aws, dataDir, signingSecret: 'shutdown-test-signing-secret-0123456789' }), PORT: String(await freePort()), POLL_SCHEDULE: '* * * * * *', LOG_LEVEL: 'silent' };
  const child = startBotProcess(env);
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const posts = () => slack.calls('chat.postMessage');
  // The first post is on the wire (the weekly summary's catch-up, or an alert) and the whole backlog is stored.
  await waitFor(() => posts().length > 0, 'the first post request', 120_000);
  const store = openSqliteStore({ dataDir });
  cleanups.push(() => store.close());
  await waitFor(async () => (await store.listOutbox()).filter((row) => row.kind === 'alert-post').length === BACKLOG, 'the backlog of alerts stored', 30_000);

  const terminatedAt = Date.now();
  child.kill('SIGTERM');
  await Promise.race([exited(child), new Promise((resolve) => setTimeout(resolve, 20_000))]);
  const exitMs = Date.now() - terminatedAt;
  return { child, slack, store, exitMs, postsAtTerm: posts().length };
}

describe('SIGTERM during a backlog', () => {
  it('a hung post is aborted: the process exits 0 within 5 s, nothing more is posted, all 24 alerts wait (the hung one flagged for the history check)', async () => {
    const { child, slack, store, exitMs } = await botWithBacklog((slack) => slack.faults.delay('chat.postMessage', 30_000));
    console.log(`shutdown, post hanging: exit after ${exitMs} ms with ${BACKLOG} alerts pending`);
    expect(exitMs).toBeLessThan(EXIT_WITHIN_MS);
    expect(child.exitCode).toBe(0);
    expect(slack.calls('chat.postMessage')).toHaveLength(1);
    const rows = await store.listOutbox();
    expect(rows.filter((row) => row.kind === 'alert-post')).toHaveLength(BACKLOG);
    expect(rows.filter((row) => row.state !== 'pending')).toEqual([]);
    // The aborted request may have reached Slack: the next start looks for it before posting.
    expect(rows.filter((row) => row.uncertain)).toHaveLength(1);
  }, 240_000);

  it('a slow post in flight is finished and recorded; the rest stays pending', async () => {
    const { child, slack, store, exitMs, postsAtTerm } = await botWithBacklog((slack) => slack.faults.delay('chat.postMessage', 1_000));
    console.log(`shutdown, slow Slack: exit after ${exitMs} ms`);
    expect(exitMs).toBeLessThan(EXIT_WITHIN_MS);
    expect(child.exitCode).toBe(0);
    // Only what was on the wire at SIGTERM went out, and each was recorded.
    expect(slack.calls('chat.postMessage')).toHaveLength(postsAtTerm);
    const rows = await store.listOutbox();
    expect(rows.filter((row) => row.state === 'sent')).toHaveLength(postsAtTerm);
    expect(rows.filter((row) => row.state === 'pending')).toHaveLength(rows.length - postsAtTerm);
    expect(rows.filter((row) => row.kind === 'alert-post' && row.state === 'pending').length).toBeGreaterThanOrEqual(BACKLOG - postsAtTerm);
    expect(rows.filter((row) => row.uncertain)).toHaveLength(0);
  }, 240_000);
});
