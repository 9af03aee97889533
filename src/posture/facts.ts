// gather(account) -> AccountFacts: the only part of posture that talks to AWS. Each AWS call is made at most
// once per run (the credential report's polling aside), the independent ones in parallel; a failing call
// spoils only its own fact. The credential report chain is the critical path: reuse a young report, else
// GenerateCredentialReport and poll GetCredentialReport with a bounded, doubling backoff.
import { GetAlternateContactCommand, type AccountClient } from '@aws-sdk/client-account';
import { DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import {
  GenerateCredentialReportCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  ListAccountAliasesCommand,
  ListOrganizationsFeaturesCommand,
  ListVirtualMFADevicesCommand,
  type GetCredentialReportCommandOutput,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AwsCallError, awsErrorCode, toFactError, type AwsClients } from '../aws/index.js';
import { parseCredentialReport } from './credential-report.js';
import { readRootSessionFact } from './root-credential-facts.js';
import type { AccountFacts, AccountIdentity, AccountSummary, AlternateContact, CredentialReport, Fact, FactError, OrganizationsFeatures, PasswordPolicy, Trail, VirtualMfaDevice } from './model.js';

export interface CredentialReportPolling {
  /** Wait before the second GetCredentialReport; doubles each time. Default 100 ms. */
  initialDelayMs: number;
  /** Longest single wait. Default 4000 ms. */
  maxDelayMs: number;
  /** GetCredentialReport calls after GenerateCredentialReport. Default 8. */
  maxPolls: number;
  /** Total time spent waiting. Default 15000 ms. */
  maxWaitMs: number;
}

export interface GatherOptions {
  /** A credential report younger than this is reused instead of generating a new one. */
  credentialReportMaxAgeHours: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  credentialReportPolling?: Partial<CredentialReportPolling>;
  /** The account as the scan knows it (a member account): its id is not asked of sts:GetCallerIdentity again. */
  account?: AccountIdentity;
  /** The member role could not be assumed: every fact read through it carries this error, and no call is made. */
  roleError?: FactError;
  /** The organization's features as read once from the management account (a member cannot read them itself). */
  organizationsFeatures?: Fact<OrganizationsFeatures>;
  /** Read the security contact from the management account (account:GetAlternateContact with AccountId) instead. */
  securityContactFrom?: { account: AccountClient; accountId: string };
  /** Opens an sts:AssumeRoot audit session on the member (centralized root access): its root credentials are read directly. */
  rootSession?: () => Promise<{ iam: IAMClient; close(): void }>;
}

const DEFAULT_POLLING: CredentialReportPolling = { initialDelayMs: 100, maxDelayMs: 4_000, maxPolls: 8, maxWaitMs: 15_000 };

// GetCredentialReport's "no usable report yet" answers: by SDK error name and by wire code.
const REPORT_NOT_READY = new Set(['CredentialReportNotReadyException', 'ReportInProgress']);
const REPORT_MISSING = new Set(['CredentialReportNotPresentException', 'ReportNotPresent', 'CredentialReportExpiredException', 'ReportExpired']);

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function ok<T>(value: T): Fact<T> {
  return { ok: true, value };
}

/** Runs one fact's AWS calls; any error becomes that fact's FactError, named after the IAM action. */
async function readFact<T>(action: string, read: () => Promise<T>): Promise<Fact<T>> {
  try {
    return ok(await read());
  } catch (error) {
    return { ok: false, error: toFactError(action, error) };
  }
}

function isoOrNull(date: Date | undefined): string | null {
  return date ? date.toISOString() : null;
}

async function readIdentity(clients: AwsClients, options: GatherOptions): Promise<AccountIdentity> {
  if (options.account) {
    const known = options.account;
    if (options.roleError) return { ...known };
    const alias = await clients.iam.send(new ListAccountAliasesCommand({})).then(
      (answer) => answer.AccountAliases?.[0] ?? known.alias,
      () => known.alias,
    );
    return { ...known, alias };
  }
  const aliasRead = clients.iam.send(new ListAccountAliasesCommand({})).then(
    (answer) => answer.AccountAliases?.[0] ?? null,
    // The alias only decorates the report header: without iam:ListAccountAliases the id is enough.
    () => null,
  );
  try {
    const caller = await clients.sts.send(new GetCallerIdentityCommand({}));
    if (!caller.Account) throw new Error('GetCallerIdentity returned no Account');
    return { id: caller.Account, alias: await aliasRead };
  } catch (error) {
    await aliasRead;
    throw new AwsCallError('sts:GetCallerIdentity', awsErrorCode(error), error);
  }
}

async function readAccountSummary(clients: AwsClients): Promise<AccountSummary> {
  const { SummaryMap: summary = {} } = await clients.iam.send(new GetAccountSummaryCommand({}));
  return {
    accountMfaEnabled: summary.AccountMFAEnabled === 1,
    accountAccessKeysPresent: summary.AccountAccessKeysPresent === 1,
    accountSigningCertificatesPresent: summary.AccountSigningCertificatesPresent === 1,
  };
}

async function readVirtualMfaDevices(clients: AwsClients): Promise<VirtualMfaDevice[]> {
  const devices: VirtualMfaDevice[] = [];
  let marker: string | undefined;
  do {
    const page = await clients.iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned', Marker: marker }));
    for (const device of page.VirtualMFADevices ?? []) {
      devices.push({ serialNumber: device.SerialNumber ?? '', userArn: device.User?.Arn ?? null, enableDate: isoOrNull(device.EnableDate) });
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return devices;
}

async function readPasswordPolicy(clients: AwsClients): Promise<PasswordPolicy | null> {
  try {
    const { PasswordPolicy: policy } = await clients.iam.send(new GetAccountPasswordPolicyCommand({}));
    if (!policy) return null;
    return {
      minimumPasswordLength: policy.MinimumPasswordLength ?? null,
      passwordReusePrevention: policy.PasswordReusePrevention ?? null,
      requireSymbols: policy.RequireSymbols === true,
      requireNumbers: policy.RequireNumbers === true,
      requireUppercaseCharacters: policy.RequireUppercaseCharacters === true,
      requireLowercaseCharacters: policy.RequireLowercaseCharacters === true,
      // AWS leaves MaxPasswordAge out when passwords never expire; emulators send 0 (AWS's range is 1-1095).
      maxPasswordAge: policy.MaxPasswordAge ? policy.MaxPasswordAge : null,
    };
  } catch (error) {
    // NoSuchEntity: the account has no password policy, which is a fact, not a failure.
    if (['NoSuchEntity', 'NoSuchEntityException'].includes(awsErrorCode(error))) return null;
    throw error;
  }
}

async function readTrails(clients: AwsClients): Promise<Trail[]> {
  // Shadow trails included: every multi-region trail shows in every Region, whatever its home Region.
  const { trailList = [] } = await clients.cloudTrail(clients.region).send(new DescribeTrailsCommand({ includeShadowTrails: true }));
  return Promise.all(
    trailList.map(async (described): Promise<Trail> => {
      const homeRegion = described.HomeRegion ?? clients.region;
      const arn = described.TrailARN ?? '';
      const trail: Trail = {
        name: described.Name ?? arn,
        arn,
        homeRegion,
        isMultiRegionTrail: described.IsMultiRegionTrail === true,
        includeGlobalServiceEvents: described.IncludeGlobalServiceEvents === true,
        isOrganizationTrail: described.IsOrganizationTrail === true,
        isLogging: null,
      };
      try {
        // By ARN, in the trail's home Region: a shadow trail's status is only known there.
        const status = await clients.cloudTrail(homeRegion).send(new GetTrailStatusCommand({ Name: arn || trail.name }));
        trail.isLogging = status.IsLogging === true;
      } catch (error) {
        trail.statusError = toFactError('cloudtrail:GetTrailStatus', error);
      }
      return trail;
    }),
  );
}

async function readSecurityContact(clients: AwsClients, from: GatherOptions['securityContactFrom']): Promise<AlternateContact | null> {
  try {
    const { AlternateContact: contact } = from
      ? await from.account.send(new GetAlternateContactCommand({ AlternateContactType: 'SECURITY', AccountId: from.accountId }))
      : await clients.account.send(new GetAlternateContactCommand({ AlternateContactType: 'SECURITY' }));
    if (!contact) return null;
    return { name: contact.Name ?? null, emailAddress: contact.EmailAddress ?? null, phoneNumber: contact.PhoneNumber ?? null, title: contact.Title ?? null };
  } catch (error) {
    // ResourceNotFoundException: no security contact is set.
    if (awsErrorCode(error) === 'ResourceNotFoundException') return null;
    throw error;
  }
}

async function readOrganizationsFeatures(clients: AwsClients): Promise<OrganizationsFeatures> {
  try {
    const answer = await clients.iam.send(new ListOrganizationsFeaturesCommand({}));
    return { inOrganization: true, organizationId: answer.OrganizationId ?? null, enabledFeatures: answer.EnabledFeatures ?? [] };
  } catch (error) {
    if (awsErrorCode(error) === 'OrganizationNotFoundException') return { inOrganization: false, organizationId: null, enabledFeatures: [] };
    // Member account, trusted access off, consolidated billing only: the check words each of these itself.
    throw error;
  }
}

/** The credential report: reuse one younger than the max age, else generate and poll with a bounded backoff. */
async function readCredentialReport(clients: AwsClients, options: GatherOptions, now: () => Date, sleep: (ms: number) => Promise<void>): Promise<Fact<CredentialReport>> {
  const polling = { ...DEFAULT_POLLING, ...options.credentialReportPolling };
  const maxAgeMs = options.credentialReportMaxAgeHours * 60 * 60 * 1000;
  const parse = (answer: GetCredentialReportCommandOutput): CredentialReport => parseCredentialReport(answer.Content ?? new Uint8Array(), answer.GeneratedTime ?? now());

  try {
    const existing = await clients.iam.send(new GetCredentialReportCommand({}));
    if (existing.Content && existing.GeneratedTime && now().getTime() - existing.GeneratedTime.getTime() <= maxAgeMs) return ok(parse(existing));
  } catch (error) {
    const code = awsErrorCode(error);
    if (!REPORT_MISSING.has(code) && !REPORT_NOT_READY.has(code)) return { ok: false, error: toFactError('iam:GetCredentialReport', error) };
  }

  try {
    await clients.iam.send(new GenerateCredentialReportCommand({}));
  } catch (error) {
    return { ok: false, error: toFactError('iam:GenerateCredentialReport', error) };
  }

  let delayMs = polling.initialDelayMs;
  let waitedMs = 0;
  for (let poll = 1; ; poll += 1) {
    try {
      // Freshly generated (or the newest AWS would give): taken whatever its age.
      return ok(parse(await clients.iam.send(new GetCredentialReportCommand({}))));
    } catch (error) {
      const code = awsErrorCode(error);
      // Right after GenerateCredentialReport the report may still read as not present.
      if (!REPORT_NOT_READY.has(code) && !REPORT_MISSING.has(code)) return { ok: false, error: toFactError('iam:GetCredentialReport', error) };
      if (poll >= polling.maxPolls || waitedMs + delayMs > polling.maxWaitMs) {
        return {
          ok: false,
          error: {
            action: 'iam:GetCredentialReport',
            code,
            message: `The credential report was still being generated after ${poll} tries over ${(waitedMs / 1000).toFixed(1)} s: run the check again in a minute.`,
          },
        };
      }
      await sleep(delayMs);
      waitedMs += delayMs;
      delayMs = Math.min(delayMs * 2, polling.maxDelayMs);
    }
  }
}

/** Reads every fact the posture checks need. Throws AwsCallError only when the account itself cannot be identified. */
/** The organization's centralized root access features, read once from the bot's own account for a whole scan. */
export function readOrganizationsFeaturesFact(clients: AwsClients): Promise<Fact<OrganizationsFeatures>> {
  return readFact('iam:ListOrganizationsFeatures', () => readOrganizationsFeatures(clients));
}

/** The credential report left unread: the root audit session answered for root. */
const CREDENTIAL_REPORT_NOT_NEEDED: FactError = {
  action: 'iam:GetCredentialReport',
  code: 'NotNeeded',
  message: "not read: the root audit session read the root user's credentials first-hand",
};

export async function gatherAccountFacts(clients: AwsClients, options: GatherOptions): Promise<AccountFacts> {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? defaultSleep;
  const roleError = options.roleError;
  // Through the member role: when it could not be assumed, the fact is that error, and no call is made.
  const viaRole = <T>(read: () => Promise<Fact<T>>): Promise<Fact<T>> => (roleError ? Promise.resolve({ ok: false, error: { ...roleError } }) : read());
  const rootSessionRead = options.rootSession ? readRootSessionFact(options.rootSession) : null;
  // The credential report serves the checks only through its root row, which a root audit session reads first-hand
  // (checks/support/root-credentials.ts): with one, the report (GenerateCredentialReport, GetCredentialReport) is
  // read only when the session failed. Two calls fewer per member, against IAM quotas that cannot be raised.
  const credentialReportRead = async (): Promise<Fact<CredentialReport>> => {
    if (rootSessionRead && (await rootSessionRead).ok) return { ok: false, error: { ...CREDENTIAL_REPORT_NOT_NEEDED } };
    return readCredentialReport(clients, options, now, sleep);
  };
  const [account, accountSummary, credentialReport, virtualMfaDevices, passwordPolicy, trails, securityContact, organizationsFeatures] = await Promise.all([
    readIdentity(clients, options),
    viaRole(() => readFact('iam:GetAccountSummary', () => readAccountSummary(clients))),
    viaRole(credentialReportRead),
    viaRole(() => readFact('iam:ListVirtualMFADevices', () => readVirtualMfaDevices(clients))),
    viaRole(() => readFact('iam:GetAccountPasswordPolicy', () => readPasswordPolicy(clients))),
    viaRole(() => readFact('cloudtrail:DescribeTrails', () => readTrails(clients))),
    options.securityContactFrom
      ? readFact('account:GetAlternateContact', () => readSecurityContact(clients, options.securityContactFrom))
      : viaRole(() => readFact('account:GetAlternateContact', () => readSecurityContact(clients, undefined))),
    options.organizationsFeatures ? Promise.resolve(options.organizationsFeatures) : viaRole(() => readFact('iam:ListOrganizationsFeatures', () => readOrganizationsFeatures(clients))),
  ]);
  const facts: AccountFacts = { account, gatheredAt: now().toISOString(), accountSummary, credentialReport, virtualMfaDevices, passwordPolicy, trails, securityContact, organizationsFeatures };
  if (rootSessionRead) facts.rootSession = await rootSessionRead;
  return facts;
}
