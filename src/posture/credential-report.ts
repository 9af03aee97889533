// The IAM credential report (CSV) -> the `<root_account>` row. Columns are read by header name, so a column
// AWS adds later does not shift the others; fields may be quoted (RFC 4180). "N/A", "no_information" and
// "not_supported" are not dates and not booleans: they become null.
import type { CredentialReport, ReportDate, RootCredentialRow } from './model.js';

const ROOT_ACCOUNT_USER = '<root_account>';
const NOT_A_VALUE = new Set(['N/A', 'no_information', 'not_supported', '']);

export class CredentialReportFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialReportFormatError';
  }
}

/** Splits CSV text into rows of fields: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"' && field === '') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (quoted) throw new CredentialReportFormatError('the credential report CSV ends inside a quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((fields) => !(fields.length === 1 && fields[0] === ''));
}

function reportDate(value: string | undefined): ReportDate {
  if (value === undefined || NOT_A_VALUE.has(value)) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** "true" / "false"; anything else (not_supported, N/A) is null. */
function reportBoolean(value: string | undefined): boolean | null {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return null;
}

function reportText(value: string | undefined): string | null {
  return value === undefined || NOT_A_VALUE.has(value) ? null : value;
}

const REQUIRED_COLUMNS = ['user', 'arn', 'mfa_active', 'access_key_1_active', 'access_key_2_active'];

/**
 * The `<root_account>` row, or null when the report has none (emulators, some partitions).
 * Both access key and both certificate slots are always listed, as in the report: a slot holds a key
 * (active or not) when `active` is true or `lastRotated` is a date.
 */
export function parseRootRow(csv: string): RootCredentialRow | null {
  const [header, ...rows] = parseCsv(csv);
  if (!header) throw new CredentialReportFormatError('the credential report is empty');
  const columns = new Map(header.map((name, index) => [name.trim(), index]));
  const missing = REQUIRED_COLUMNS.filter((name) => !columns.has(name));
  if (missing.length) throw new CredentialReportFormatError(`the credential report has no ${missing.join(', ')} column`);
  const rootFields = rows.find((fields) => fields[columns.get('user')!] === ROOT_ACCOUNT_USER);
  if (!rootFields) return null;
  const get = (name: string): string | undefined => {
    const index = columns.get(name);
    return index === undefined ? undefined : rootFields[index];
  };
  const keySlot = (slot: 1 | 2) => ({
    slot,
    active: reportBoolean(get(`access_key_${slot}_active`)) === true,
    lastRotated: reportDate(get(`access_key_${slot}_last_rotated`)),
    lastUsedDate: reportDate(get(`access_key_${slot}_last_used_date`)),
    lastUsedRegion: reportText(get(`access_key_${slot}_last_used_region`)),
    lastUsedService: reportText(get(`access_key_${slot}_last_used_service`)),
  });
  const certSlot = (slot: 1 | 2) => ({
    slot,
    active: reportBoolean(get(`cert_${slot}_active`)) === true,
    lastRotated: reportDate(get(`cert_${slot}_last_rotated`)),
  });
  return {
    arn: get('arn') ?? '',
    passwordEnabled: reportBoolean(get('password_enabled')),
    passwordLastUsed: reportDate(get('password_last_used')),
    passwordLastChanged: reportDate(get('password_last_changed')),
    mfaActive: reportBoolean(get('mfa_active')) === true,
    accessKeys: [keySlot(1), keySlot(2)],
    certificates: [certSlot(1), certSlot(2)],
  };
}

/** A GetCredentialReport answer (Content already decoded from base64 by the SDK) as our model. */
export function parseCredentialReport(content: Uint8Array | string, generatedAt: Date | string): CredentialReport {
  const csv = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
  return { generatedAt: new Date(generatedAt).toISOString(), root: parseRootRow(csv) };
}
