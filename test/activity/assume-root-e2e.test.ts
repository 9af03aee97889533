// End to end, the whole bot as main.ts wires it, with EVENTS_QUEUE_URL on moto's SQS and the fake Slack: an
// sts:AssumeRoot event of the management account plus two member-side calls made with its key make ONE alert,
// "Root session opened on member …", with the two calls in its thread.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hardenedAccount, startFakeAws, type FakeAws } from '../fakes/aws/index.js';
import type { FakeSlack } from '../fakes/slack/index.js';
import { motoSkipReason, startMoto } from '../fakes/moto.js';
import { assumeRootRecord, MEMBER_ACCOUNT_ID, memberSessionRecords } from '../fixtures/assume-root/load.js';
import { ALERT_CHANNEL, waitFor } from '../support/bot.js';
import { startQueueBot, type QueueBot } from '../support/queue-bot.js';

const moto = await startMoto();
const SIGNING_SECRET = 'assume-root-e2e-signing-secret-0123';

/** The EventBridge event the member rule forwards (EventBridge User Guide, CloudTrail events). */
function eventBridgeEvent(record: Record<string, unknown>, id: string): string {
  return JSON.stringify({ version: '0', id, 'detail-type': 'AWS API Call via CloudTrail', source: `aws.${String(record.eventSource).split('.')[0]}`, account: record.recipientAccountId, time: record.eventTime, region: record.awsRegion, resources: [], detail: record });
}

let fakeAws: FakeAws;
let harness: QueueBot;
let slack: FakeSlack;

describe.skipIf(!moto)(`AssumeRoot session through the whole bot ${motoSkipReason()}`, () => {
  beforeAll(async () => {
    fakeAws = await startFakeAws({ state: hardenedAccount() });
    harness = await startQueueBot({ moto: moto!, fakeAws, queueName: 'aws-root-guard-root-events', signingSecret: SIGNING_SECRET });
    slack = harness.slack;
  });

  afterAll(async () => {
    await harness?.stop();
    await fakeAws?.close();
    await moto?.stop();
  });

  it('one alert for the session, its two member-side calls in the thread', async () => {
    await harness.send(eventBridgeEvent(assumeRootRecord(), 'eb-assume-root-1'));
    const post = await waitFor(() => slack.state.messages.find((message) => message.channel === ALERT_CHANNEL && message.threadTs === null && (message.text ?? '').includes('Root session opened on member')), 'the AssumeRoot alert', 30_000);
    expect(post.text).toContain(`Root session opened on member ${MEMBER_ACCOUNT_ID} by arn:aws:sts::111111111111:assumed-role/Admin/alice, task policy IAMDeleteRootUserCredentials, from 198.51.100.7`);

    const [listKeys, deleteProfile] = memberSessionRecords();
    await harness.send(eventBridgeEvent(listKeys!, 'eb-member-1'));
    await harness.send(eventBridgeEvent(deleteProfile!, 'eb-member-2'));

    const threadText = () => slack.state.messages.filter((message) => message.threadTs === post.ts).map((message) => JSON.stringify(message.blocks ?? message.text)).join('\n');
    await waitFor(() => threadText().includes('DeleteLoginProfile') && threadText().includes('ListAccessKeys'), 'both member-side calls in the thread', 30_000);
    const callLines = threadText().match(/• [^"\\]*(ListAccessKeys|DeleteLoginProfile) \(iam\.amazonaws\.com\) on member \d{12}/g) ?? [];
    expect(callLines).toHaveLength(2);
    // Calls made in the member, under an alert of the management account: each line names the member.
    for (const line of callLines) expect(line).toMatch(new RegExp(`on member ${MEMBER_ACCOUNT_ID}$`));
    // Not alerted on their own: the AssumeRoot alert is the only top-level alert. (A fresh store also posts the missed
    // weekly summary at start, at a time that depends on the machine's load: it is not an alert.)
    const topLevel = slack.state.messages.filter((message) => message.channel === ALERT_CHANNEL && message.threadTs === null && !(message.text ?? '').startsWith('Weekly root hygiene'));
    expect(topLevel.map((message) => message.text)).toEqual([post.text]);
  });
});
