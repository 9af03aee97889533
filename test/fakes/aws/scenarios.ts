// Whole-account states for the fake AWS. Each builder keeps the APIs consistent with each other the way AWS
// does (GetAccountSummary's AccountMFAEnabled agrees with the credential report's mfa_active, and so on).
import { rootRow, userRow, type ReportAccessKey, type ReportCertificate } from './credential-report-csv.js';
import type { FakeAwsState, FakePasswordPolicy, FakeTrail, FakeVirtualMfaDevice, OrganizationsFeaturesState } from './state.js';

export const ACCOUNT_ID = '123456789012';
const DAY_MS = 24 * 60 * 60 * 1000;

export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

export interface RootSpec {
  mfa: 'hardware' | 'virtual' | 'none';
  accessKeys: ReportAccessKey[];
  certificates: ReportCertificate[];
  passwordLastUsed: Date | 'no_information' | null;
  /** Centralized root access removed the root password (AccountPasswordPresent 0). */
  passwordPresent: boolean;
}

export interface AccountSpec {
  now: Date;
  root: RootSpec;
  alias: string | null;
  passwordPolicy: FakePasswordPolicy | null;
  trails: FakeTrail[];
  securityContact: boolean;
  organizationsFeatures: OrganizationsFeaturesState;
}

/** CIS 1.8 / 1.9 compliant: length 14, 24 remembered passwords. */
export const STRONG_PASSWORD_POLICY: FakePasswordPolicy = {
  MinimumPasswordLength: 14,
  RequireSymbols: true,
  RequireNumbers: true,
  RequireUppercaseCharacters: true,
  RequireLowercaseCharacters: true,
  AllowUsersToChangePassword: true,
  ExpirePasswords: false,
  PasswordReusePrevention: 24,
  HardExpiry: false,
};

export function multiRegionTrail(overrides: Partial<FakeTrail> = {}): FakeTrail {
  return {
    Name: 'management-events',
    HomeRegion: 'us-east-1',
    S3BucketName: `aws-cloudtrail-logs-${ACCOUNT_ID}-a1b2c3d4`,
    IsMultiRegionTrail: true,
    IncludeGlobalServiceEvents: true,
    IsOrganizationTrail: false,
    LogFileValidationEnabled: true,
    isLogging: true,
    ...overrides,
  };
}

/** The SummaryMap keys IAM returns, with a small account's usage and the default quotas. */
function summaryMap(root: RootSpec, mfaDevices: number, mfaDevicesInUse: number): Record<string, number> {
  return {
    GroupPolicySizeQuota: 5120,
    InstanceProfilesQuota: 1000,
    Policies: 4,
    GroupsPerUserQuota: 10,
    InstanceProfiles: 0,
    AttachedPoliciesPerUserQuota: 10,
    Users: 1,
    PoliciesQuota: 1500,
    Providers: 0,
    AccountMFAEnabled: root.mfa === 'none' ? 0 : 1,
    AccessKeysPerUserQuota: 2,
    AssumeRolePolicySizeQuota: 2048,
    PolicyVersionsInUseQuota: 10000,
    GlobalEndpointTokenVersion: 1,
    VersionsPerPolicyQuota: 5,
    AttachedPoliciesPerGroupQuota: 10,
    PolicySizeQuota: 6144,
    Groups: 1,
    AccountSigningCertificatesPresent: root.certificates.length > 0 ? 1 : 0,
    UsersQuota: 5000,
    ServerCertificatesQuota: 20,
    MFADevices: mfaDevices,
    UserPolicySizeQuota: 2048,
    PolicyVersionsInUse: 6,
    ServerCertificates: 0,
    Roles: 12,
    RolesQuota: 1000,
    SigningCertificatesPerUserQuota: 2,
    MFADevicesInUse: mfaDevicesInUse,
    RolePolicySizeQuota: 10240,
    AttachedPoliciesPerRoleQuota: 10,
    AccountAccessKeysPresent: root.accessKeys.length > 0 ? 1 : 0,
    AccountPasswordPresent: root.passwordPresent ? 1 : 0,
    GroupsQuota: 300,
  };
}

/** Builds a consistent account from a spec. */
export function buildAccount(spec: AccountSpec): FakeAwsState {
  const { now, root } = spec;
  const createdAt = daysBefore(now, 900);
  const adminCreatedAt = daysBefore(now, 800);
  const virtualMfaDevices: FakeVirtualMfaDevice[] = [
    {
      serialNumber: `arn:aws:iam::${ACCOUNT_ID}:mfa/admin-phone`,
      user: { userName: 'admin', userId: 'AIDAEXAMPLEADMIN12345', arn: `arn:aws:iam::${ACCOUNT_ID}:user/admin`, createDate: adminCreatedAt },
      enableDate: daysBefore(now, 700),
    },
    // An unassigned device left over from an abandoned set-up: must not count as root's.
    { serialNumber: `arn:aws:iam::${ACCOUNT_ID}:mfa/spare`, user: null, enableDate: null },
  ];
  if (root.mfa === 'virtual') {
    virtualMfaDevices.unshift({
      serialNumber: `arn:aws:iam::${ACCOUNT_ID}:mfa/root-account-mfa-device`,
      user: { userName: '', userId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:root`, createDate: createdAt },
      enableDate: daysBefore(now, 400),
    });
  }
  return {
    accountId: ACCOUNT_ID,
    caller: { arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/aws-root-guard/root-guard`, userId: 'AROAEXAMPLEROOTGUARD1:root-guard' },
    accountAliases: spec.alias ? [spec.alias] : [],
    // Root's hardware token counts among the account's MFA devices in use, like its virtual ones.
    accountSummary: summaryMap(
      root,
      virtualMfaDevices.length + (root.mfa === 'hardware' ? 1 : 0),
      virtualMfaDevices.filter((device) => device.user).length + (root.mfa === 'hardware' ? 1 : 0),
    ),
    virtualMfaDevices,
    passwordPolicy: spec.passwordPolicy,
    credentialReport: {
      rows: [
        rootRow({ accountId: ACCOUNT_ID, createdAt, passwordLastUsed: root.passwordLastUsed, mfaActive: root.mfa !== 'none', accessKeys: root.accessKeys, certificates: root.certificates }),
        userRow({
          accountId: ACCOUNT_ID,
          userName: 'admin',
          createdAt: adminCreatedAt,
          password: { lastUsed: daysBefore(now, 2), lastChanged: daysBefore(now, 100) },
          mfaActive: true,
        }),
      ],
      // A report from an hour ago exists: the gatherer may reuse it.
      generatedAt: new Date(now.getTime() - 60 * 60 * 1000),
      expired: false,
      inProgressPolls: 0,
      pendingPolls: null,
    },
    organizationsFeatures: spec.organizationsFeatures,
    trails: spec.trails,
    alternateContacts: spec.securityContact
      ? { SECURITY: { Name: 'Security Team', EmailAddress: 'security@example.com', PhoneNumber: '+1-555-0100', Title: 'Security' } }
      : {},
    regions: [
      { RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
      { RegionName: 'us-west-2', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
      { RegionName: 'eu-west-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
      { RegionName: 'af-south-1', RegionOptStatus: 'DISABLED' },
      { RegionName: 'eu-south-2', RegionOptStatus: 'ENABLED' },
    ],
    events: {},
  };
}

function hardenedSpec(now: Date): AccountSpec {
  return {
    now,
    root: { mfa: 'hardware', accessKeys: [], certificates: [], passwordLastUsed: daysBefore(now, 200), passwordPresent: true },
    alias: 'example-prod',
    passwordPolicy: STRONG_PASSWORD_POLICY,
    trails: [multiRegionTrail()],
    securityContact: true,
    organizationsFeatures: { organizationId: 'o-exampleorgid1', enabledFeatures: ['RootCredentialsManagement', 'RootSessions'] },
  };
}

/** Everything right: hardware MFA, no keys or certificates, root unused for 200 days, strong policy, a logging multi-region trail. */
export function hardenedAccount(now = new Date()): FakeAwsState {
  return buildAccount(hardenedSpec(now));
}

/** Root has an active access key used yesterday (20 hours ago) from us-east-1, and a second, inactive one. */
export function rootWithActiveKeysUsedYesterday(now = new Date()): FakeAwsState {
  const spec = hardenedSpec(now);
  spec.root = {
    ...spec.root,
    accessKeys: [
      { active: true, lastRotated: daysBefore(now, 300), lastUsed: { date: daysBefore(now, 20 / 24), region: 'us-east-1', service: 'sts' } },
      { active: false, lastRotated: daysBefore(now, 600), lastUsed: null },
    ],
  };
  return buildAccount(spec);
}

/** Root's MFA is a virtual (app) device. */
export function virtualMfaOnly(now = new Date()): FakeAwsState {
  const spec = hardenedSpec(now);
  spec.root = { ...spec.root, mfa: 'virtual' };
  return buildAccount(spec);
}

/** Root has no MFA at all. */
export function noMfa(now = new Date()): FakeAwsState {
  const spec = hardenedSpec(now);
  spec.root = { ...spec.root, mfa: 'none' };
  return buildAccount(spec);
}

/** No account password policy (GetAccountPasswordPolicy answers NoSuchEntity). */
export function noPasswordPolicy(now = new Date()): FakeAwsState {
  return buildAccount({ ...hardenedSpec(now), passwordPolicy: null });
}

export function noTrail(now = new Date()): FakeAwsState {
  return buildAccount({ ...hardenedSpec(now), trails: [] });
}

/** The multi-region trail exists but logging was stopped. */
export function trailStopped(now = new Date()): FakeAwsState {
  return buildAccount({ ...hardenedSpec(now), trails: [multiRegionTrail({ isLogging: false })] });
}

/** A standalone account: not in an organization, no alias, no security contact. */
export function standaloneAccount(now = new Date()): FakeAwsState {
  return buildAccount({ ...hardenedSpec(now), alias: null, securityContact: false, organizationsFeatures: { error: 'OrganizationNotFoundException' } });
}

/** A member account whose root credentials were removed by centralized root access: no password, keys, certificates or MFA. */
export function rootCredentialsRemoved(now = new Date()): FakeAwsState {
  const spec = hardenedSpec(now);
  spec.root = { mfa: 'none', accessKeys: [], certificates: [], passwordLastUsed: null, passwordPresent: false };
  spec.organizationsFeatures = { error: 'AccountNotManagementOrDelegatedAdministratorException' };
  return buildAccount(spec);
}
