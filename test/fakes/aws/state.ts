// The fake AWS account: a plain object a test builds (usually with a scenario from scenarios.ts) and may
// change between calls. Field names follow the AWS APIs they answer.
import type { CredentialReportRow } from './credential-report-csv.js';

export interface FakeVirtualMfaDevice {
  serialNumber: string;
  /** The user the device is assigned to; null when unassigned. Root: arn arn:aws:iam::<id>:root, user name "". */
  user: { userName: string; userId: string; arn: string; createDate: Date } | null;
  enableDate: Date | null;
}

/** iam:GetAccountPasswordPolicy's PasswordPolicy element. */
export interface FakePasswordPolicy {
  MinimumPasswordLength: number;
  RequireSymbols: boolean;
  RequireNumbers: boolean;
  RequireUppercaseCharacters: boolean;
  RequireLowercaseCharacters: boolean;
  AllowUsersToChangePassword: boolean;
  ExpirePasswords: boolean;
  MaxPasswordAge?: number;
  PasswordReusePrevention?: number;
  HardExpiry?: boolean;
}

export interface FakeCredentialReportState {
  /** The report's rows, `<root_account>` first as AWS writes it. */
  rows: CredentialReportRow[];
  /** GeneratedTime of the current report; null: no report was ever generated (ReportNotPresent). */
  generatedAt: Date | null;
  /** The current report has expired (ReportExpired). */
  expired: boolean;
  /** After a GenerateCredentialReport, GetCredentialReport answers ReportInProgress this many times, then the report. */
  inProgressPolls: number;
  /** Set while a generation runs: ReportInProgress answers left before it completes. */
  pendingPolls: number | null;
}

export type OrganizationsFeaturesState =
  | { organizationId: string; enabledFeatures: Array<'RootCredentialsManagement' | 'RootSessions'> }
  /** The IAM error ListOrganizationsFeatures answers with (standalone account, member account, ...). */
  | { error: 'OrganizationNotFoundException' | 'AccountNotManagementOrDelegatedAdministratorException' | 'ServiceAccessNotEnabledException' | 'OrganizationNotInAllFeaturesModeException' };

export interface FakeTrail {
  Name: string;
  HomeRegion: string;
  S3BucketName: string;
  IsMultiRegionTrail: boolean;
  IncludeGlobalServiceEvents: boolean;
  IsOrganizationTrail: boolean;
  LogFileValidationEnabled: boolean;
  /** cloudtrail:GetTrailStatus IsLogging. */
  isLogging: boolean;
  /** Owner account of the trail (an organization trail seen from a member account belongs to the management account). */
  ownerAccountId?: string;
}

export interface FakeAlternateContact {
  Name: string;
  EmailAddress: string;
  PhoneNumber: string;
  Title: string;
}

export type AlternateContactType = 'SECURITY' | 'BILLING' | 'OPERATIONS';

export interface FakeRegion {
  RegionName: string;
  RegionOptStatus: 'ENABLED' | 'ENABLING' | 'DISABLING' | 'DISABLED' | 'ENABLED_BY_DEFAULT';
}

/** One LookupEvents result as CloudTrail returns it (the envelope; CloudTrailEvent is the record as a JSON string). */
export interface LookupEventEnvelope {
  EventId: string;
  EventName: string;
  ReadOnly: string;
  AccessKeyId?: string;
  EventTime: Date;
  EventSource: string;
  Username?: string;
  Resources?: Array<{ ResourceType?: string; ResourceName?: string }>;
  CloudTrailEvent: string;
}

export interface FakeAwsState {
  accountId: string;
  /** sts:GetCallerIdentity, and the principal named in AccessDenied messages. */
  caller: { arn: string; userId: string };
  accountAliases: string[];
  /** iam:GetAccountSummary SummaryMap. */
  accountSummary: Record<string, number>;
  virtualMfaDevices: FakeVirtualMfaDevice[];
  passwordPolicy: FakePasswordPolicy | null;
  credentialReport: FakeCredentialReportState;
  organizationsFeatures: OrganizationsFeaturesState;
  trails: FakeTrail[];
  alternateContacts: Partial<Record<AlternateContactType, FakeAlternateContact>>;
  regions: FakeRegion[];
  /** CloudTrail event history per Region. */
  events: Record<string, LookupEventEnvelope[]>;
}

export function trailArn(trail: FakeTrail, accountId: string): string {
  return `arn:aws:cloudtrail:${trail.HomeRegion}:${trail.ownerAccountId ?? accountId}:trail/${trail.Name}`;
}
