// A member's role credentials over the fake organization: one AssumeRole (one shared STS client) serves every client
// of the account, and the credentials are renewed five minutes before they expire, never signed with when stale.
import { DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { GetAccountSummaryCommand } from '@aws-sdk/client-iam';
import { describe, expect, test } from 'vitest';
import { createAccountAccess, readAccountsConfig } from '../../src/aws/index.js';
import { ACCOUNT_ID, addMember, createFakeOrganization, FAKE_CREDENTIALS } from '../fakes/aws/index.js';
import { useFakeAws } from '../support/fake-aws.js';

const aws = useFakeAws();
const MEMBER = '210000000001';

describe('member role credentials', () => {
  test('assumed once for all of a member\'s calls, renewed ahead of expiry, and the STS client shared by members', async () => {
    const organization = createFakeOrganization(ACCOUNT_ID);
    addMember(organization, { id: MEMBER });
    addMember(organization, { id: '210000000002' });
    aws.fake.organization = organization;
    let clock = new Date();
    const { config } = readAccountsConfig({ WATCH_ACCOUNTS: 'organization' });
    const access = createAccountAccess({ self: aws.clients, clientOptions: { region: 'us-east-1', endpoint: aws.fake.url, credentials: FAKE_CREDENTIALS }, config, now: () => clock });
    const assumeRoles = () => aws.fake.requests.filter((request) => request.operation === 'AssumeRole');
    try {
      const member = await access.clientsFor(MEMBER);
      await member.ready();
      await member.clients.iam.send(new GetAccountSummaryCommand({}));
      await member.clients.cloudTrail('eu-west-1').send(new DescribeTrailsCommand({}));
      await member.clients.iam.send(new GetAccountSummaryCommand({}));
      expect(assumeRoles()).toHaveLength(1);
      expect(assumeRoles()[0]!.params).toMatchObject({ RoleArn: `arn:aws:iam::${MEMBER}:role/aws-root-guard-audit`, RoleSessionName: 'aws-root-guard' });

      // The fake issues an hour: 54 minutes later they still serve; 56 minutes later (inside the 5-minute margin) the
      // role is assumed again. (The SDK's own identity cache asks again on the real clock, with its own margin.)
      clock = new Date(clock.getTime() + 54 * 60_000);
      await member.ready();
      expect(assumeRoles()).toHaveLength(1);
      clock = new Date(clock.getTime() + 2 * 60_000);
      await member.ready();
      expect(assumeRoles()).toHaveLength(2);
      member.close();

      const other = await access.clientsFor('210000000002');
      await other.ready();
      other.close();
      expect(assumeRoles()).toHaveLength(3);
      // Every AssumeRole signed with the bot's own key.
      expect(new Set(assumeRoles().map((request) => request.accountId))).toEqual(new Set([ACCOUNT_ID]));
    } finally {
      access.close();
    }
  });
});
