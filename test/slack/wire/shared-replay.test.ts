// The replay guard shared by replicas: two Bolt apps (two replicas behind one load balancer) whose guards remember
// through two store handles on one database (SQLite: one file; PostgreSQL: one schema, a pool each). A signed request
// captured from one and sent to the other is refused, also when the copies arrive at the same moment and are inserted
// in one group; a store that fails to record a signature refuses the request, and a replay stays refused after it.
import { join } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type BotStore, type SqliteStore } from '../../../src/store/index.js';
import { slackSignature, slashCommandFields } from '../../fakes/slack/index.js';
import { tempDir } from '../../store/helpers.js';
import { BACKENDS, type SharedDatabase } from '../../store/shared-databases.js';
import { SIGNING_SECRET, startHarness, type Harness } from './harness.js';

const started: Harness[] = [];
const stores: SqliteStore[] = [];
const databases: SharedDatabase[] = [];
let dir: ReturnType<typeof tempDir> | null = null;
afterEach(async () => {
  // Newest first: the first replica owns the fake Slack and closes it last.
  for (const harness of started.splice(0)) await harness.close();
  for (const store of stores.splice(0)) await store.close();
  for (const database of databases.splice(0)) await database.close();
  dir?.remove();
  dir = null;
});

/** A replica; the second one talks to the first one's fake Slack, as two replicas of one app do. */
async function replica(store: Pick<BotStore, 'seenSignatures'> | null): Promise<Harness> {
  const sharedSlack = started[0]?.slack;
  const harness = await startHarness({ ...(store ? { deps: { seenSignatures: store.seenSignatures } } : {}), ...(sharedSlack ? { sharedSlack } : {}) });
  started.unshift(harness);
  return harness;
}

function sharedFile(): string {
  dir ??= tempDir('arg-replay-');
  return join(dir.path, 'shared.sqlite');
}

function sharedStore(busyTimeoutMs?: number): SqliteStore {
  const store = openSqliteStore({ path: sharedFile() }, busyTimeoutMs === undefined ? {} : { busyTimeoutMs });
  stores.push(store);
  return store;
}

/** The exact bytes and headers of one signed slash command, as captured on the wire. */
function capturedRequest(harness: Harness) {
  const responseUrl = harness.slack.newResponseUrl();
  const rawBody = new URLSearchParams(slashCommandFields({ responseUrl })).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  return { rawBody, timestamp, signature: slackSignature(SIGNING_SECRET, timestamp, rawBody), responseUrl };
}

async function send(harness: Harness, request: ReturnType<typeof capturedRequest>): Promise<number> {
  const response = await fetch(harness.eventsUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Request-Timestamp': String(request.timestamp), 'X-Slack-Signature': request.signature },
    body: request.rawBody,
  });
  await response.text();
  return response.status;
}

const runs = (...replicas: Harness[]) => replicas.reduce((total, harness) => total + harness.runPosture.mock.calls.length, 0);
/** The reports a request got on its response_url: one each time it was taken as fresh (runs may be shared). */
const reportsTo = (harness: Harness, request: ReturnType<typeof capturedRequest>) => harness.slack.responsesTo(request.responseUrl).filter((post) => String(post.body.text).startsWith('AWS root posture for')).length;
const logged = (harness: Harness, text: string) => harness.logLines.filter((line) => line.includes(text)).length;

describe('a replay guard shared through a SQLite file', () => {
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

  it('a write lock held past the busy timeout: the requests are refused, not run; once it is released a new one runs once and the replay stays refused', async () => {
    const a = await replica(sharedStore(50));
    const taken = capturedRequest(a);
    expect(await send(a, taken)).toBe(200);
    expect(runs(a)).toBe(1);
    // Another process of the file (a second replica's long transaction) holds the write lock.
    const other = new DatabaseConstructor(sharedFile());
    other.exec('BEGIN IMMEDIATE');
    const fresh = capturedRequest(a);
    let statuses: number[];
    try {
      statuses = await Promise.all([send(a, taken), send(a, fresh), send(a, taken)]);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(statuses).toEqual([200, 200, 200]);
    expect(runs(a)).toBe(1);
    expect(logged(a, 'its signature could not be recorded as seen')).toBe(3);
    // Nothing was recorded for the refused one, so Slack's retry of it is fresh; the replay is still refused.
    expect(await send(a, fresh)).toBe(200);
    expect(await send(a, taken)).toBe(200);
    expect(await send(a, fresh)).toBe(200);
    expect(runs(a)).toBe(2);
  });
});

describe.each(BACKENDS)('replicas sharing one $name database', (backend) => {
  async function twoReplicas(): Promise<[Harness, Harness, SharedDatabase]> {
    const database = await backend.open!();
    databases.push(database);
    const a = await replica(await database.openStore());
    const b = await replica(await database.openStore());
    return [a, b, database];
  }

  it.skipIf(backend.open === null)('20 captured requests, each sent to A, to B and to A again at the same moment: each runs exactly once', async () => {
    const [a, b] = await twoReplicas();
    const requests = Array.from({ length: 20 }, () => capturedRequest(a));
    const statuses = await Promise.all(requests.flatMap((request) => [send(a, request), send(b, request), send(a, request)]));
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(requests.map((request) => reportsTo(a, request))).toEqual(requests.map(() => 1));
    expect(logged(a, '"verdict":"replayed"') + logged(b, '"verdict":"replayed"')).toBe(40);
    // Later copies, one at a time, to either: refused.
    for (const request of requests.slice(0, 5)) expect([await send(a, request), await send(b, request)]).toEqual([200, 200]);
    expect(requests.map((request) => reportsTo(a, request))).toEqual(requests.map(() => 1));
    expect(logged(a, '"verdict":"replayed"') + logged(b, '"verdict":"replayed"')).toBe(50);
  });

  it.skipIf(backend.open === null)('a failing insert refuses the requests it was asked about and records nothing; the replay of an earlier request stays refused after it', async () => {
    const [a, b, database] = await twoReplicas();
    const taken = capturedRequest(a);
    expect(await send(a, taken)).toBe(200);
    // The table is gone for a moment (as an insert that fails for any reason): every write of the guard fails.
    await database.rows(`ALTER TABLE seen_slack_signatures RENAME TO seen_slack_signatures_away`);
    const fresh = capturedRequest(a);
    let statuses: number[];
    try {
      statuses = await Promise.all([send(a, taken), send(b, taken), send(a, fresh), send(b, fresh)]);
    } finally {
      await database.rows(`ALTER TABLE seen_slack_signatures_away RENAME TO seen_slack_signatures`);
    }
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(runs(a, b)).toBe(1);
    expect(logged(a, 'its signature could not be recorded as seen') + logged(b, 'its signature could not be recorded as seen')).toBe(4);
    // Back: the refused request was not recorded, so it runs once; the earlier one is still a replay on either.
    expect(await Promise.all([send(b, fresh), send(a, taken), send(b, taken)])).toEqual([200, 200, 200]);
    expect(await send(a, fresh)).toBe(200);
    expect(runs(a, b)).toBe(2);
  });
});
