// Crash safety: the real bot process (`aws-root-guard serve`) is killed with SIGKILL at random points while it
// polls and posts, and restarted, many times. Afterwards the fake Slack must hold exactly one alert for every root
// event: none lost, and none twice (a post Slack accepted before a kill is found in the channel history by its
// outbox key). test/alerts/kill-storm.test.ts aims the kills at the post window itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hardenedAccount, startFakeAws, type FakeAws } from '../fakes/aws/index.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { botEnvironment, freePort, waitFor } from '../support/bot.js';
import { killed, lostAndDuplicated, postsPerEvent, rootSignIn, startBotProcess } from './support/bot-process.js';

const EVENTS = 10;
const KILLS = 6;

let fakeAws: FakeAws;
let slack: FakeSlack;
let dataDir: string;
let env: NodeJS.ProcessEnv;
const eventIds = Array.from({ length: EVENTS }, (_, index) => `crash-test-${String(index).padStart(4, '0')}`);

beforeAll(async () => {
  fakeAws = await startFakeAws({ state: hardenedAccount() });
  fakeAws.addEvents('us-east-1', eventIds.map((eventId, index) => rootSignIn(eventId, index + 1)));
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
  it('loses no root event and posts none twice', async () => {
    const posted = () => [...postsPerEvent(slack, eventIds).values()].filter((count) => count > 0).length;
    for (let kill = 0; kill < KILLS; kill += 1) {
      const child = startBotProcess(env);
      // The first run is let post something (start-up is slower on a loaded machine), so the kills that follow
      // land on real work; then random points across start-up, polling and posting.
      if (kill === 0) await waitFor(() => posted() > 0, 'a first alert post', 60_000);
      await new Promise((resolve) => setTimeout(resolve, (kill === 0 ? 0 : 900) + Math.random() * 2_000));
      await killed(child);
    }
    // The kills must have interrupted real work, not only start-ups.
    const postedBeforeLastStart = posted();
    const last = startBotProcess(env);
    await waitFor(() => posted() === EVENTS, 'every alert posted', 60_000).catch(() => undefined);
    await killed(last);

    const { lost, duplicates } = lostAndDuplicated(postsPerEvent(slack, eventIds));
    console.log(`crash safety: ${EVENTS} root events, ${KILLS} SIGKILLs (${postedBeforeLastStart} alerts posted before the last restart), ${lost.length} lost, ${duplicates} duplicate posts`);
    expect(postedBeforeLastStart).toBeGreaterThan(0);
    expect(lost).toEqual([]);
    expect(duplicates).toBe(0);
  }, 180_000);
});
