// Is root protected by MFA at all? Shared by root-mfa-enabled and root-hardware-mfa, which must agree on it.
import type { AccountFacts, FactError } from '../../model.js';
import {
  centralRootManagementOrganization,
  describeAbsentRootCredentials,
  describeRootCredentials,
  lookUpRootRow,
  rootCredentialsAbsent,
} from './root-credentials.js';

export type RootMfaVerdict =
  | { kind: 'enabled'; evidence: string }
  /** Root holds no credential, so there is nothing to protect (Security Hub IAM.6 / IAM.9 pass this too). */
  | { kind: 'not-needed'; evidence: string }
  | { kind: 'missing'; status: 'fail' | 'warn'; evidence: string }
  | { kind: 'unknown'; errors: FactError[]; detail?: string };

export function assessRootMfa(facts: AccountFacts): RootMfaVerdict {
  const summary = facts.accountSummary;
  const rootRow = lookUpRootRow(facts);

  // Either source saying "on" is enough: the report can be a few hours older than the summary.
  const enabledBy: string[] = [];
  if (summary.ok && summary.value.accountMfaEnabled) enabledBy.push('GetAccountSummary AccountMFAEnabled=1');
  if (rootRow.ok && rootRow.row.mfaActive) {
    const devices = rootRow.row.mfaDevices;
    enabledBy.push(devices ? `iam:ListMFADevices in a root audit session lists ${devices.length} device${devices.length === 1 ? '' : 's'}` : 'credential report mfa_active=true');
  }
  if (enabledBy.length > 0) return { kind: 'enabled', evidence: `Root MFA is enabled (${enabledBy.join(', ')})` };

  if (!summary.ok && !rootRow.ok) {
    const errors = [summary.error, ...(rootRow.error ? [rootRow.error] : [])];
    return { kind: 'unknown', errors, ...(rootRow.error ? {} : { detail: rootRow.problem }) };
  }

  if (rootRow.ok) {
    if (rootCredentialsAbsent(facts, rootRow.row)) return { kind: 'not-needed', evidence: describeAbsentRootCredentials(facts) };
    return { kind: 'missing', status: 'fail', evidence: `Root has ${describeRootCredentials(rootRow.row, facts.gatheredAt)} and no MFA device` };
  }

  // Only the summary answered: MFA is off, but whether root still has a password is unknowable without the report.
  const summaryValue = summary.ok ? summary.value : null;
  const noKeysOrCertificates = summaryValue !== null && !summaryValue.accountAccessKeysPresent && !summaryValue.accountSigningCertificatesPresent;
  if (noKeysOrCertificates && centralRootManagementOrganization(facts)) {
    return {
      kind: 'missing',
      status: 'warn',
      evidence: `Root has no MFA device (AccountMFAEnabled=0) and centralized root access is on, but ${rootRow.problem}, so removed root credentials cannot be confirmed`,
    };
  }
  return { kind: 'missing', status: 'fail', evidence: `Root has no MFA device (AccountMFAEnabled=0); ${rootRow.problem}` };
}
