// Settings for which accounts the bot watches and how it gets into them, parsed like src/alerts/config.ts: every
// problem is collected and names the variable and how to set it; src/config.ts folds these problems into its own.
import { readWholeNumber, type Env } from '../config-reader.js';

/** WATCH_ACCOUNTS: the bot's own account, every ACTIVE account of the organization, or a fixed list of ids. */
export type WatchScope = { kind: 'self' } | { kind: 'organization' } | { kind: 'list'; accountIds: string[] };

export interface AccountsConfig {
  watch: WatchScope;
  /** WATCH_OUS: only accounts under these OUs (children included); empty = no OU filter. */
  watchOus: string[];
  /** EXCLUDE_ACCOUNTS: never checked. */
  excludeAccounts: string[];
  /** MEMBER_ROLE_NAME: the read-only role the bot assumes in each member (deploy/member-role.yaml). */
  memberRoleName: string;
  /** MEMBER_ROLE_EXTERNAL_ID, when the member role's trust asks for one. */
  memberRoleExternalId: string | null;
  /** POSTURE_CONCURRENCY: accounts checked at once. */
  concurrency: number;
  /** ACCOUNT_CHECK_TIMEOUT_SECONDS: an account still being checked after this long is reported as timed out. */
  accountTimeoutSeconds: number;
}

export const ACCOUNTS_DEFAULTS = {
  memberRoleName: 'aws-root-guard-audit',
  concurrency: 10,
  accountTimeoutSeconds: 120,
} as const;

const ACCOUNT_ID = /^\d{12}$/;
// Organizations OU ids: "ou-" + 4-32 lowercase letters or digits (the root id) + "-" + 8-32 more.
const OU_ID = /^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/;
// IAM role names: up to 64 of letters, digits and +=,.@_-.
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
// sts:AssumeRole ExternalId: 2-1224 of letters, digits and +=,.@:/-.
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

function idList(env: Env, name: string, pattern: RegExp, what: string, problems: string[]): string[] {
  const raw = env[name]?.trim();
  if (!raw) return [];
  const items = raw.split(',').map((item) => item.trim()).filter(Boolean);
  const valid: string[] = [];
  for (const item of items) {
    if (pattern.test(item)) valid.push(item);
    else problems.push(`${name}: "${item}" is not ${what}`);
  }
  return [...new Set(valid)];
}

function readWatchScope(env: Env, problems: string[]): WatchScope {
  const raw = env.WATCH_ACCOUNTS?.trim() ?? '';
  if (raw === '' || raw.toLowerCase() === 'self') return { kind: 'self' };
  if (raw.toLowerCase() === 'organization') return { kind: 'organization' };
  const accountIds = idList(env, 'WATCH_ACCOUNTS', ACCOUNT_ID, 'a 12-digit AWS account id (or use "self" or "organization")', problems);
  if (accountIds.length === 0) problems.push('WATCH_ACCOUNTS names no valid account: set it to "self", "organization" or comma-separated 12-digit account ids');
  return { kind: 'list', accountIds };
}

/** Parses the account-scope variables; `problems` is empty when they are all valid. */
export function readAccountsConfig(env: Env): { config: AccountsConfig; problems: string[] } {
  const problems: string[] = [];
  const watch = readWatchScope(env, problems);
  const watchOus = idList(env, 'WATCH_OUS', OU_ID, 'an organizational unit id (ou-xxxx-xxxxxxxx, from the Organizations console or `aws organizations list-organizational-units-for-parent`)', problems);
  if (watchOus.length > 0 && watch.kind !== 'organization') {
    problems.push(`WATCH_OUS needs WATCH_ACCOUNTS=organization (it is "${env.WATCH_ACCOUNTS?.trim() || 'self'}"): OUs filter the organization's accounts`);
  }
  const excludeAccounts = idList(env, 'EXCLUDE_ACCOUNTS', ACCOUNT_ID, 'a 12-digit AWS account id', problems);

  let memberRoleName: string = env.MEMBER_ROLE_NAME?.trim() || ACCOUNTS_DEFAULTS.memberRoleName;
  if (!ROLE_NAME.test(memberRoleName)) {
    problems.push(`MEMBER_ROLE_NAME="${memberRoleName}" is not an IAM role name (up to 64 letters, digits and +=,.@_-; the name, not the ARN): default ${ACCOUNTS_DEFAULTS.memberRoleName}`);
    memberRoleName = ACCOUNTS_DEFAULTS.memberRoleName;
  }
  if (memberRoleName === 'OrganizationAccountAccessRole') {
    problems.push('MEMBER_ROLE_NAME=OrganizationAccountAccessRole is an administrator role: deploy the read-only deploy/member-role.yaml and use its name (default aws-root-guard-audit)');
  }
  let memberRoleExternalId: string | null = env.MEMBER_ROLE_EXTERNAL_ID?.trim() || null;
  if (memberRoleExternalId !== null && !EXTERNAL_ID.test(memberRoleExternalId)) {
    problems.push('MEMBER_ROLE_EXTERNAL_ID is not a valid external id (2 to 1224 letters, digits and +=,.@:/-): use the ExternalId parameter given to deploy/member-role.yaml');
    memberRoleExternalId = null;
  }

  const concurrency = readWholeNumber(env, 'POSTURE_CONCURRENCY', ACCOUNTS_DEFAULTS.concurrency, 1, 100, 'accounts checked at once', problems);
  const accountTimeoutSeconds = readWholeNumber(env, 'ACCOUNT_CHECK_TIMEOUT_SECONDS', ACCOUNTS_DEFAULTS.accountTimeoutSeconds, 5, 3600, 'seconds', problems);
  return { config: { watch, watchOus, excludeAccounts, memberRoleName, memberRoleExternalId, concurrency, accountTimeoutSeconds }, problems };
}
