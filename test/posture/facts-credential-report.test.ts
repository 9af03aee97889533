// The credential report CSV -> the `<root_account>` row, on rows in AWS's real format.
import { describe, expect, test } from 'vitest';
import { CredentialReportFormatError, parseCredentialReport, parseCsv, parseRootRow } from '../../src/posture/credential-report.js';

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
const ROOT_HARDENED = '<root_account>,arn:aws:iam::123456789012:root,2017-06-10T02:35:07+00:00,not_supported,2026-10-22T08:11:09+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';
const ROOT_WITH_KEYS =
  '<root_account>,arn:aws:iam::123456789012:root,2017-06-10T02:35:07+00:00,not_supported,no_information,not_supported,not_supported,false,true,2025-11-25T10:11:12+00:00,2026-11-27T09:00:00+00:00,us-east-1,sts,false,2024-01-02T03:04:05+00:00,N/A,N/A,N/A,true,2023-05-06T07:08:09+00:00,false,N/A';
const USER = 'alice,arn:aws:iam::123456789012:user/alice,2024-01-01T00:00:00+00:00,true,2026-11-20T00:00:00+00:00,2024-01-01T00:00:00+00:00,N/A,true,true,2026-07-01T00:00:00+00:00,2026-07-29T00:00:00+00:00,eu-west-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A';

describe('parseCsv', () => {
  test('quoted fields keep commas, doubled quotes and line breaks; CRLF and a trailing newline are fine', () => {
    expect(parseCsv('a,"b,c","say ""hi""","two\nlines"\r\nx,,z\r\n')).toEqual([
      ['a', 'b,c', 'say "hi"', 'two\nlines'],
      ['x', '', 'z'],
    ]);
  });

  test('an unterminated quote is a format error', () => {
    expect(() => parseCsv('a,"b')).toThrow(CredentialReportFormatError);
  });
});

describe('parseRootRow', () => {
  test('a hardened root: not_supported and N/A become null, both key and certificate slots listed as absent', () => {
    expect(parseRootRow(`${HEADER}\n${USER}\n${ROOT_HARDENED}`)).toEqual({
      arn: 'arn:aws:iam::123456789012:root',
      passwordEnabled: null,
      passwordLastUsed: '2026-10-22T08:11:09.000Z',
      passwordLastChanged: null,
      mfaActive: true,
      accessKeys: [
        { slot: 1, active: false, lastRotated: null, lastUsedDate: null, lastUsedRegion: null, lastUsedService: null },
        { slot: 2, active: false, lastRotated: null, lastUsedDate: null, lastUsedRegion: null, lastUsedService: null },
      ],
      certificates: [
        { slot: 1, active: false, lastRotated: null },
        { slot: 2, active: false, lastRotated: null },
      ],
    });
  });

  test('root with an active used key, an inactive key (rotated date present) and an active certificate; no_information is null', () => {
    const root = parseRootRow(`${HEADER}\n${ROOT_WITH_KEYS}\n`);
    expect(root?.passwordLastUsed).toBeNull();
    expect(root?.mfaActive).toBe(false);
    expect(root?.accessKeys).toEqual([
      { slot: 1, active: true, lastRotated: '2025-11-25T10:11:12.000Z', lastUsedDate: '2026-11-27T09:00:00.000Z', lastUsedRegion: 'us-east-1', lastUsedService: 'sts' },
      { slot: 2, active: false, lastRotated: '2024-01-02T03:04:05.000Z', lastUsedDate: null, lastUsedRegion: null, lastUsedService: null },
    ]);
    expect(root?.certificates).toEqual([
      { slot: 1, active: true, lastRotated: '2023-05-06T07:08:09.000Z' },
      { slot: 2, active: false, lastRotated: null },
    ]);
  });

  test('columns are found by name: a reordered header with a quoted field still reads', () => {
    const columns = HEADER.split(',');
    const values = ROOT_HARDENED.split(',');
    const order = columns.map((_, index) => index).reverse();
    const csv = `${order.map((index) => columns[index]).join(',')}\n${order.map((index) => (index === 0 ? `"${values[index]}"` : values[index])).join(',')}`;
    expect(parseRootRow(csv)).toEqual(parseRootRow(`${HEADER}\n${ROOT_HARDENED}`));
  });

  test('a report without a <root_account> row (moto, IAM users only) gives null', () => {
    expect(parseRootRow(`${HEADER}\n${USER}\n`)).toBeNull();
  });

  test('a report without the expected columns is a format error, not a silent pass', () => {
    expect(() => parseRootRow('user,arn\n<root_account>,arn:aws:iam::123456789012:root')).toThrow(/no mfa_active, access_key_1_active, access_key_2_active column/);
    expect(() => parseRootRow('')).toThrow(CredentialReportFormatError);
  });
});

test('parseCredentialReport takes the SDK-decoded bytes and GeneratedTime', () => {
  const report = parseCredentialReport(new TextEncoder().encode(`${HEADER}\n${ROOT_HARDENED}`), new Date('2026-11-28T10:00:00Z'));
  expect(report.generatedAt).toBe('2026-11-28T10:00:00.000Z');
  expect(report.root?.mfaActive).toBe(true);
});
