// Replayed and clock-skewed signed requests, over the real HTTP receiver: Bolt itself accepts both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackSignature, slashCommandFields } from '../../fakes/slack/index.js';
import { ReplayGuard } from '../../../src/slack/replay-guard.js';
import { SIGNING_SECRET, startHarness, type Harness } from './harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());

/** Sends the exact same bytes and headers each time, as an attacker replaying a captured request would. */
async function send(rawBody: string, timestamp: number, signature = slackSignature(SIGNING_SECRET, timestamp, rawBody)) {
  const response = await fetch(harness.eventsUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Request-Timestamp': String(timestamp), 'X-Slack-Signature': signature },
    body: rawBody,
  });
  return response.status;
}

describe('replayed and skewed requests', () => {
  it('runs a signed slash command once, however often the same request is sent again', async () => {
    const rawBody = new URLSearchParams(slashCommandFields({ responseUrl: harness.slack.newResponseUrl() })).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    expect(await send(rawBody, timestamp)).toBe(200);
    expect(await send(rawBody, timestamp)).toBe(200);
    expect(await send(rawBody, timestamp)).toBe(200);
    expect(harness.runPosture).toHaveBeenCalledTimes(1);
    expect(harness.logLines.some((line) => line.includes('"verdict":"replayed"'))).toBe(true);
  });

  it('refuses a timestamp more than 5 minutes in the future, which Bolt alone accepts', async () => {
    harness.runPosture.mockClear();
    const rawBody = new URLSearchParams(slashCommandFields({ responseUrl: harness.slack.newResponseUrl() })).toString();
    await send(rawBody, Math.floor(Date.now() / 1000) + 8 * 60);
    expect(harness.runPosture).not.toHaveBeenCalled();
  });
});

describe('ReplayGuard', () => {
  it('forgets signatures once their window has passed', () => {
    let now = 1_000_000;
    const guard = new ReplayGuard(() => now);
    expect(guard.check('v0=a', now)).toBe('fresh');
    expect(guard.check('v0=a', now)).toBe('replayed');
    now += 301;
    expect(guard.check('v0=a', now - 10)).toBe('fresh');
    expect(guard.check('v0=b', now - 400)).toBe('clock-skew');
  });
});
