// Kill storm: the real bot process (`aws-root-guard serve`) is killed with SIGKILL over and over exactly in the
// window between Slack accepting a post and the store recording it, the one place a duplicate can come from. The
// fake Slack posts each message at once and holds its answer, and the test kills the bot as soon as the message is
// in the channel. After every kill the restarted bot must find that message in the channel history (by the outbox
// key in its metadata) instead of posting it again. Goal and assertion: 0 lost, 0 duplicated.
//
// Several bots (lanes) run side by side, each with its own DATA_DIR and alert channel, so the kills overlap in time
// and the test stays short; all read the same root events from one fake AWS. Its time is the 50 start-ups (about
// 2.5 s of CPU each, loading the SDKs through tsx): about a minute on two idle cores, far more on a loaded machine,
// hence the generous timeout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hardenedAccount, startFakeAws, type FakeAws } from '../fakes/aws/index.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { botEnvironment, freePort, waitFor } from '../support/bot.js';
import { killed, rootSignIn, startBotProcess } from './support/bot-process.js';
import { awaitEveryPost, HOLD_ANSWER_MS, heldPostIn, lostAndDuplicatedPosts, messagesIn, type StormLane } from './support/kill-storm.js';

const LANES = 2;
const KILLS_PER_LANE = 25;
// One alert is posted (and killed) per restart; a few are left for the last run.
const EVENTS = KILLS_PER_LANE + 3;

interface Lane extends StormLane {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  kills: number;
  /** Kills that landed while Slack held the answer of a post it had accepted. */
  killsInWindow: number;
}

let fakeAws: FakeAws;
let slack: FakeSlack;
const lanes: Lane[] = [];
const eventIds = Array.from({ length: EVENTS }, (_, index) => `kill-storm-${String(index).padStart(4, '0')}`);

beforeAll(async () => {
  fakeAws = await startFakeAws({ state: hardenedAccount() });
  fakeAws.addEvents('us-east-1', eventIds.map((eventId, index) => rootSignIn(eventId, index + 1)));
  slack = await startFakeSlack();
  slack.faults.holdAnswer('chat.postMessage', HOLD_ANSWER_MS);
  for (let index = 0; index < LANES; index += 1) {
    const channel = `C0STORM${index}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'root-guard-kill-storm-'));
    const base = botEnvironment({ slack, aws: fakeAws, dataDir, signingSecret: 'kill-storm-signing-secret-0123456789' });
    const env = { PATH: process.env.PATH, ...base, ALERT_CHANNEL: channel, PORT: String(await freePort()), POLL_SCHEDULE: '* * * * * *', LOG_LEVEL: 'silent' };
    lanes.push({ channel, eventIds, dataDir, env, kills: 0, killsInWindow: 0 });
  }
});

afterAll(async () => {
  await slack?.close();
  await fakeAws?.close();
  for (const lane of lanes) rmSync(lane.dataDir, { recursive: true, force: true });
});

/** Start, wait for the next post to reach the channel, kill while its answer is held; KILLS_PER_LANE times. */
async function storm(lane: Lane): Promise<void> {
  for (let kill = 0; kill < KILLS_PER_LANE; kill += 1) {
    const before = messagesIn(slack, lane.channel);
    const child = startBotProcess(lane.env);
    await waitFor(() => messagesIn(slack, lane.channel) > before, `a post in ${lane.channel}`, 60_000);
    if (heldPostIn(slack, lane.channel)) lane.killsInWindow += 1;
    await killed(child);
    lane.kills += 1;
  }
}

describe('kill storm: SIGKILL between Slack accepting a post and the store recording it', () => {
  it('every root event is posted exactly once in every lane', async () => {
    const startedAt = Date.now();
    await Promise.all(lanes.map(storm));
    const postedDuringStorm = lanes.map((lane) => messagesIn(slack, lane.channel));

    // Slack answers normally again; each bot finishes its backlog.
    slack.faults.clear();
    const finals = lanes.map((lane) => startBotProcess(lane.env));
    await awaitEveryPost(slack, lanes, 60_000);
    await Promise.all(finals.map((child) => killed(child)));
    const seconds = (Date.now() - startedAt) / 1000;

    const results = lostAndDuplicatedPosts(slack, lanes);
    const kills = lanes.reduce((sum, lane) => sum + lane.kills, 0);
    const killsInWindow = lanes.reduce((sum, lane) => sum + lane.killsInWindow, 0);
    const lost = results.lost.flat().length;
    const duplicates = results.duplicates;
    console.log(`kill storm: ${LANES} bots x ${EVENTS} root events, ${kills} SIGKILLs (${killsInWindow} between Slack accepting a post and the bot hearing back), ${lost} lost, ${duplicates} duplicated, ${seconds.toFixed(1)} s`);

    expect(kills).toBeGreaterThanOrEqual(50);
    expect(killsInWindow).toBe(kills);
    // Each restart posted one more alert and no earlier one twice.
    expect(postedDuringStorm).toEqual(lanes.map(() => KILLS_PER_LANE));
    expect(results.lost).toEqual(lanes.map(() => []));
    expect(duplicates).toBe(0);
  }, 900_000);
});
