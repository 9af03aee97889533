// Plain data that flows through the posture pipeline: gather -> AccountFacts -> evaluate -> Findings -> render.
// Nothing here knows the AWS SDK or Slack.

/** Why one fact could not be read: enough for a finding to name the missing permission. */
export interface FactError {
  /** The IAM action that failed, e.g. "iam:GetCredentialReport". */
  action: string;
  /** The AWS error code ("AccessDenied", "ThrottlingException", "TimeoutError", ...). */
  code: string;
  message: string;
}

/** Each fact is either read or carries the error that stopped it: one failing call spoils only its own checks. */
export type Fact<T> = { ok: true; value: T } | { ok: false; error: FactError };

export interface AccountIdentity {
  id: string;
  alias: string | null;
  /** The account's name in AWS Organizations, when the bot watches an organization. */
  name?: string | null;
  /** Its parent OU ("ou-…", or the root "r-…") and the OU names from the root down ("Root/Production"). */
  ouId?: string | null;
  ouPath?: string | null;
}

/** The account a finding is about (Prowler's findings carry it too): enough to list findings across accounts. */
export interface FindingAccount {
  id: string;
  name: string | null;
  ouId: string | null;
}

/** From iam:GetAccountSummary (SummaryMap). */
export interface AccountSummary {
  accountMfaEnabled: boolean;
  accountAccessKeysPresent: boolean;
  accountSigningCertificatesPresent: boolean;
}

/** A credential report date column: an ISO timestamp, or null for N/A, no_information, not_supported. */
export type ReportDate = string | null;

/** The `<root_account>` row of the IAM credential report, parsed from its real CSV columns. */
export interface RootCredentialRow {
  arn: string;
  /** "not_supported" for root in the real report; true/false where the column is a boolean. */
  passwordEnabled: boolean | null;
  passwordLastUsed: ReportDate;
  passwordLastChanged: ReportDate;
  mfaActive: boolean;
  accessKeys: Array<{ slot: 1 | 2; active: boolean; lastRotated: ReportDate; lastUsedDate: ReportDate; lastUsedRegion: string | null; lastUsedService: string | null }>;
  certificates: Array<{ slot: 1 | 2; active: boolean; lastRotated: ReportDate }>;
  /** Where the row came from: the credential report (default), or a root audit session, which also lists the MFA devices. */
  source?: 'root-session';
  mfaDevices?: RootMfaDevice[];
}

/** How an MFA device is told from its serial: an `:mfa/` ARN is virtual, a `:u2f/` ARN a FIDO key, a bare serial a hardware TOTP token. */
export type MfaDeviceKind = 'virtual' | 'security-key' | 'hardware-totp';

export interface RootMfaDevice {
  serialNumber: string;
  kind: MfaDeviceKind;
  enableDate: string | null;
}

/** A member's root credentials as read in an sts:AssumeRoot session (task policy IAMAuditRootUserCredentials). */
export interface RootSessionCredentials {
  /** iam:GetLoginProfile answered (NoSuchEntity: no password). */
  passwordPresent: boolean;
  passwordCreatedAt: ReportDate;
  /** iam:GetUser PasswordLastUsed. */
  passwordLastUsed: ReportDate;
  /** iam:ListAccessKeys + iam:GetAccessKeyLastUsed; only the key id's last four characters are kept. */
  accessKeys: Array<{ idSuffix: string; active: boolean; createdAt: ReportDate; lastUsedDate: ReportDate; lastUsedRegion: string | null; lastUsedService: string | null }>;
  /** iam:ListMFADevices. */
  mfaDevices: RootMfaDevice[];
  /** iam:ListSigningCertificates. */
  signingCertificates: Array<{ active: boolean; uploadedAt: ReportDate }>;
}

export interface CredentialReport {
  /** GeneratedTime of the report (ISO). */
  generatedAt: string;
  /** null when the report has no `<root_account>` row. */
  root: RootCredentialRow | null;
}

export interface VirtualMfaDevice {
  serialNumber: string;
  /** Arn of the user the device is assigned to (root: arn:aws:iam::<account>:root). */
  userArn: string | null;
  enableDate: string | null;
}

/** From iam:GetAccountPasswordPolicy; null when the account has none (NoSuchEntity). */
export interface PasswordPolicy {
  minimumPasswordLength: number | null;
  passwordReusePrevention: number | null;
  requireSymbols: boolean;
  requireNumbers: boolean;
  requireUppercaseCharacters: boolean;
  requireLowercaseCharacters: boolean;
  maxPasswordAge: number | null;
}

export interface Trail {
  name: string;
  arn: string;
  homeRegion: string;
  isMultiRegionTrail: boolean;
  includeGlobalServiceEvents: boolean;
  isOrganizationTrail: boolean;
  /** From cloudtrail:GetTrailStatus; null with statusError when it could not be read. */
  isLogging: boolean | null;
  statusError?: FactError;
}

export interface AlternateContact {
  name: string | null;
  emailAddress: string | null;
  phoneNumber: string | null;
  title: string | null;
}

/** From iam:ListOrganizationsFeatures. `inOrganization: false` for a standalone account. */
export interface OrganizationsFeatures {
  inOrganization: boolean;
  organizationId: string | null;
  /** "RootCredentialsManagement", "RootSessions". */
  enabledFeatures: string[];
}

/** Everything the checks look at, each fact read at most once per run. */
export interface AccountFacts {
  account: AccountIdentity;
  /** When gathering ended (ISO): the checks' "now", so evaluation stays pure. */
  gatheredAt: string;
  accountSummary: Fact<AccountSummary>;
  credentialReport: Fact<CredentialReport>;
  virtualMfaDevices: Fact<VirtualMfaDevice[]>;
  passwordPolicy: Fact<PasswordPolicy | null>;
  trails: Fact<Trail[]>;
  securityContact: Fact<AlternateContact | null>;
  organizationsFeatures: Fact<OrganizationsFeatures>;
  /** A member's root credentials read through centralized root access; absent when no audit session was made. */
  rootSession?: Fact<RootSessionCredentials>;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type FindingStatus = 'pass' | 'fail' | 'warn' | 'error' | 'not-applicable';

export interface Reference {
  /** e.g. "CIS AWS Foundations v3.0 1.5", "CIS AWS Foundations v7.0 2.4", "AWS Security Hub IAM.9". */
  label: string;
  url?: string;
}

/** Options that tune checks (thresholds), set from config. */
export interface CheckOptions {
  /** root used within this many days: fail. */
  rootUsedFailDays: number;
  /** root used within this many days: warn. */
  rootUsedWarnDays: number;
}

export interface CheckMeta {
  id: string;
  title: string;
  severity: Severity;
  references: Reference[];
  remediation: { text: string; url: string };
}

export interface Finding {
  id: string;
  title: string;
  status: FindingStatus;
  severity: Severity;
  /** One line of evidence from AWS, never a secret nor a full access key id. */
  evidence: string;
  remediation: { text: string; url: string };
  references: Reference[];
  /** Set by runPosture for every finding it makes. */
  account?: FindingAccount;
}

export interface Check extends CheckMeta {
  evaluate(facts: AccountFacts, options: CheckOptions): Pick<Finding, 'status' | 'evidence'>;
}

export interface PostureReport {
  account: AccountIdentity;
  generatedAt: string;
  score: { passed: number; total: number };
  findings: Finding[];
}

/** Why the posture checks did not run for an account: said to the user as is, so no secrets and no stack. */
export interface PostureRunError {
  message: string;
  /** An AWS error code when there is one ("AccessDenied", "ExpiredToken", ...). */
  code?: string;
}

export type FreshPosture = { ok: true; report: PostureReport } | { ok: false; error: PostureRunError };

/** One watched account's posture, as assessAccounts yields it: the report, or why there is none. */
export interface AssessedAccount {
  account: AccountIdentity;
  posture: FreshPosture;
}
