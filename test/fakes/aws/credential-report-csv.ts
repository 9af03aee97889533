// The IAM credential report as AWS writes it: the real header line, columns in order, and the values AWS
// uses where a column does not apply ("N/A", "no_information", "not_supported").
// Column list: IAM User Guide, "Generate credential reports for your AWS account" (credential-reports.html).

export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

export type CredentialReportColumn = (typeof CREDENTIAL_REPORT_COLUMNS)[number];
export type CredentialReportRow = Record<CredentialReportColumn, string>;

/** The report's timestamp format: "2026-11-25T10:11:12+00:00". */
export function reportDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export interface ReportAccessKey {
  active: boolean;
  lastRotated: Date;
  /** null: never used ("N/A" in the date, region and service columns). */
  lastUsed: { date: Date; region: string; service: string } | null;
}

export interface ReportCertificate {
  active: boolean;
  lastRotated: Date;
}

export interface RootRowSpec {
  accountId: string;
  createdAt: Date;
  /** Date of last sign-in; "no_information" when AWS has none; null for "N/A" (no password). */
  passwordLastUsed: Date | 'no_information' | null;
  mfaActive: boolean;
  accessKeys: ReportAccessKey[];
  certificates: ReportCertificate[];
}

function keyColumns(key: ReportAccessKey | undefined): [string, string, string, string, string] {
  if (!key) return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
  const used = key.lastUsed;
  return [String(key.active), reportDate(key.lastRotated), used ? reportDate(used.date) : 'N/A', used ? used.region : 'N/A', used ? used.service : 'N/A'];
}

function certColumns(cert: ReportCertificate | undefined): [string, string] {
  return cert ? [String(cert.active), reportDate(cert.lastRotated)] : ['false', 'N/A'];
}

function rowFrom(values: string[]): CredentialReportRow {
  return Object.fromEntries(CREDENTIAL_REPORT_COLUMNS.map((column, index) => [column, values[index] ?? 'N/A'])) as CredentialReportRow;
}

/** The `<root_account>` row: password_enabled, password_last_changed and password_next_rotation are "not_supported" for root. */
export function rootRow(spec: RootRowSpec): CredentialReportRow {
  const passwordLastUsed = spec.passwordLastUsed === null ? 'N/A' : spec.passwordLastUsed === 'no_information' ? 'no_information' : reportDate(spec.passwordLastUsed);
  return rowFrom([
    '<root_account>',
    `arn:aws:iam::${spec.accountId}:root`,
    reportDate(spec.createdAt),
    'not_supported',
    passwordLastUsed,
    'not_supported',
    'not_supported',
    String(spec.mfaActive),
    ...keyColumns(spec.accessKeys[0]),
    ...keyColumns(spec.accessKeys[1]),
    ...certColumns(spec.certificates[0]),
    ...certColumns(spec.certificates[1]),
  ]);
}

export interface UserRowSpec {
  accountId: string;
  userName: string;
  createdAt: Date;
  password: { lastUsed: Date | null; lastChanged: Date } | null;
  mfaActive: boolean;
  accessKeys?: ReportAccessKey[];
}

/** An IAM user's row (password_enabled is a boolean there). */
export function userRow(spec: UserRowSpec): CredentialReportRow {
  const password = spec.password;
  return rowFrom([
    spec.userName,
    `arn:aws:iam::${spec.accountId}:user/${spec.userName}`,
    reportDate(spec.createdAt),
    String(password !== null),
    password ? (password.lastUsed ? reportDate(password.lastUsed) : 'no_information') : 'N/A',
    password ? reportDate(password.lastChanged) : 'N/A',
    'N/A',
    String(spec.mfaActive),
    ...keyColumns(spec.accessKeys?.[0]),
    ...keyColumns(spec.accessKeys?.[1]),
    'false',
    'N/A',
    'false',
    'N/A',
  ]);
}

/** Quotes a field only when CSV needs it (a comma, a quote or a line break). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function credentialReportCsv(rows: readonly CredentialReportRow[]): string {
  const lines = [CREDENTIAL_REPORT_COLUMNS.join(','), ...rows.map((row) => CREDENTIAL_REPORT_COLUMNS.map((column) => csvField(row[column])).join(','))];
  return lines.join('\n');
}
