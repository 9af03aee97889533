// One poll-to-post measurement, shared by the alert latency benches: a root sign-in becomes visible in the fake
// CloudTrail's event history now, and the time until the fake Slack has its alert is returned.
import type { CloudTrailRecord, FakeAws } from '../test/fakes/aws/index.js';
import type { FakeSlack } from '../test/fakes/slack/index.js';
import { fixtureRecord } from '../test/fixtures/cloudtrail/load.js';
import { waitFor } from '../test/support/bot.js';

export async function visibleToPostedMs(fake: FakeAws, slack: FakeSlack, eventId: string): Promise<number> {
  const template = fixtureRecord('root-console-login-success-no-mfa') as Record<string, unknown>;
  const record = { ...template, eventID: eventId, eventTime: new Date(Date.now() - 1_000).toISOString().replace(/\.\d{3}Z$/, 'Z') } as CloudTrailRecord;
  const visibleAt = performance.now();
  fake.addEvents('us-east-1', [record]);
  await waitFor(() => slack.calls('chat.postMessage').some((call) => JSON.stringify(call.args.blocks ?? '').includes(eventId)), `the alert of ${eventId}`, 20_000);
  return performance.now() - visibleAt;
}
