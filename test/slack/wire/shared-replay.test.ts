// The replay guard shared by replicas: two Bolt apps (two replicas behind one load balancer) whose guards remember
// through two store handles on one SQLite file. A signed request captured from one and sent to the other is refused.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../../src/store/index.js';
import { slackSignature, slashCommandFields } from '../../fakes/slack/index.js';
import { tempDir } from '../../store/helpers.js';
import { SIGNING_SECRET, startHarness, type Harness } from './harness.js';

const started: Harness[] = [];
const stores: SqliteStore[] = [];
let dir: ReturnType<typeof tempDir> | null = null;
afterEach(async () => {
  // Newest first: the first replica owns the fake Slack and closes it last.
  for (const harness of started.splice(0)) await harness.close();
  for (const store of stores.splice(0)) await store.close();
  dir?.remove();
  dir = null;
});

/** A replica; the second one talks to the first one's fake Slack, as two replicas of one app do. */
async function replica(store: SqliteStore | null): Promise<Harness> {
  const sharedSlack = started[0]?.slack;
  const harness = await startHarness({ ...(store ? { deps: { seenSignatures: store.seenSignatures } } : {}), ...(sharedSlack ? { sharedSlack } : {}) });
  started.unshift(harness);
  return harness;
}

function sharedStore(): SqliteStore {
  dir ??= tempDir('arg-replay-');
  const store = openSqliteStore({ path: join(dir.path, 'shared.sqlite') });
  stores.push(store);
  return store;
}

/** The exact bytes and headers of one signed slash command, as captured on the wire. */
function capturedRequest(harness: Harness) {
  const rawBody = new URLSearchParams(slashCommandFields({ responseUrl: harness.slack.newResponseUrl() })).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  return { rawBody, timestamp, signature: slackSignature(SIGNING_SECRET, timestamp, rawBody) };
}

async function send(harness: Harness, request: ReturnType<typeof capturedRequest>): Promise<number> {
  const response = await fetch(harness.eventsUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Request-Timestamp': String(request.timestamp), 'X-Slack-Signature': request.signature },
    body: request.rawBody,
  });
  return response.status;
}

describe('a replay guard shared through the store', () => {
  it('refuses on replica B a signed request replica A has already taken', async () => {
    const a = await replica(sharedStore());
    const b = await replica(sharedStore());
    const request = capturedRequest(a);
    expect(await send(a, request)).toBe(200);
    expect(a.runPosture).toHaveBeenCalledTimes(1);
    expect(await send(b, request)).toBe(200);
    expect(b.runPosture).not.toHaveBeenCalled();
    expect(b.logLines.some((line) => line.includes('"verdict":"replayed"'))).toBe(true);
    // And back again on A.
    expect(await send(a, request)).toBe(200);
    expect(a.runPosture).toHaveBeenCalledTimes(1);
    // A new request is fresh on either.
    expect(await send(b, capturedRequest(b))).toBe(200);
    expect(b.runPosture).toHaveBeenCalledTimes(1);
  });

  it('with each process remembering alone, the same request runs on both (what the shared memory closes)', async () => {
    const a = await replica(null);
    const b = await replica(null);
    const request = capturedRequest(a);
    expect(await send(a, request)).toBe(200);
    expect(await send(b, request)).toBe(200);
    expect(a.runPosture).toHaveBeenCalledTimes(1);
    expect(b.runPosture).toHaveBeenCalledTimes(1);
  });
});
