// The five-member organization the issue asks for, built on moto server (Organizations, cross-account AssumeRole)
// with the root users moto cannot model held by the front's root-session authority (moto-front.ts):
// one hardened, one with an active root key used yesterday, one without the member role, one suspended (closed),
// one whose root credentials were removed centrally. Shared by the posture test and the CLI test.
import { CreateRoleCommand, UpdateAccountPasswordPolicyCommand } from '@aws-sdk/client-iam';
import { CloseAccountCommand, CreateAccountCommand, CreateOrganizationalUnitCommand, CreateOrganizationCommand, ListRootsCommand, MoveAccountCommand } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { createAwsClients, type AwsClients } from '../../../src/aws/index.js';
import { MOTO_CREDENTIALS } from '../moto.js';
import { hardenedRootUser, removedRootUser, type RootSessionAuthority } from './root-sessions.js';
import { daysBefore } from './scenarios.js';

/** moto's management account: the one its default credentials belong to. */
export const MOTO_MANAGEMENT_ACCOUNT = '123456789012';
export type MotoMemberName = 'hardened' | 'rootKey' | 'noRole' | 'suspended' | 'removed';

/** Clients signed as a member, straight to moto (setting the member up, not under test). */
async function asMember(direct: AwsClients, motoUrl: string, accountId: string): Promise<AwsClients> {
  const { Credentials } = await direct.sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`, RoleSessionName: 'set-up' }));
  return createAwsClients({ region: 'us-east-1', endpoint: motoUrl, credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! } });
}

/** Builds the organization in moto (members in OU "Prod") and gives the root users to `authority`; returns the ids. */
export async function buildMotoOrganization(motoUrl: string, authority: RootSessionAuthority): Promise<Record<MotoMemberName, string>> {
  const direct = createAwsClients({ region: 'us-east-1', endpoint: motoUrl, credentials: MOTO_CREDENTIALS });
  try {
    const now = new Date();
    await direct.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const rootId = (await direct.organizations.send(new ListRootsCommand({}))).Roots![0]!.Id!;
    const prod = (await direct.organizations.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Prod' }))).OrganizationalUnit!.Id!;
    const ids = {} as Record<MotoMemberName, string>;
    for (const name of ['hardened', 'rootKey', 'noRole', 'suspended', 'removed'] as const) {
      const created = await direct.organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
      ids[name] = created.CreateAccountStatus!.AccountId!;
      await direct.organizations.send(new MoveAccountCommand({ AccountId: ids[name], SourceParentId: rootId, DestinationParentId: prod }));
    }
    await direct.organizations.send(new CloseAccountCommand({ AccountId: ids.suspended }));
    for (const name of ['hardened', 'rootKey', 'removed'] as const) {
      const member = await asMember(direct, motoUrl, ids[name]);
      const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MOTO_MANAGEMENT_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] });
      await member.iam.send(new CreateRoleCommand({ RoleName: 'aws-root-guard-audit', AssumeRolePolicyDocument: trust }));
      if (name === 'hardened') {
        await member.iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 14, PasswordReusePrevention: 24, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true }));
      }
      member.destroy();
    }
    authority.rootUsers.set(ids.hardened, hardenedRootUser(ids.hardened, now));
    authority.rootUsers.set(ids.rootKey, {
      ...hardenedRootUser(ids.rootKey, now),
      mfaDevices: [{ serialNumber: `arn:aws:iam::${ids.rootKey}:mfa/root-phone`, enableDate: daysBefore(now, 100) }],
      accessKeys: [{ accessKeyId: 'AKIAOLDROOTKEY000001', status: 'Active', createDate: daysBefore(now, 500), lastUsed: { date: daysBefore(now, 20 / 24), region: 'eu-west-1', service: 'ec2' } }],
    });
    authority.rootUsers.set(ids.noRole, { ...removedRootUser(now), password: { createDate: daysBefore(now, 30), lastUsed: null } });
    authority.rootUsers.set(ids.removed, removedRootUser(now));
    return ids;
  } finally {
    direct.destroy();
  }
}
