// Two real `aws-root-guard serve` processes on one PostgreSQL database (TEST_DATABASE_URL, a schema of their own),
// polling one fake AWS account every second and posting to one fake Slack: 100 root sign-ins become exactly 100
// alert posts (neither replica posts one the other did, none is lost) and the week's summary is posted once, by
// the replica that claims the start-up catch-up (test/two-replicas-summary.test.ts). Skips without
// TEST_DATABASE_URL (printed); fails under CI=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hardenedAccount, startFakeAws, type FakeAws } from './fakes/aws/index.js';
import { startFakeSlack, type FakeSlack } from './fakes/slack/index.js';
import { lostAndDuplicated, postsPerEvent, rootSignIn } from './alerts/support/bot-process.js';
import { testDatabaseUrl } from './store/postgres-database.js';
import { ALERT_CHANNEL, waitFor } from './support/bot.js';
import { startReplicas, type Replicas } from './support/replicas.js';

const url = testDatabaseUrl();
const EVENTS = 100;

describe.skipIf(url === null)('two replicas on one PostgreSQL', () => {
  let fakeAws: FakeAws;
  let slack: FakeSlack;
  let deployment: Replicas;
  const eventIds = Array.from({ length: EVENTS }, (_, index) => `two-replicas-${String(index).padStart(4, '0')}`);

  beforeAll(async () => {
    fakeAws = await startFakeAws({ state: hardenedAccount() });
    fakeAws.addEvents('us-east-1', eventIds.map((eventId, index) => rootSignIn(eventId, index + 1)));
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await deployment?.stop();
    await slack?.close();
    await fakeAws?.close();
  });

  const kindOf = (message: FakeSlack['state']['messages'][number]) => message.metadata?.event_payload?.kind;

  it('posts each of 100 root events once between them, and one weekly summary', async () => {
    deployment = await startReplicas({ databaseUrl: url!, label: 'replicas', aws: fakeAws, slack, signingSecret: 'two-replicas-signing-secret-0123456789', env: { POLL_SCHEDULE: '* * * * * *', LOG_LEVEL: 'warn' } });
    const alertPosts = () => slack.state.messages.filter((message) => message.threadTs === null && kindOf(message) === 'alert-post');
    // 100 posts in one channel at Slack's pace (about one a second, shared by the replicas), on a loaded machine.
    await waitFor(() => alertPosts().length >= EVENTS, `${EVENTS} alert posts`, 300_000);
    // A moment for a late duplicate to show.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    const { lost, duplicates } = lostAndDuplicated(postsPerEvent(slack, eventIds, ALERT_CHANNEL));
    expect(lost).toEqual([]);
    expect(duplicates).toBe(0);
    expect(alertPosts()).toHaveLength(EVENTS);
    const summaries = slack.state.messages.filter((message) => message.threadTs === null && kindOf(message) === 'summary-post');
    expect(summaries).toHaveLength(1);
    expect(deployment.list.every((replica) => replica.child.exitCode === null)).toBe(true);
    // Slack's pace held across the two: the channel's posts took as long as one replica's pace allows (1.1 s
    // apart, the default), not half of it, which two replicas pacing on their own would manage.
    const postedAt = slack
      .calls('chat.postMessage')
      .filter((call) => call.args.channel === ALERT_CHANNEL && !call.args.thread_ts)
      .map((call) => call.receivedAt)
      .sort((a, b) => a - b);
    expect(postedAt.at(-1)! - postedAt[0]!).toBeGreaterThanOrEqual((postedAt.length - 1) * 1_100 * 0.95);
  }, 420_000);
});
