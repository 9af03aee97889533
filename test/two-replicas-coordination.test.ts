// Two real `aws-root-guard serve` processes started together on one PostgreSQL database (a schema of their own),
// polling one fake AWS account every 5 seconds:
// - each tick's poll pass runs once across the two, the start-up passes included: the LookupEvents requests the
//   fake recorded, grouped into passes by the window's end each pass sends, fall at most one pass in a 5 s slot;
// - a button pressed on replica A and the same button on replica B at once (real signed HTTP requests to both
//   processes) changes the alert once and writes one audit row; the other presser is told who took it.
// Skips without TEST_DATABASE_URL (printed); fails under CI=true.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_INVESTIGATE_ACTION_ID } from '../src/slack/index.js';
import { openPostgresStore, readPostgresConfig, type PostgresStore } from '../src/store/index.js';
import { hardenedAccount, startFakeAws, type FakeAws } from './fakes/aws/index.js';
import { blockActionsPayload } from './fakes/slack/payloads.js';
import { signedInteraction } from './fakes/slack/signed-requests.js';
import { startFakeSlack, type FakeSlack } from './fakes/slack/index.js';
import { killed, rootSignIn, startBotProcess } from './alerts/support/bot-process.js';
import { freshSchema, testDatabaseUrl } from './store/postgres-database.js';
import { ALERT_CHANNEL, botEnvironment, freePort, waitFor } from './support/bot.js';

const url = testDatabaseUrl();
const SIGNING_SECRET = 'replica-coordination-signing-secret-0123';
const SLOT_MS = 5_000;
const OBSERVED_SLOTS = 5;
const EVENTS = 3;

interface Replica {
  name: string;
  port: number;
  child: ChildProcess;
}

describe.skipIf(url === null)('two replicas on one PostgreSQL: polling and buttons', () => {
  let fakeAws: FakeAws;
  let slack: FakeSlack;
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let store: PostgresStore;
  const dataDirs: string[] = [];
  const replicas: Replica[] = [];

  beforeAll(async () => {
    fakeAws = await startFakeAws({ state: hardenedAccount() });
    fakeAws.addEvents('us-east-1', Array.from({ length: EVENTS }, (_, index) => rootSignIn(`coordination-${index}`, index + 1)));
    slack = await startFakeSlack();
    schema = await freshSchema(url!, 'coordination');
    // Both start together: neither waits for the other's migration or start-up pass.
    for (const name of ['replica-a', 'replica-b']) {
      const dataDir = mkdtempSync(join(tmpdir(), 'root-guard-coordination-'));
      dataDirs.push(dataDir);
      const port = await freePort();
      const env = {
        PATH: process.env.PATH,
        ...botEnvironment({ slack, aws: fakeAws, dataDir, signingSecret: SIGNING_SECRET }),
        DATABASE_URL: schema.url,
        PORT: String(port),
        POLL_SCHEDULE: '*/5 * * * * *',
        // In the SDK's user agent: the fake tells the two processes' requests apart by it.
        AWS_SDK_UA_APP_ID: name,
        LOG_LEVEL: 'warn',
      };
      replicas.push({ name, port, child: startBotProcess(env) });
    }
  }, 60_000);
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => killed(replica.child)));
    await store?.close();
    await slack?.close();
    await fakeAws?.close();
    await schema?.drop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  /** Poll passes seen at the fake: LookupEvents requests grouped by the end of the window they read (one per pass). */
  function passes(): Array<{ endMs: number; replica: string }> {
    const byEnd = new Map<number, string>();
    for (const request of fakeAws.requests) {
      if (request.operation !== 'LookupEvents') continue;
      const endMs = Math.round(Number(request.params.EndTime) * 1000);
      byEnd.set(endMs, replicas.find((replica) => request.userAgent.includes(`app/${replica.name}`))?.name ?? 'unknown');
    }
    return [...byEnd].map(([endMs, replica]) => ({ endMs, replica })).sort((a, b) => a.endMs - b.endMs);
  }

  it('runs each 5-second tick’s poll pass once across the two, the start-up passes included', async () => {
    // Both up: each has polled (at start or on a tick) or lost that pass to the other; the alerts are posted.
    await waitFor(() => slack.state.messages.filter((message) => message.threadTs === null && message.channel === ALERT_CHANNEL).length >= EVENTS, `${EVENTS} alert posts`, 120_000);
    const observedFromMs = Date.now();
    await new Promise((resolve) => setTimeout(resolve, OBSERVED_SLOTS * SLOT_MS));
    const all = passes();
    const perSlot = new Map<number, number>();
    for (const pass of all) perSlot.set(Math.floor(pass.endMs / SLOT_MS), (perSlot.get(Math.floor(pass.endMs / SLOT_MS)) ?? 0) + 1);
    const observed = all.filter((pass) => pass.endMs >= observedFromMs);
    const byReplica = Object.fromEntries(replicas.map((replica) => [replica.name, all.filter((pass) => pass.replica === replica.name).length]));
    console.log(`two replicas, poll every 5 s: ${all.length} passes in ${perSlot.size} slots (${JSON.stringify(byReplica)}), ${observed.length} in the ${OBSERVED_SLOTS} slots observed after the posts`);

    expect([...perSlot.values()].filter((count) => count > 1)).toEqual([]);
    expect(all.every((pass) => pass.replica !== 'unknown')).toBe(true);
    // Every tick polled by one of them (a loaded machine may let one slip).
    expect(observed.length).toBeGreaterThanOrEqual(OBSERVED_SLOTS - 1);
    expect(observed.length).toBeLessThanOrEqual(OBSERVED_SLOTS + 1);
    expect(replicas.every((replica) => replica.child.exitCode === null)).toBe(true);
  }, 180_000);

  it('a button pressed on replica A and on replica B at once: one outcome, one audit row', async () => {
    store = await openPostgresStore(readPostgresConfig({ DATABASE_URL: schema.url }).config!);
    const alert = (await store.listOpenAlerts()).find((open) => open.post !== null)!;
    const message = slack.state.messages.find((posted) => posted.channel === alert.post!.channel && posted.ts === alert.post!.ts)!;
    const press = (replica: Replica, userId: string) => {
      const responseUrl = slack.newResponseUrl();
      const payload = blockActionsPayload({
        responseUrl,
        actionId: ALERT_INVESTIGATE_ACTION_ID,
        value: String(alert.id),
        blockId: `alert_actions_${alert.id}`,
        userId,
        channelId: message.channel,
        isEphemeral: false,
        messageTs: message.ts,
        message: { type: 'message', subtype: 'bot_message', text: message.text, ts: message.ts, bot_id: slack.state.bot.botId, blocks: message.blocks },
      });
      return signedInteraction(`http://127.0.0.1:${replica.port}/slack/events`, SIGNING_SECRET, payload).then((answer) => ({ ...answer, responseUrl, userId }));
    };
    const answers = await Promise.all([press(replicas[0]!, 'U0ALICE'), press(replicas[1]!, 'U0BOB')]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);

    const audit = await waitFor(async () => {
      const rows = await store.listAudit(alert.id);
      return rows.length > 0 && rows;
    }, 'the audit row', 20_000);
    const winner = audit[0]!.userId;
    const loser = answers.find((answer) => answer.userId !== winner)!;
    const told = await waitFor(() => slack.responsesTo(loser.responseUrl)[0], "the other presser's answer", 20_000);
    // A moment for a second audit row or a second update to show.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await store.listAudit(alert.id)).toHaveLength(1);
    expect(String(told.body.text)).toMatch(new RegExp(`^This alert was already taken for investigation by <@${winner}>`));
    expect(await store.getAlert(alert.id)).toMatchObject({ state: 'investigating', stateBy: winner });
    expect((await store.listOutbox({ alertId: alert.id })).filter((row) => row.kind === 'alert-update')).toHaveLength(1);
  }, 60_000);
});
