// Hand-built AccountFacts: a hardened account by default; a test overrides the one fact it is about.
import type { AccountFacts, Fact, FactError, RootCredentialRow } from '../../../src/posture/model.js';

export const ACCOUNT_ID = '123456789012';
export const GATHERED_AT = '2025-06-01T12:00:00.000Z';
const DAY_MS = 24 * 60 * 60 * 1000;

export function ok<T>(value: T): Fact<T> {
  return { ok: true, value };
}

export function failed<T>(action: string, code = 'AccessDenied', message = `User is not authorized to perform: ${action}`): Fact<T> {
  const error: FactError = { action, code, message };
  return { ok: false, error };
}

/** An ISO timestamp `days` (fractions allowed) before GATHERED_AT, in the credential report's own format. */
export function daysAgo(days: number): string {
  return new Date(Date.parse(GATHERED_AT) - days * DAY_MS).toISOString().replace('.000Z', '+00:00');
}

type AccessKey = RootCredentialRow['accessKeys'][number];
type Certificate = RootCredentialRow['certificates'][number];

/** A report slot that holds no key: N/A everywhere. */
export function noKey(slot: 1 | 2): AccessKey {
  return { slot, active: false, lastRotated: null, lastUsedDate: null, lastUsedRegion: null, lastUsedService: null };
}

export function accessKey(slot: 1 | 2, overrides: Partial<Omit<AccessKey, 'slot'>> = {}): AccessKey {
  return { slot, active: true, lastRotated: daysAgo(400), lastUsedDate: null, lastUsedRegion: null, lastUsedService: null, ...overrides };
}

export function noCertificate(slot: 1 | 2): Certificate {
  return { slot, active: false, lastRotated: null };
}

/** Root of a hardened account: a password used long ago, MFA on, no keys, no certificates. */
export function rootRow(overrides: Partial<RootCredentialRow> = {}): RootCredentialRow {
  return {
    arn: `arn:aws:iam::${ACCOUNT_ID}:root`,
    passwordEnabled: null, // the real report says not_supported for root
    passwordLastUsed: daysAgo(200),
    passwordLastChanged: null,
    mfaActive: true,
    accessKeys: [noKey(1), noKey(2)],
    certificates: [noCertificate(1), noCertificate(2)],
    ...overrides,
  };
}

/** Root of a member account whose credentials were removed through centralized root access. */
export function removedRootRow(): RootCredentialRow {
  return rootRow({ passwordLastUsed: null, mfaActive: false });
}

export function buildFacts(overrides: Partial<AccountFacts> = {}): AccountFacts {
  return {
    account: { id: ACCOUNT_ID, alias: 'acme-prod' },
    gatheredAt: GATHERED_AT,
    accountSummary: ok({ accountMfaEnabled: true, accountAccessKeysPresent: false, accountSigningCertificatesPresent: false }),
    credentialReport: ok({ generatedAt: daysAgo(0.1), root: rootRow() }),
    virtualMfaDevices: ok([
      // Virtual MFA for an IAM user is fine: only the root user's device matters.
      { serialNumber: `arn:aws:iam::${ACCOUNT_ID}:mfa/alice-phone`, userArn: `arn:aws:iam::${ACCOUNT_ID}:user/alice`, enableDate: daysAgo(30) },
    ]),
    passwordPolicy: ok({
      minimumPasswordLength: 14,
      passwordReusePrevention: 24,
      requireSymbols: true,
      requireNumbers: true,
      requireUppercaseCharacters: true,
      requireLowercaseCharacters: true,
      maxPasswordAge: 90,
    }),
    trails: ok([
      {
        name: 'org-trail',
        arn: `arn:aws:cloudtrail:us-east-1:${ACCOUNT_ID}:trail/org-trail`,
        homeRegion: 'us-east-1',
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        isOrganizationTrail: true,
        isLogging: true,
      },
    ]),
    securityContact: ok({ name: 'Security Team', emailAddress: 'security@example.com', phoneNumber: '+1-555-0100', title: 'Security' }),
    organizationsFeatures: ok({ inOrganization: true, organizationId: 'o-a1b2c3d4e5', enabledFeatures: ['RootCredentialsManagement', 'RootSessions'] }),
    ...overrides,
  };
}

/** The hardened facts with the root row of the credential report replaced. */
export function withRoot(row: RootCredentialRow | null, overrides: Partial<AccountFacts> = {}): AccountFacts {
  return buildFacts({ credentialReport: ok({ generatedAt: daysAgo(0.1), root: row }), ...overrides });
}

/** Facts of a member account whose root credentials were removed centrally: no password, keys, certificates or MFA. */
export function centrallyManagedMemberFacts(overrides: Partial<AccountFacts> = {}): AccountFacts {
  return withRoot(removedRootRow(), {
    accountSummary: ok({ accountMfaEnabled: false, accountAccessKeysPresent: false, accountSigningCertificatesPresent: false }),
    virtualMfaDevices: ok([]),
    ...overrides,
  });
}
