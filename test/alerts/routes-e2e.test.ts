// ALERT_ROUTES through the whole bot as main.ts wires it: an organization on the fake AWS (one member in a nested
// OU, one routed by its account id), root sign-ins of both through moto's SQS, and each alert in its own channel of
// the fake Slack; an account without a route alerts in ALERT_CHANNEL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, addMember, createFakeOrganization, hardenedAccount, startFakeAws, type FakeAws } from '../fakes/aws/index.js';
import { motoSkipReason, startMoto } from '../fakes/moto.js';
import { eventBridgeFixture } from '../fixtures/eventbridge/load.js';
import { ALERT_CHANNEL, waitFor } from '../support/bot.js';
import { startQueueBot, type QueueBot } from '../support/queue-bot.js';

const moto = await startMoto();
const SIGNING_SECRET = 'routes-e2e-signing-secret-0123456';
const PROD = 'ou-ex4m-prod0001';
const PROD_EU = 'ou-ex4m-prodeu01';
const IN_PROD_EU = '210000000011';
const ROUTED_BY_ID = '210000000012';
const PROD_CHANNEL = 'C0PROD0001';
const PROD_EU_CHANNEL = 'C0PRODEU01';
const SANDBOX_CHANNEL = 'C0SANDBOX1';

/** A root console sign-in of `accountId`, as EventBridge puts it on the queue (fixture from the EventBridge docs). */
function rootSignIn(accountId: string, index: number): string {
  const event = eventBridgeFixture('console-sign-in-root-no-mfa');
  const now = new Date().toISOString();
  const detail = { ...event.detail, eventID: `routes-e2e-${index}`, eventTime: now, recipientAccountId: accountId, userIdentity: { type: 'Root', principalId: accountId, arn: `arn:aws:iam::${accountId}:root`, accountId, accessKeyId: '' } };
  return JSON.stringify({ ...event, id: `eb-routes-${index}`, account: accountId, time: now, detail });
}

let fakeAws: FakeAws;
let harness: QueueBot;

describe.skipIf(!moto)(`ALERT_ROUTES through the whole bot ${motoSkipReason()}`, () => {
  beforeAll(async () => {
    fakeAws = await startFakeAws({ state: hardenedAccount() });
    const organization = createFakeOrganization(ACCOUNT_ID);
    organization.units.push({ id: PROD, name: 'Prod', parentId: organization.rootId }, { id: PROD_EU, name: 'EU', parentId: PROD });
    addMember(organization, { id: IN_PROD_EU, name: 'prod-eu', parentId: PROD_EU });
    addMember(organization, { id: ROUTED_BY_ID, name: 'sandbox', parentId: PROD });
    fakeAws.organization = organization;
    harness = await startQueueBot({
      moto: moto!,
      fakeAws,
      queueName: 'aws-root-guard-routes',
      signingSecret: SIGNING_SECRET,
      // The account's own route beats its OU's; the nearest OU beats the one above it.
      env: { WATCH_ACCOUNTS: 'organization', ALERT_ROUTES: `${PROD}=${PROD_CHANNEL},${PROD_EU}=${PROD_EU_CHANNEL},${ROUTED_BY_ID}=${SANDBOX_CHANNEL}` },
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await fakeAws?.close();
    await moto?.stop();
  });

  it('posts each account\'s alert in the channel its route names', async () => {
    for (const [index, accountId] of [IN_PROD_EU, ROUTED_BY_ID, ACCOUNT_ID].entries()) {
      await harness.send(rootSignIn(accountId, index));
    }
    const alertIn = (channel: string) => () => harness.slack.state.messages.filter((message) => message.channel === channel && message.threadTs === null && !(message.text ?? '').startsWith('Weekly root hygiene'));
    const prodEu = await waitFor(() => alertIn(PROD_EU_CHANNEL)().length > 0 && alertIn(PROD_EU_CHANNEL)(), 'the prod-eu alert', 60_000);
    const sandbox = await waitFor(() => alertIn(SANDBOX_CHANNEL)().length > 0 && alertIn(SANDBOX_CHANNEL)(), 'the sandbox alert', 60_000);
    const management = await waitFor(() => alertIn(ALERT_CHANNEL)().length > 0 && alertIn(ALERT_CHANNEL)(), 'the management account alert', 60_000);

    expect(prodEu.map((message) => message.text)).toEqual([expect.stringContaining(IN_PROD_EU)]);
    expect(sandbox.map((message) => message.text)).toEqual([expect.stringContaining(ROUTED_BY_ID)]);
    expect(management.map((message) => message.text)).toEqual([expect.stringContaining(ACCOUNT_ID)]);
    // Nothing reached the OU above prod-eu, whose route is farther than prod-eu's own OU and sandbox's account route.
    expect(alertIn(PROD_CHANNEL)()).toEqual([]);
  });
});
