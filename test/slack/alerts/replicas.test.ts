// Two replicas of the bot share one store file (two SQLite handles, as two processes would): presses that reach
// different replicas at the same time still record one outcome. (Truly parallel writers, in separate processes,
// are tested on the store itself in test/alerts/state.test.ts.)
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../../src/store/index.js';
import { ALERT_INVESTIGATE_ACTION_ID } from '../../../src/slack/index.js';
import { tempDir } from '../../store/helpers.js';
import { commit, polledFixture, startAlertHarness, type AlertHarness } from './support.js';

const dir = tempDir('arg-replicas-');
let storeA: SqliteStore;
let storeB: SqliteStore;
let replicaA: AlertHarness;
let replicaB: AlertHarness;

beforeAll(async () => {
  storeA = openSqliteStore({ dataDir: dir.path });
  storeB = openSqliteStore({ dataDir: dir.path });
  replicaA = await startAlertHarness({ store: storeA });
  replicaB = await startAlertHarness({ store: storeB });
});

afterAll(async () => {
  await replicaA.close();
  await replicaB.close();
  await storeA.close();
  await storeB.close();
  dir.remove();
});

it('one outcome when two replicas get a press for the same alert at once', async () => {
  await commit(storeA, [polledFixture('root-console-login-success-no-mfa')]);
  const alertId = (await storeA.listOpenAlerts())[0]!.id;
  // Replica A's sender posts it; replica B knows the post through the shared file.
  await replicaA.flush();
  const post = (await storeB.getAlert(alertId))!.post!;
  replicaB.slack.state.messages.push({ ...(await replicaA.alertPost(alertId)), channel: post.channel, ts: post.ts });

  const [fromA, fromB] = await Promise.all([replicaA.press(ALERT_INVESTIGATE_ACTION_ID, alertId, 'U0ALICE'), replicaB.press(ALERT_INVESTIGATE_ACTION_ID, alertId, 'U0BOB')]);
  const audit = await storeA.listAudit(alertId);
  expect(audit).toHaveLength(1);
  const winner = audit[0]!.userId;
  const loserAnswer = winner === 'U0ALICE' ? replicaB.slack.responsesTo(fromB.responseUrl) : replicaA.slack.responsesTo(fromA.responseUrl);
  expect(String(loserAnswer[0]?.body.text)).toMatch(new RegExp(`^This alert was already taken for investigation by <@${winner}>`));
  expect(await storeB.getAlert(alertId)).toMatchObject({ state: 'investigating', stateBy: winner });
  // One chat.update queued, whichever replica sends it.
  expect((await storeA.listOutbox({ alertId })).filter((row) => row.kind === 'alert-update')).toHaveLength(1);
});
