// What the facts say about the root user's own credentials, shared by the checks that look at root.
import type { AccountFacts, FactError, RootCredentialRow, RootSessionCredentials } from '../../model.js';
import { describeFactError } from './fact-errors.js';
import { describeWhen } from './time.js';

export type RootAccessKey = RootCredentialRow['accessKeys'][number];

/** The `<root_account>` row, or why it cannot be read (the credential report failed, or has no root row). */
export type RootRowLookup = { ok: true; row: RootCredentialRow } | { ok: false; problem: string; error?: FactError };

/** Where a row's facts come from, for evidence: "the credential report" or the root audit session. */
export function rowSource(row: RootCredentialRow): string {
  return row.source === 'root-session' ? 'the root audit session (sts:AssumeRoot, IAMAuditRootUserCredentials)' : 'the credential report';
}

/** A root audit session's answers in the credential report's shape, so every root check reads one kind of row. */
export function rootRowFromSession(accountId: string, session: RootSessionCredentials): RootCredentialRow {
  const slot = (index: number): 1 | 2 => (index === 0 ? 1 : 2);
  return {
    arn: `arn:aws:iam::${accountId}:root`,
    passwordEnabled: session.passwordPresent,
    passwordLastUsed: session.passwordLastUsed,
    passwordLastChanged: session.passwordCreatedAt,
    mfaActive: session.mfaDevices.length > 0,
    accessKeys: session.accessKeys.map((key, index) => ({ slot: slot(index), active: key.active, lastRotated: key.createdAt, lastUsedDate: key.lastUsedDate, lastUsedRegion: key.lastUsedRegion, lastUsedService: key.lastUsedService })),
    certificates: session.signingCertificates.map((certificate, index) => ({ slot: slot(index), active: certificate.active, lastRotated: certificate.uploadedAt })),
    source: 'root-session',
    mfaDevices: session.mfaDevices.map((device) => ({ ...device })),
  };
}

export function lookUpRootRow(facts: AccountFacts): RootRowLookup {
  // A member's root read directly in an audit session beats its credential report (up to 4 hours old, or unreadable).
  if (facts.rootSession?.ok) return { ok: true, row: rootRowFromSession(facts.account.id, facts.rootSession.value) };
  if (!facts.credentialReport.ok) {
    return { ok: false, problem: describeFactError(facts.credentialReport.error), error: facts.credentialReport.error };
  }
  const row = facts.credentialReport.value.root;
  if (!row) return { ok: false, problem: 'the credential report (iam:GetCredentialReport) has no <root_account> row' };
  return { ok: true, row };
}

/**
 * Keys that exist, active or not. The report only has `access_key_N_active`, so an inactive key shows
 * through the dates it still carries; a slot with no key has N/A everywhere.
 */
export function existingAccessKeys(row: RootCredentialRow): RootAccessKey[] {
  return row.accessKeys.filter((key) => key.active || key.lastRotated !== null || key.lastUsedDate !== null);
}

export function activeCertificates(row: RootCredentialRow): RootCredentialRow['certificates'] {
  return row.certificates.filter((certificate) => certificate.active);
}

/**
 * Whether root has a console password. The real report says `not_supported` in password_enabled for root
 * (parsed as null), so a root password that was never used is indistinguishable from none: we count
 * "no password" only when the report says false, or says nothing and the password was never used.
 */
export function rootHasPassword(row: RootCredentialRow): boolean {
  if (row.passwordEnabled !== null) return row.passwordEnabled;
  return row.passwordLastUsed !== null;
}

/** "access key 1 active, last used 3 days ago in us-east-1 (s3)": never the key id, which the report does not hold anyway. */
export function describeAccessKey(key: RootAccessKey, nowIso: string): string {
  const state = key.active ? 'active' : 'inactive';
  let usage: string;
  if (key.lastUsedDate === null) {
    usage = key.lastRotated ? `never used, created ${describeWhen(key.lastRotated, nowIso)}` : 'never used';
  } else {
    usage = `last used ${describeWhen(key.lastUsedDate, nowIso)}`;
    if (key.lastUsedRegion) usage += ` in ${key.lastUsedRegion}`;
    if (key.lastUsedService) usage += ` (${key.lastUsedService})`;
  }
  return `root access key ${key.slot} ${state}, ${usage}`;
}

/**
 * Root holds no long-term credential at all: no password, no access key, no signing certificate. That is what
 * centralized root access leaves behind in a member account (and what Security Hub IAM.6 / IAM.9 pass).
 * Needs the credential report; GetAccountSummary, when readable, must agree.
 */
export function rootCredentialsAbsent(facts: AccountFacts, row: RootCredentialRow): boolean {
  if (rootHasPassword(row) || existingAccessKeys(row).length > 0 || activeCertificates(row).length > 0) return false;
  if (facts.accountSummary.ok) {
    const summary = facts.accountSummary.value;
    if (summary.accountAccessKeysPresent || summary.accountSigningCertificatesPresent) return false;
  }
  return true;
}

/** The organization id when centralized root credentials management is on, else null. */
export function centralRootManagementOrganization(facts: AccountFacts): { organizationId: string | null } | null {
  if (!facts.organizationsFeatures.ok) return null;
  const features = facts.organizationsFeatures.value;
  if (!features.inOrganization || !features.enabledFeatures.includes('RootCredentialsManagement')) return null;
  return { organizationId: features.organizationId };
}

/** Evidence for a root user without credentials, naming centralized root access when the facts show it. */
export function describeAbsentRootCredentials(facts: AccountFacts): string {
  const central = centralRootManagementOrganization(facts);
  if (central) {
    const organization = central.organizationId ? ` in ${central.organizationId}` : '';
    return `Root credentials removed through centralized root access (RootCredentialsManagement enabled${organization}): no password, access keys or signing certificates, so no MFA device is needed`;
  }
  return 'Root has no password, access keys or signing certificates, so there is nothing for MFA to protect (password recovery through the root email stays possible: see root-credentials-centralized)';
}

/** "a password (last used 12 days ago) and access key 1 (active)": the credentials that make MFA matter. */
export function describeRootCredentials(row: RootCredentialRow, nowIso: string): string {
  const parts: string[] = [];
  if (rootHasPassword(row)) {
    parts.push(row.passwordLastUsed ? `a password (last used ${describeWhen(row.passwordLastUsed, nowIso)})` : 'a password');
  }
  for (const key of existingAccessKeys(row)) parts.push(`access key ${key.slot} (${key.active ? 'active' : 'inactive'})`);
  for (const certificate of activeCertificates(row)) parts.push(`signing certificate ${certificate.slot}`);
  if (parts.length === 0) return 'credentials';
  if (parts.length === 1) return parts[0] as string;
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
