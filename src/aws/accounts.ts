// The only place that knows how to get into an account: which accounts are watched (WATCH_ACCOUNTS, WATCH_OUS,
// EXCLUDE_ACCOUNTS, read from AWS Organizations when asked), the clients of each one (the bot's own for its account,
// sts:AssumeRole into MEMBER_ROLE_NAME for a member) and the root audit sessions of centralized root access
// (sts:AssumeRoot with the IAMAuditRootUserCredentials task policy, never any other).
import { IAMClient } from '@aws-sdk/client-iam';
import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListChildrenCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  type Account,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, AssumeRootCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AdaptiveRetryStrategy, DefaultRateLimiter } from '@smithy/core/retry';
import type { AccountsConfig } from './accounts-config.js';
import { createAwsClients, sdkClientConfig, sharedClientSettings, sharedRequestHandler, type AwsClientOptions, type AwsClients } from './clients.js';
import { AwsCallError, awsErrorCode, MemberAccessError } from './errors.js';

/** The one task policy the bot ever asks sts:AssumeRoot for: read-only audit of the member's root credentials. */
export const AUDIT_ROOT_TASK_POLICY_ARN = 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials';
/** AssumeRoot allows 900 s at most; an audit takes seconds. */
const ROOT_SESSION_SECONDS = 900;
const ROLE_SESSION_NAME = 'aws-root-guard';
/** The organization's account list is read again after this long (accounts join and leave rarely). */
export const ORGANIZATION_REFRESH_MS = 60 * 60 * 1000;
/** Role credentials are renewed this long before they expire, so no call is signed with an expiring key. */
const CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60 * 1000;

export interface WatchedAccount {
  id: string;
  /** The account's name in Organizations; null when not read from Organizations. */
  name: string | null;
  email?: string | null;
  /** The parent OU id ("ou-…"), the root id ("r-…") for an account at the top, null when unknown. */
  ouId: string | null;
  /** "Root/Production/EU": the OU names from the root down. */
  ouPath?: string | null;
  /** The ids of the same path: the root ("r-…") then each OU down to the parent; empty when unknown. */
  ouIdPath?: readonly string[];
  /** Organizations' account state ("ACTIVE"); "UNKNOWN" when not read from Organizations. */
  status: string;
  /** The account the bot's own credentials belong to. */
  isSelf: boolean;
  /** The organization's management account. */
  isManagement: boolean;
}

/** An account the scope named but that is not checked, and why ("SUSPENDED in Organizations"). */
export interface SkippedAccount {
  id: string;
  name: string | null;
  status: string;
  reason: string;
}

export interface WatchedAccountList {
  accounts: WatchedAccount[];
  skipped: SkippedAccount[];
  selfAccountId: string;
  /** null when the organization could not be read (or the scope did not need it). */
  managementAccountId: string | null;
  organizationId: string | null;
  /** When the organization was listed (ISO). */
  listedAt: string;
}

/** One account's clients. `close` after the account's scan: memory stays flat in the number of accounts. */
export interface AccountClients {
  accountId: string;
  clients: AwsClients;
  /** The member role assumed; null for the bot's own account. */
  roleArn: string | null;
  /** Gets the role's credentials now; rejects with MemberAccessError when the role cannot be assumed. */
  ready(): Promise<void>;
  close(): void;
}

/** What the store keeps of an AssumeRoot session: enough to recognise the bot's own audit calls in CloudTrail. */
export interface AuditSession {
  accountId: string;
  /** The AccessKeyId AssumeRoot issued (ASIA…). Never the secret or the session token. */
  accessKeyId: string;
  issuedAt: string;
  expiresAt: string;
}

export interface AuditSessionRecorder {
  recordAuditSession(session: AuditSession): Promise<void>;
}

export interface RootAuditSession {
  accountId: string;
  /** IAM calls without UserName act on the member's root user. */
  iam: IAMClient;
  accessKeyId: string;
  expiresAt: string;
  close(): void;
}

export interface AccountAccess {
  listWatchedAccounts(): Promise<WatchedAccountList>;
  /** The id of the account the bot's own credentials belong to (sts:GetCallerIdentity, once). */
  selfAccountId(): Promise<string>;
  clientsFor(accountId: string): Promise<AccountClients>;
  rootAuditSession(accountId: string): Promise<RootAuditSession>;
  close(): void;
}

export interface AccountAccessOptions {
  /** The bot's own clients (its own account, Organizations, STS). */
  self: AwsClients;
  /** Region, endpoint, timeouts and the bot's credentials, for the clients made per member account. */
  clientOptions: AwsClientOptions;
  config: Pick<AccountsConfig, 'watch' | 'watchOus' | 'excludeAccounts' | 'memberRoleName' | 'memberRoleExternalId'>;
  recorder?: AuditSessionRecorder;
  now?: () => Date;
  /**
   * Where sts:AssumeRoot and the root session's IAM calls go when not `clientOptions.endpoint` (tests: moto has no
   * AssumeRoot, so these go to the project's fake AWS while everything else goes to moto). Production leaves it out:
   * the SDK then resolves the Region's own STS endpoint (sts.<region>.amazonaws.com), which AssumeRoot requires.
   */
  rootSessionEndpoint?: string;
  /** Attempts for sts:AssumeRole / sts:AssumeRoot, which back off with jitter on Throttling (SDK standard mode). Default 6. */
  stsMaxAttempts?: number;
}

/** Where an account (or an OU being walked) sits: its parent, the OU names and ids above it, its root. */
interface TreePlace { parentId: string; path: string; ancestors: string[]; rootId: string }

interface OrganizationTree {
  managementAccountId: string | null;
  organizationId: string | null;
  accounts: Account[];
  /** Account id -> its parent, the ids and names of every OU above it, and the root it hangs from. */
  placement: Map<string, TreePlace>;
}

async function allPages<T>(read: (token: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined }>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = await read(token);
    items.push(...(page.items ?? []));
    token = page.next;
  } while (token);
  return items;
}

/**
 * Accounts, and where each sits: ListAccounts for the accounts and their state, then a walk of the OU tree
 * (ListRoots, ListOrganizationalUnitsForParent, ListChildren) for their OUs. The walk costs calls per OU, not per
 * account (ListParents per account would be 2,000 calls in a large organization).
 */
async function readOrganization(self: AwsClients): Promise<OrganizationTree> {
  const organizations = self.organizations;
  const call = async <T>(action: string, read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      throw new AwsCallError(action, awsErrorCode(error), error);
    }
  };
  const { Organization: organization } = await call('organizations:DescribeOrganization', () => organizations.send(new DescribeOrganizationCommand({})));
  // The account list (sequential pages) and the OU walk run side by side.
  const accountsRead = call('organizations:ListAccounts', () =>
    allPages((NextToken) => organizations.send(new ListAccountsCommand({ NextToken })).then((page) => ({ items: page.Accounts, next: page.NextToken }))),
  );
  accountsRead.catch(() => undefined);
  const roots = await call('organizations:ListRoots', () =>
    allPages((NextToken) => organizations.send(new ListRootsCommand({ NextToken })).then((page) => ({ items: page.Roots, next: page.NextToken }))),
  );
  const placement = new Map<string, TreePlace>();
  // One level of the tree at a time, its parents read in parallel: calls per OU, wall time per level.
  let level: TreePlace[] = roots.map((root) => ({ parentId: root.Id ?? '', path: root.Name ?? 'Root', ancestors: [] as string[], rootId: root.Id ?? '' }));
  while (level.length > 0) {
    const next: TreePlace[] = [];
    await Promise.all(level.map((parent) => readParent(parent, next)));
    level = next;
  }
  const accounts = await accountsRead;
  return { managementAccountId: organization?.MasterAccountId ?? null, organizationId: organization?.Id ?? null, accounts, placement };

  async function readParent(parent: TreePlace, next: TreePlace[]): Promise<void> {
    const [units, children] = await Promise.all([
      call('organizations:ListOrganizationalUnitsForParent', () =>
        allPages((NextToken) =>
          organizations.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parent.parentId, NextToken })).then((page) => ({ items: page.OrganizationalUnits, next: page.NextToken })),
        ),
      ),
      call('organizations:ListChildren', () =>
        allPages((NextToken) =>
          organizations.send(new ListChildrenCommand({ ParentId: parent.parentId, ChildType: 'ACCOUNT', NextToken })).then((page) => ({ items: page.Children, next: page.NextToken })),
        ),
      ),
    ]);
    for (const child of children) if (child.Id) placement.set(child.Id, parent);
    for (const unit of units) {
      if (unit.Id) next.push({ parentId: unit.Id, path: `${parent.path}/${unit.Name ?? unit.Id}`, ancestors: [...parent.ancestors, unit.Id], rootId: parent.rootId });
    }
  }
}

function accountState(account: Account): string {
  // State replaces Status (retired September 2026); either may be the only one an emulator sends.
  return String(account.State ?? account.Status ?? 'UNKNOWN');
}

/** What a member's clients sign with: the role's temporary credentials. */
type RoleCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration?: Date };
type RoleCredentialsProvider = () => Promise<RoleCredentials>;

/**
 * A member role's credentials, shared by the member's clients: one AssumeRole, renewed ahead of expiry. The
 * organization poller keeps every member's from pass to pass, so it is one object and one provider function an
 * account (the AssumeRole call itself is shared by all).
 */
class MemberRoleCredentials {
  private current: Promise<RoleCredentials> | null = null;
  private expiresAtMs = Number.POSITIVE_INFINITY;
  /** The provider the member's SDK clients sign with. */
  readonly provide: RoleCredentialsProvider = () => this.get();

  constructor(
    private readonly roleArn: string,
    private readonly assumeRole: (roleArn: string) => Promise<RoleCredentials>,
    private readonly now: () => Date,
  ) {}

  get(): Promise<RoleCredentials> {
    if (!this.current || this.now().getTime() >= this.expiresAtMs - CREDENTIAL_REFRESH_MARGIN_MS) {
      const attempt: Promise<RoleCredentials> = this.assumeRole(this.roleArn).then(
        (credentials) => {
          this.expiresAtMs = credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
          return credentials;
        },
        (error: unknown) => {
          // Not cached: the next account scan (or a re-run after deploying the role) tries again.
          if (this.current === attempt) this.current = null;
          throw error instanceof MemberAccessError ? error : new MemberAccessError(this.roleArn, error);
        },
      );
      this.current = attempt;
    }
    return this.current;
  }
}

/** A member account's clients, signed with its role's credentials; its methods on the prototype (one object an account). */
class MemberClients implements AccountClients {
  constructor(
    readonly accountId: string,
    readonly clients: AwsClients,
    readonly roleArn: string,
    private readonly credentials: MemberRoleCredentials,
  ) {}

  async ready(): Promise<void> {
    await this.credentials.get();
  }

  close(): void {
    this.clients.destroy();
  }
}

export function createAccountAccess(options: AccountAccessOptions): AccountAccess {
  const now = options.now ?? (() => new Date());
  const { config, self } = options;
  const stsMaxAttempts = options.stsMaxAttempts ?? 6;
  let selfId: Promise<string> | null = null;
  let organization: { tree: Promise<OrganizationTree>; readAt: number } | null = null;
  let rootSts: STSClient | null = null;
  let memberRoleSts: STSClient | null = null;
  // Member clients come and go per account; their connections stay in one pool for the life of this access.
  const memberRequests = sharedRequestHandler(options.clientOptions);
  // A member's clients live for one account's pass (the poller's Region clients for one or two calls): no middleware cache.
  const memberClientOptions: AwsClientOptions = { ...options.clientOptions, requestHandler: memberRequests, settings: sharedClientSettings(), cacheMiddleware: false };
  // Every STS client of this access (one per member's AssumeRole, one for AssumeRoot) shares one adaptive send rate:
  // a Throttling answer slows the whole scan's STS calls (the SDK's CUBIC limiter), and each retry waits with jitter,
  // so a large organization does not turn STS's rate limit into a retry storm.
  const stsRateLimiter = new DefaultRateLimiter();
  const stsRetryStrategy = () => new AdaptiveRetryStrategy(stsMaxAttempts, { rateLimiter: stsRateLimiter });

  const selfAccountId = (): Promise<string> => {
    selfId ??= self.sts.send(new GetCallerIdentityCommand({})).then(
      (caller) => {
        if (!caller.Account) throw new Error('GetCallerIdentity returned no Account');
        return caller.Account;
      },
      (error: unknown) => {
        selfId = null;
        throw new AwsCallError('sts:GetCallerIdentity', awsErrorCode(error), error);
      },
    );
    return selfId;
  };

  /** The organization, read at most once an hour; concurrent callers share one read. */
  const organizationTree = (): Promise<OrganizationTree> => {
    if (!organization || now().getTime() - organization.readAt >= ORGANIZATION_REFRESH_MS) {
      const read = { tree: readOrganization(self), readAt: now().getTime() };
      read.tree.catch(() => {
        if (organization === read) organization = null;
      });
      organization = read;
    }
    return organization.tree;
  };

  const roleArnOf = (accountId: string) => `arn:aws:iam::${accountId}:role/${config.memberRoleName}`;
  // One STS client, signed with the bot's own credentials, assumes the member role for every account: a client per
  // member (what the SDK's fromTemporaryCredentials makes) costs its construction and config resolution each time.
  const roleSts = (): STSClient => (memberRoleSts ??= new STSClient({ ...sdkClientConfig({ ...memberClientOptions, cacheMiddleware: true }), retryStrategy: stsRetryStrategy() }));

  const assumeMemberRole = async (roleArn: string): Promise<RoleCredentials> => {
    const answer = await roleSts().send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: ROLE_SESSION_NAME, ...(config.memberRoleExternalId ? { ExternalId: config.memberRoleExternalId } : {}) }),
    );
    const issued = answer.Credentials;
    if (!issued?.AccessKeyId || !issued.SecretAccessKey || !issued.SessionToken) throw new Error(`sts:AssumeRole for ${roleArn} returned no credentials`);
    return { accessKeyId: issued.AccessKeyId, secretAccessKey: issued.SecretAccessKey, sessionToken: issued.SessionToken, ...(issued.Expiration ? { expiration: issued.Expiration } : {}) };
  };

  async function listWatchedAccounts(): Promise<WatchedAccountList> {
    const selfAccount = await selfAccountId();
    const listedAt = now().toISOString();
    const excluded = new Set(config.excludeAccounts);
    const skipped: SkippedAccount[] = [];
    const bare = (id: string): WatchedAccount => ({ id, name: null, ouId: null, status: 'UNKNOWN', isSelf: id === selfAccount, isManagement: false });

    if (config.watch.kind === 'self') {
      return { accounts: [bare(selfAccount)], skipped, selfAccountId: selfAccount, managementAccountId: null, organizationId: null, listedAt };
    }

    let tree: OrganizationTree | null = null;
    try {
      tree = await organizationTree();
    } catch (error) {
      // A fixed list works without Organizations (names and OUs are only decoration); "organization" cannot.
      if (config.watch.kind === 'organization') throw error;
    }
    const watchOus = new Set(config.watchOus);
    const fromOrganization = new Map<string, WatchedAccount>();
    for (const account of tree?.accounts ?? []) {
      if (!account.Id) continue;
      const place = tree!.placement.get(account.Id);
      fromOrganization.set(account.Id, {
        id: account.Id,
        name: account.Name ?? null,
        email: account.Email ?? null,
        ouId: place?.parentId ?? null,
        ouPath: place?.path ?? null,
        ouIdPath: place ? [place.rootId, ...place.ancestors] : [],
        status: accountState(account),
        isSelf: account.Id === selfAccount,
        isManagement: account.Id === tree!.managementAccountId,
      });
    }

    const candidates = config.watch.kind === 'organization' ? [...fromOrganization.values()] : config.watch.accountIds.map((id) => fromOrganization.get(id) ?? bare(id));
    const accounts: WatchedAccount[] = [];
    for (const account of candidates) {
      if (excluded.has(account.id)) continue;
      if (watchOus.size > 0) {
        const place = tree?.placement.get(account.id);
        if (!place?.ancestors.some((ou) => watchOus.has(ou))) continue;
      }
      if (account.status !== 'ACTIVE' && account.status !== 'UNKNOWN') {
        skipped.push({ id: account.id, name: account.name, status: account.status, reason: `${account.status} in AWS Organizations: only ACTIVE accounts are checked` });
        continue;
      }
      accounts.push(account);
    }
    return { accounts, skipped, selfAccountId: selfAccount, managementAccountId: tree?.managementAccountId ?? null, organizationId: tree?.organizationId ?? null, listedAt };
  }

  async function clientsFor(accountId: string): Promise<AccountClients> {
    if (accountId === (await selfAccountId())) {
      // The bot's own clients are shared by every run: nothing to close.
      return { accountId, clients: self, roleArn: null, ready: async () => undefined, close: () => undefined };
    }
    const roleArn = roleArnOf(accountId);
    const credentials = new MemberRoleCredentials(roleArn, assumeMemberRole, now);
    return new MemberClients(accountId, createAwsClients({ ...memberClientOptions, credentials: credentials.provide }), roleArn, credentials);
  }

  async function rootAuditSession(accountId: string): Promise<RootAuditSession> {
    const endpoint = options.rootSessionEndpoint ?? options.clientOptions.endpoint;
    rootSts ??= new STSClient({ ...sdkClientConfig({ ...memberClientOptions, cacheMiddleware: true, ...(endpoint ? { endpoint } : {}) }), retryStrategy: stsRetryStrategy() });
    const issuedAt = now();
    const answer = await rootSts.send(
      new AssumeRootCommand({ TargetPrincipal: accountId, TaskPolicyArn: { arn: AUDIT_ROOT_TASK_POLICY_ARN }, DurationSeconds: ROOT_SESSION_SECONDS }),
    );
    const issued = answer.Credentials;
    if (!issued?.AccessKeyId || !issued.SecretAccessKey || !issued.SessionToken) throw new Error(`sts:AssumeRoot for ${accountId} returned no credentials`);
    const expiresAt = (issued.Expiration ?? new Date(issuedAt.getTime() + ROOT_SESSION_SECONDS * 1000)).toISOString();
    // Kept before the first call with it, so the activity side can tell the bot's own audit from a person's root use.
    await options.recorder?.recordAuditSession({ accountId, accessKeyId: issued.AccessKeyId, issuedAt: issuedAt.toISOString(), expiresAt });
    const iam = new IAMClient({
      ...sdkClientConfig({ ...memberClientOptions, ...(endpoint ? { endpoint } : {}) }),
      credentials: { accessKeyId: issued.AccessKeyId, secretAccessKey: issued.SecretAccessKey, sessionToken: issued.SessionToken, expiration: new Date(expiresAt) },
    });
    return { accountId, iam, accessKeyId: issued.AccessKeyId, expiresAt, close: () => iam.destroy() };
  }

  return {
    listWatchedAccounts,
    selfAccountId,
    clientsFor,
    rootAuditSession,
    close() {
      rootSts?.destroy();
      rootSts = null;
      memberRoleSts?.destroy();
      memberRoleSts = null;
      memberRequests.close();
    },
  };
}
