// What the kill storms share (kill-storm.test.ts: one bot per SQLite lane; kill-storm-postgres.test.ts: two replicas
// per PostgreSQL lane). The fake Slack posts each message at once and holds its answer, so a bot killed as soon as
// its message is in the channel dies between Slack accepting the post and the store recording it, the one window a
// duplicate can come from. A lane is one alert channel and the root events meant for it.
import type { FakeSlack } from '../../fakes/slack/index.js';
import { waitFor } from '../../support/bot.js';
import { lostAndDuplicated, postsPerEvent } from './bot-process.js';

/** Longer than any kill takes to land: the killed bot never sees the answer. */
export const HOLD_ANSWER_MS = 5_000;

export interface StormLane {
  channel: string;
  eventIds: string[];
}

export function messagesIn(slack: FakeSlack, channel: string): number {
  return slack.state.messages.filter((message) => message.channel === channel).length;
}

/** Whether Slack holds the answer of a post it accepted in `channel`: a kill now lands in the window. */
export function heldPostIn(slack: FakeSlack, channel: string): boolean {
  return slack.calls('chat.postMessage').some((call) => call.args.channel === channel && call.answeredAt === null);
}

/** Waits (up to `timeoutMs`) for every lane's events to be posted, then a moment for a late duplicate to show. */
export async function awaitEveryPost(slack: FakeSlack, lanes: readonly StormLane[], timeoutMs: number): Promise<void> {
  const everyEventPosted = (lane: StormLane) => [...postsPerEvent(slack, lane.eventIds, lane.channel).values()].every((count) => count > 0);
  await Promise.all(lanes.map((lane) => waitFor(() => everyEventPosted(lane), `every alert in ${lane.channel}`, timeoutMs).catch(() => undefined)));
  await new Promise((resolve) => setTimeout(resolve, 1_500));
}

/** Per lane, the events with no post; and the posts beyond one per event, over all lanes. */
export function lostAndDuplicatedPosts(slack: FakeSlack, lanes: readonly StormLane[]): { lost: string[][]; duplicates: number } {
  const results = lanes.map((lane) => lostAndDuplicated(postsPerEvent(slack, lane.eventIds, lane.channel)));
  return { lost: results.map((result) => result.lost), duplicates: results.reduce((sum, result) => sum + result.duplicates, 0) };
}
