// Replayed and clock-skewed signed requests, over the real HTTP receiver: Bolt itself accepts both.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { slackSignature, slashCommandFields } from '../../fakes/slack/index.js';
import { InProcessSeenSignatures, ReplayGuard } from '../../../src/slack/replay-guard.js';
import { SIGNING_SECRET, startHarness, type Harness } from './harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());
afterEach(() => {
  vi.useRealTimers();
});

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

  it.each(['=1', '=2', '=', '==x'])('refuses the same request again with %s appended to its signature (Bolt reads up to the next =)', async (suffix) => {
    harness.runPosture.mockClear();
    const rawBody = new URLSearchParams(slashCommandFields({ responseUrl: harness.slack.newResponseUrl() })).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = slackSignature(SIGNING_SECRET, timestamp, rawBody);
    expect(await send(rawBody, timestamp, signature)).toBe(200);
    // Bolt itself accepts the altered header: the same hash sits between the first two '='.
    expect(await send(rawBody, timestamp, `${signature}${suffix}`)).toBe(200);
    expect(harness.runPosture).toHaveBeenCalledTimes(1);
  });

  it('refuses a signature header in any other form than v0= and 64 lowercase hex digits', async () => {
    harness.runPosture.mockClear();
    const rawBody = new URLSearchParams(slashCommandFields({ responseUrl: harness.slack.newResponseUrl() })).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    // A first sight of the request, in a form Bolt accepts but Slack never sends.
    expect(await send(rawBody, timestamp, `${slackSignature(SIGNING_SECRET, timestamp, rawBody)}=extra`)).toBe(200);
    expect(harness.runPosture).not.toHaveBeenCalled();
    expect(harness.logLines.some((line) => line.includes('"verdict":"malformed-signature"'))).toBe(true);
  });

  it('still refuses the replay at exactly timestamp + 300 s, which Bolt accepts', async () => {
    harness.runPosture.mockClear();
    const rawBody = new URLSearchParams(slashCommandFields({ responseUrl: harness.slack.newResponseUrl() })).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(timestamp * 1000 + 100);
    expect(await send(rawBody, timestamp)).toBe(200);
    vi.setSystemTime((timestamp + 300) * 1000 + 500);
    expect(await send(rawBody, timestamp)).toBe(200);
    expect(harness.runPosture).toHaveBeenCalledTimes(1);
    // One second later Bolt refuses it itself.
    vi.setSystemTime((timestamp + 301) * 1000 + 500);
    expect(await send(rawBody, timestamp)).toBe(401);
  });

  it('refuses a timestamp more than 5 minutes in the future, which Bolt alone accepts', async () => {
    harness.runPosture.mockClear();
    const rawBody = new URLSearchParams(slashCommandFields({ responseUrl: harness.slack.newResponseUrl() })).toString();
    await send(rawBody, Math.floor(Date.now() / 1000) + 8 * 60);
    expect(harness.runPosture).not.toHaveBeenCalled();
  });
});

describe('ReplayGuard', () => {
  const hashA = `v0=${'a'.repeat(64)}`;
  const hashB = `v0=${'b'.repeat(64)}`;

  it('forgets a hash only once the clock is strictly past the window Bolt accepts', async () => {
    let now = 1_000_000;
    const guard = new ReplayGuard(new InProcessSeenSignatures(), () => now);
    const sentAt = now;
    expect(await guard.check(hashA, sentAt)).toBe('fresh');
    expect(await guard.check(hashA, sentAt)).toBe('replayed');
    now = sentAt + 300;
    expect(await guard.check(hashA, sentAt)).toBe('replayed');
    now = sentAt + 301;
    expect(await guard.check(hashA, sentAt)).toBe('clock-skew');
    expect(await guard.check(hashA, now - 10)).toBe('fresh');
    expect(await guard.check(hashB, now - 400)).toBe('clock-skew');
  });

  it.each([`${'v0='}${'A'.repeat(64)}`, `v0=${'a'.repeat(63)}`, `v0=${'a'.repeat(64)}=1`, `v1=${'a'.repeat(64)}`, ` v0=${'a'.repeat(64)}`])('calls %s malformed', async (header) => {
    expect(await new ReplayGuard(new InProcessSeenSignatures(), () => 1_000_000).check(header, 1_000_000)).toBe('malformed-signature');
  });
});
