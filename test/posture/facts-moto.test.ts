// gatherAccountFacts against moto server, a real AWS emulator: the account is set up with ordinary SDK calls
// (CreateAccountAlias, UpdateAccountPasswordPolicy, CreateTrail, PutAlternateContact, ...), then read back.
// moto does not model the root user (no <root_account> row, AccountMFAEnabled always 0) nor
// iam:ListOrganizationsFeatures: those are covered against the fake AWS in facts.test.ts.
import { PutAlternateContactCommand } from '@aws-sdk/client-account';
import { CreateTrailCommand, StartLoggingCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateAccessKeyCommand,
  CreateAccountAliasCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createAwsClients, type AwsClients } from '../../src/aws/index.js';
import { gatherAccountFacts } from '../../src/posture/facts.js';
import type { AccountFacts, Fact } from '../../src/posture/model.js';
import { MOTO_CREDENTIALS, motoSkipReason, startMoto } from '../fakes/moto.js';

const moto = await startMoto();
const MOTO_ACCOUNT = '123456789012';

let clients: AwsClients;
/** Commands sent through the SDK (one per call, whatever its retries). */
let commandsSent: string[] = [];

function countCommands(client: { middlewareStack: { add: (middleware: never, options: { step: 'initialize'; name: string }) => void } }): void {
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
    commandsSent.push(context.commandName ?? 'unknown');
    return next(args);
  };
  client.middlewareStack.add(middleware as never, { step: 'initialize', name: 'countCommands' });
}

beforeEach(async () => {
  if (!moto) return;
  await moto.reset();
  commandsSent = [];
  // maxAttempts 2: moto answers ListOrganizationsFeatures with a 500, which the SDK retries.
  clients = createAwsClients({ region: 'us-east-1', endpoint: moto.url, credentials: MOTO_CREDENTIALS, maxAttempts: 2 });
  countCommands(clients.iam);
  countCommands(clients.sts);
  countCommands(clients.account);
  countCommands(clients.cloudTrail('us-east-1'));
});

afterEach(() => {
  clients?.destroy();
});

afterAll(async () => {
  await moto?.stop();
});

function value<T>(fact: Fact<T>): T {
  if (!fact.ok) throw new Error(`expected a value, got ${JSON.stringify(fact.error)}`);
  return fact.value;
}

async function gather(): Promise<AccountFacts> {
  commandsSent = [];
  return gatherAccountFacts(clients, { credentialReportMaxAgeHours: 4 });
}

/** moto's CreateTrail needs the bucket; there is no S3 client in this project, so S3 CreateBucket goes over plain HTTP (moto does not check signatures). */
async function createBucket(name: string): Promise<void> {
  const response = await fetch(`${moto!.url}/${name}`, {
    method: 'PUT',
    headers: { authorization: `AWS4-HMAC-SHA256 Credential=${MOTO_CREDENTIALS.accessKeyId}/20261128/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0` },
  });
  if (!response.ok) throw new Error(`moto S3 CreateBucket answered ${response.status}`);
}

async function createTrail(logging: boolean): Promise<string> {
  await createBucket('root-guard-trail-logs');
  const trail = await clients.cloudTrail('us-east-1').send(new CreateTrailCommand({ Name: 'management-events', S3BucketName: 'root-guard-trail-logs', IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true }));
  if (logging) await clients.cloudTrail('us-east-1').send(new StartLoggingCommand({ Name: 'management-events' }));
  else await clients.cloudTrail('us-east-1').send(new StopLoggingCommand({ Name: 'management-events' }));
  return trail.TrailARN!;
}

describe.skipIf(!moto)(`gatherAccountFacts on moto${moto ? '' : ` (skipped: ${motoSkipReason()})`}`, () => {
  test('a hardened account set up with SDK calls reads back: alias, password policy, logging multi-region trail, security contact', async () => {
    await clients.iam.send(new CreateAccountAliasCommand({ AccountAlias: 'example-prod' }));
    await clients.iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 14, PasswordReusePrevention: 24, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true }));
    const trailArn = await createTrail(true);
    await clients.account.send(new PutAlternateContactCommand({ AlternateContactType: 'SECURITY', Name: 'Security Team', EmailAddress: 'security@example.com', PhoneNumber: '+1-555-0100', Title: 'Security' }));

    const facts = await gather();
    expect(facts.account).toEqual({ id: MOTO_ACCOUNT, alias: 'example-prod' });
    expect(value(facts.passwordPolicy)).toMatchObject({ minimumPasswordLength: 14, passwordReusePrevention: 24, requireSymbols: true, maxPasswordAge: null });
    expect(value(facts.trails)).toEqual([{ name: 'management-events', arn: trailArn, homeRegion: 'us-east-1', isMultiRegionTrail: true, includeGlobalServiceEvents: true, isOrganizationTrail: false, isLogging: true }]);
    expect(value(facts.securityContact)).toEqual({ name: 'Security Team', emailAddress: 'security@example.com', phoneNumber: '+1-555-0100', title: 'Security' });
    // moto does not model root: the summary says no MFA, no keys.
    expect(value(facts.accountSummary)).toEqual({ accountMfaEnabled: false, accountAccessKeysPresent: false, accountSigningCertificatesPresent: false });
  });

  test('no password policy, no trail, no security contact: facts, not errors', async () => {
    const facts = await gather();
    expect(facts.passwordPolicy).toEqual({ ok: true, value: null });
    expect(facts.trails).toEqual({ ok: true, value: [] });
    expect(facts.securityContact).toEqual({ ok: true, value: null });
    expect(facts.account.alias).toBeNull();
  });

  test('a stopped trail reads as not logging (GetTrailStatus by ARN)', async () => {
    await createTrail(false);
    expect(value((await gather()).trails)[0]?.isLogging).toBe(false);
  });

  test('virtual MFA: only assigned devices, each with its user ARN (moto has no root device)', async () => {
    await clients.iam.send(new CreateUserCommand({ UserName: 'admin' }));
    const assigned = await clients.iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'admin-phone' }));
    await clients.iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'spare' }));
    await clients.iam.send(new EnableMFADeviceCommand({ UserName: 'admin', SerialNumber: assigned.VirtualMFADevice!.SerialNumber!, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }));
    const devices = value((await gather()).virtualMfaDevices);
    expect(devices).toEqual([{ serialNumber: `arn:aws:iam::${MOTO_ACCOUNT}:mfa/admin-phone`, userArn: `arn:aws:iam::${MOTO_ACCOUNT}:user/admin`, enableDate: expect.any(String) }]);
  });

  test('the credential report chain on a real emulator: Get (not present), Generate, Get; users only, so no root row', async () => {
    await clients.iam.send(new CreateUserCommand({ UserName: 'deployer' }));
    await clients.iam.send(new CreateAccessKeyCommand({ UserName: 'deployer' }));
    const facts = await gather();
    const report = value(facts.credentialReport);
    expect(report.root).toBeNull();
    expect(Number.isNaN(Date.parse(report.generatedAt))).toBe(false);
    expect(commandsSent.filter((name) => /CredentialReport/.test(name))).toEqual(['GetCredentialReportCommand', 'GenerateCredentialReportCommand', 'GetCredentialReportCommand']);
  });

  test('each AWS call once; ListOrganizationsFeatures, which moto lacks, errors alone', async () => {
    await createTrail(true);
    const facts = await gather();
    expect(facts.organizationsFeatures).toMatchObject({ ok: false, error: { action: 'iam:ListOrganizationsFeatures' } });
    for (const fact of [facts.accountSummary, facts.credentialReport, facts.virtualMfaDevices, facts.passwordPolicy, facts.trails, facts.securityContact]) expect(fact.ok).toBe(true);
    const counts: Record<string, number> = {};
    for (const name of commandsSent) counts[name] = (counts[name] ?? 0) + 1;
    expect(counts).toEqual({
      GetCallerIdentityCommand: 1,
      ListAccountAliasesCommand: 1,
      GetAccountSummaryCommand: 1,
      GetCredentialReportCommand: 2,
      GenerateCredentialReportCommand: 1,
      ListVirtualMFADevicesCommand: 1,
      GetAccountPasswordPolicyCommand: 1,
      DescribeTrailsCommand: 1,
      GetTrailStatusCommand: 1,
      GetAlternateContactCommand: 1,
      ListOrganizationsFeaturesCommand: 1,
    });
  });
});
