// Two real `aws-root-guard serve` processes started together on one PostgreSQL database (a schema of their own),
// polling one fake AWS account every 5 seconds:
// - each tick's poll pass runs once across the two, the start-up passes included: the LookupEvents requests the
//   fake recorded, grouped into passes by the window's end each pass sends, fall at most one pass in a 5 s slot;
// - a button pressed on replica A and the same button on replica B at once (real signed HTTP requests to both
//   processes) changes the alert once and writes one audit row; the other presser is told who took it.
// Skips without TEST_DATABASE_URL (printed); fails under CI=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_INVESTIGATE_ACTION_ID } from '../src/slack/index.js';
import { openPostgresStore, readPostgresConfig, type PostgresStore } from '../src/store/index.js';
import { hardenedAccount, startFakeAws, type FakeAws } from './fakes/aws/index.js';
import { blockActionsPayload } from './fakes/slack/payloads.js';
import { signedInteraction } from './fakes/slack/signed-requests.js';
import { startFakeSlack, type FakeSlack } from './fakes/slack/index.js';
import { rootSignIn } from './alerts/support/bot-process.js';
import { testDatabaseUrl } from './store/postgres-database.js';
import { ALERT_CHANNEL, waitFor } from './support/bot.js';
import { passesPerSlot, pollPasses, startReplicas, type Replica, type Replicas } from './support/replicas.js';

const url = testDatabaseUrl();
const SIGNING_SECRET = 'replica-coordination-signing-secret-0123';
const SLOT_MS = 5_000;
const OBSERVED_SLOTS = 5;
const EVENTS = 3;

describe.skipIf(url === null)('two replicas on one PostgreSQL: polling and buttons', () => {
  let fakeAws: FakeAws;
  let slack: FakeSlack;
  let store: PostgresStore;
  let deployment: Replicas;

  beforeAll(async () => {
    fakeAws = await startFakeAws({ state: hardenedAccount() });
    fakeAws.addEvents('us-east-1', Array.from({ length: EVENTS }, (_, index) => rootSignIn(`coordination-${index}`, index + 1)));
    slack = await startFakeSlack();
    // Both start together: neither waits for the other's migration or start-up pass.
    deployment = await startReplicas({ databaseUrl: url!, label: 'coordination', aws: fakeAws, slack, signingSecret: SIGNING_SECRET, env: { POLL_SCHEDULE: '*/5 * * * * *', LOG_LEVEL: 'warn' } });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await deployment?.stop();
    await slack?.close();
    await fakeAws?.close();
  });

  it('runs each 5-second tick’s poll pass once across the two, the start-up passes included', async () => {
    // Both up: each has polled (at start or on a tick) or lost that pass to the other; the alerts are posted.
    await waitFor(() => slack.state.messages.filter((message) => message.threadTs === null && message.channel === ALERT_CHANNEL).length >= EVENTS, `${EVENTS} alert posts`, 120_000);
    const observedFromMs = Date.now();
    await new Promise((resolve) => setTimeout(resolve, OBSERVED_SLOTS * SLOT_MS));
    const replicas = deployment.list;
    const all = pollPasses(fakeAws, deployment);
    const perSlot = passesPerSlot(all, SLOT_MS);
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
    const replicas = deployment.list;
    store = await openPostgresStore(readPostgresConfig({ DATABASE_URL: deployment.schemaUrl }).config!);
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
