// listWatchedAccounts and clientsFor against moto server, which models Organizations (accounts, OUs, closing) and
// cross-account sts:AssumeRole: calls signed with the assumed credentials land in the member account's backends.
import { CreateAccountAliasCommand, ListAccountAliasesCommand } from '@aws-sdk/client-iam';
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
} from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createAccountAccess, createAwsClients, type AccountAccess, type AwsClients } from '../../src/aws/index.js';
import { readAccountsConfig, type AccountsConfig } from '../../src/aws/accounts-config.js';
import { MOTO_CREDENTIALS, motoSkipReason, startMoto } from '../fakes/moto.js';

const moto = await startMoto();
const MANAGEMENT = '123456789012';

let self: AwsClients;
let access: AccountAccess | null = null;

interface Organization {
  members: Record<'prod' | 'dev' | 'sandbox' | 'closed', string>;
  ous: { workloads: string; prod: string; sandbox: string };
  rootId: string;
}

async function createOrganization(): Promise<Organization> {
  const organizations = self.organizations;
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const { Roots } = await organizations.send(new ListRootsCommand({}));
  const rootId = Roots![0]!.Id!;
  const unit = async (parentId: string, name: string) => (await organizations.send(new CreateOrganizationalUnitCommand({ ParentId: parentId, Name: name }))).OrganizationalUnit!.Id!;
  const workloads = await unit(rootId, 'Workloads');
  const prod = await unit(workloads, 'Prod');
  const sandbox = await unit(rootId, 'Sandbox');
  const account = async (name: string, parent: string | null) => {
    const created = await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
    const id = created.CreateAccountStatus!.AccountId!;
    if (parent) await organizations.send(new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: parent }));
    return id;
  };
  const members = {
    prod: await account('prod', prod),
    dev: await account('dev', workloads),
    sandbox: await account('sandbox', sandbox),
    closed: await account('closed', sandbox),
  };
  await organizations.send(new CloseAccountCommand({ AccountId: members.closed }));
  return { members, ous: { workloads, prod, sandbox }, rootId };
}

function accessWith(env: Record<string, string>): AccountAccess {
  const { config, problems } = readAccountsConfig(env);
  expect(problems).toEqual([]);
  access = createAccountAccess({ self, clientOptions: { region: 'us-east-1', endpoint: moto!.url, credentials: MOTO_CREDENTIALS }, config: config as AccountsConfig });
  return access;
}

beforeEach(async () => {
  if (!moto) return;
  await moto.reset();
  self = createAwsClients({ region: 'us-east-1', endpoint: moto.url, credentials: MOTO_CREDENTIALS });
});

afterEach(() => {
  access?.close();
  access = null;
  self?.destroy();
});

afterAll(async () => {
  await moto?.stop();
});

describe.skipIf(!moto)(`accounts against moto ${motoSkipReason()}`, () => {
  test('self (the default): only the account of the bot\'s credentials', async () => {
    const list = await accessWith({}).listWatchedAccounts();
    expect(list.accounts).toEqual([{ id: MANAGEMENT, name: null, ouId: null, status: 'UNKNOWN', isSelf: true, isManagement: false }]);
    expect(list.skipped).toEqual([]);
  });

  test('organization: every ACTIVE account with its name and OU; the closed one is skipped with the reason', async () => {
    const org = await createOrganization();
    const list = await accessWith({ WATCH_ACCOUNTS: 'organization' }).listWatchedAccounts();
    const byId = new Map(list.accounts.map((account) => [account.id, account]));
    expect([...byId.keys()].sort()).toEqual([MANAGEMENT, org.members.prod, org.members.dev, org.members.sandbox].sort());
    expect(byId.get(org.members.prod)).toMatchObject({ name: 'prod', email: 'prod@example.com', ouId: org.ous.prod, ouPath: 'Root/Workloads/Prod', status: 'ACTIVE', isSelf: false, isManagement: false });
    expect(byId.get(MANAGEMENT)).toMatchObject({ isSelf: true, isManagement: true, ouId: org.rootId });
    expect(list.managementAccountId).toBe(MANAGEMENT);
    expect(list.skipped).toHaveLength(1);
    expect(list.skipped[0]).toMatchObject({ id: org.members.closed, name: 'closed' });
    expect(list.skipped[0]!.reason).toMatch(/^(SUSPENDED|CLOSED|PENDING_CLOSURE) in AWS Organizations: only ACTIVE accounts are checked$/);
  });

  test('WATCH_OUS keeps the accounts under an OU, children included; EXCLUDE_ACCOUNTS drops one', async () => {
    const org = await createOrganization();
    const list = await accessWith({ WATCH_ACCOUNTS: 'organization', WATCH_OUS: org.ous.workloads, EXCLUDE_ACCOUNTS: org.members.dev }).listWatchedAccounts();
    expect(list.accounts.map((account) => account.id)).toEqual([org.members.prod]);
  });

  test('a list of ids: named from Organizations when it can be read', async () => {
    const org = await createOrganization();
    const list = await accessWith({ WATCH_ACCOUNTS: `${org.members.sandbox}, ${org.members.closed}` }).listWatchedAccounts();
    expect(list.accounts.map((account) => [account.id, account.name])).toEqual([[org.members.sandbox, 'sandbox']]);
    expect(list.skipped.map((account) => account.id)).toEqual([org.members.closed]);
  });

  test('the organization is read once within the hour, and again after it', async () => {
    await createOrganization();
    let clock = new Date('2026-12-01T10:00:00Z');
    const { config } = readAccountsConfig({ WATCH_ACCOUNTS: 'organization' });
    access = createAccountAccess({ self, clientOptions: { region: 'us-east-1', endpoint: moto!.url, credentials: MOTO_CREDENTIALS }, config, now: () => clock });
    const sent: string[] = [];
    self.organizations.middlewareStack.add(((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
      sent.push(context.commandName ?? '');
      return next(args);
    }) as never, { step: 'initialize', name: 'countOrganizationsCalls' });
    await access.listWatchedAccounts();
    const firstRead = sent.filter((name) => name === 'ListAccountsCommand').length;
    clock = new Date('2026-12-01T10:59:00Z');
    await access.listWatchedAccounts();
    expect(sent.filter((name) => name === 'ListAccountsCommand').length).toBe(firstRead);
    clock = new Date('2026-12-01T11:00:01Z');
    await access.listWatchedAccounts();
    expect(sent.filter((name) => name === 'ListAccountsCommand').length).toBe(firstRead + 1);
  });

  test('clientsFor a member assumes MEMBER_ROLE_NAME: its calls land in the member account, not the bot\'s', async () => {
    const org = await createOrganization();
    const accounts = accessWith({ WATCH_ACCOUNTS: 'organization', MEMBER_ROLE_NAME: 'audit-reader' });
    const member = await accounts.clientsFor(org.members.prod);
    expect(member.roleArn).toBe(`arn:aws:iam::${org.members.prod}:role/audit-reader`);
    await member.ready();
    const caller = await member.clients.sts.send(new GetCallerIdentityCommand({}));
    expect(caller.Account).toBe(org.members.prod);
    expect(caller.Arn).toBe(`arn:aws:sts::${org.members.prod}:assumed-role/audit-reader/aws-root-guard`);
    await member.clients.iam.send(new CreateAccountAliasCommand({ AccountAlias: 'prod-alias' }));
    expect((await member.clients.iam.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual(['prod-alias']);
    expect((await self.iam.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual([]);
    member.close();

    const own = await accounts.clientsFor(MANAGEMENT);
    expect(own.clients).toBe(self);
    expect(own.roleArn).toBeNull();
  });
});
