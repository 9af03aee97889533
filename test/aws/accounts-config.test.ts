// WATCH_ACCOUNTS, WATCH_OUS, EXCLUDE_ACCOUNTS, MEMBER_ROLE_NAME, MEMBER_ROLE_EXTERNAL_ID: parsed, and every bad value
// named with its variable; loadCheckConfig folds the problems into its own error.
import { describe, expect, test } from 'vitest';
import { readAccountsConfig } from '../../src/aws/accounts-config.js';
import { ConfigError, loadCheckConfig } from '../../src/config.js';

describe('accounts settings', () => {
  test('defaults: self, no filters, the read-only member role, 10 at once, 120 s per account', () => {
    expect(readAccountsConfig({})).toEqual({
      config: { watch: { kind: 'self' }, watchOus: [], excludeAccounts: [], memberRoleName: 'aws-root-guard-audit', memberRoleExternalId: null, concurrency: 10, accountTimeoutSeconds: 120 },
      problems: [],
    });
  });

  test('organization with OUs and exclusions; a list of ids, deduplicated', () => {
    const organization = readAccountsConfig({ WATCH_ACCOUNTS: 'organization', WATCH_OUS: 'ou-ab12-cdef3456, ou-ab12-99998888', EXCLUDE_ACCOUNTS: '111111111111', MEMBER_ROLE_EXTERNAL_ID: 'guard-2026' });
    expect(organization.problems).toEqual([]);
    expect(organization.config).toMatchObject({ watch: { kind: 'organization' }, watchOus: ['ou-ab12-cdef3456', 'ou-ab12-99998888'], excludeAccounts: ['111111111111'], memberRoleExternalId: 'guard-2026' });
    expect(readAccountsConfig({ WATCH_ACCOUNTS: '111111111111,222222222222, 111111111111' }).config.watch).toEqual({ kind: 'list', accountIds: ['111111111111', '222222222222'] });
  });

  test('bad values name the variable and say what would do', () => {
    const { problems } = readAccountsConfig({
      WATCH_ACCOUNTS: '12345,prod',
      WATCH_OUS: 'r-ab12',
      EXCLUDE_ACCOUNTS: '99',
      MEMBER_ROLE_NAME: 'arn:aws:iam::111111111111:role/x',
      MEMBER_ROLE_EXTERNAL_ID: 'x',
      POSTURE_CONCURRENCY: '0',
    });
    expect(problems).toEqual([
      'WATCH_ACCOUNTS: "12345" is not a 12-digit AWS account id (or use "self" or "organization")',
      'WATCH_ACCOUNTS: "prod" is not a 12-digit AWS account id (or use "self" or "organization")',
      'WATCH_ACCOUNTS names no valid account: set it to "self", "organization" or comma-separated 12-digit account ids',
      expect.stringMatching(/^WATCH_OUS: "r-ab12" is not an organizational unit id \(ou-xxxx-xxxxxxxx/),
      'EXCLUDE_ACCOUNTS: "99" is not a 12-digit AWS account id',
      expect.stringMatching(/^MEMBER_ROLE_NAME="arn:aws:iam::111111111111:role\/x" is not an IAM role name .*the name, not the ARN/),
      expect.stringMatching(/^MEMBER_ROLE_EXTERNAL_ID is not a valid external id/),
      expect.stringMatching(/^POSTURE_CONCURRENCY="0" is not a whole number of accounts checked at once from 1 to 100/),
    ]);
  });

  test('WATCH_OUS filters the organization, so it needs WATCH_ACCOUNTS=organization', () => {
    expect(readAccountsConfig({ WATCH_OUS: 'ou-ab12-cdef3456' }).problems).toEqual(['WATCH_OUS needs WATCH_ACCOUNTS=organization (it is "self"): OUs filter the organization\'s accounts']);
  });

  test('the administrator role is refused: the bot needs only the read-only member role', () => {
    expect(readAccountsConfig({ MEMBER_ROLE_NAME: 'OrganizationAccountAccessRole' }).problems).toEqual([expect.stringContaining('OrganizationAccountAccessRole is an administrator role')]);
  });

  test('loadCheckConfig carries the accounts settings and their problems', () => {
    expect(loadCheckConfig({ WATCH_ACCOUNTS: 'organization' }).accounts.watch).toEqual({ kind: 'organization' });
    expect(() => loadCheckConfig({ WATCH_ACCOUNTS: 'everything' })).toThrow(ConfigError);
    expect(() => loadCheckConfig({ WATCH_ACCOUNTS: 'everything' })).toThrow(/WATCH_ACCOUNTS: "everything" is not a 12-digit AWS account id/);
  });
});
