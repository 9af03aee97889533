// CloudFormation StackSets in the fake (AWS Query protocol, XML answers): ListStackInstances over the StackSets a
// test puts in `fake.stackSets`, paged with MaxResults (1-100) and an opaque NextToken, as the API Reference has it
// (API_ListStackInstances, API_StackInstanceSummary). A StackSet lives in one Region and answers one CallAs: the
// management account's (SELF) or a delegated administrator's (DELEGATED_ADMIN).
import { AwsErrorReply } from './errors.js';

export interface FakeStackInstance {
  Account: string;
  Region: string;
  /** CURRENT | OUTDATED | INOPERABLE */
  Status: string;
  /** StackInstanceStatus.DetailedStatus: SUCCEEDED | FAILED | RUNNING | PENDING | CANCELLED | INOPERABLE | SKIPPED_SUSPENDED_ACCOUNT | FAILED_IMPORT */
  DetailedStatus?: string;
  StatusReason?: string;
  OrganizationalUnitId?: string;
}

export interface FakeStackSet {
  /** The Region the StackSet was made in (its API answers there only). */
  region: string;
  /** How the caller must call it: the management account's SELF or a delegated administrator's DELEGATED_ADMIN. */
  callAs: 'SELF' | 'DELEGATED_ADMIN';
  instances: FakeStackInstance[];
}

const DEFAULT_PAGE = 100;

/** A StackSet with a CURRENT / SUCCEEDED instance in every account x Region given. */
export function deployedStackSet(accounts: readonly string[], regions: readonly string[], options: Partial<Pick<FakeStackSet, 'region' | 'callAs'>> = {}): FakeStackSet {
  return {
    region: options.region ?? 'us-east-1',
    callAs: options.callAs ?? 'SELF',
    instances: accounts.flatMap((account) => regions.map((region) => ({ Account: account, Region: region, Status: 'CURRENT', DetailedStatus: 'SUCCEEDED', OrganizationalUnitId: 'r-ab12' }))),
  };
}

export function listStackInstances(stackSets: ReadonlyMap<string, FakeStackSet>, params: Record<string, string>, context: { accountId: string; region: string }): object {
  const name = params.StackSetName ?? '';
  const callAs = params.CallAs || 'SELF';
  const stackSet = stackSets.get(name);
  if (callAs === 'DELEGATED_ADMIN' && stackSet?.callAs !== 'DELEGATED_ADMIN') {
    throw new AwsErrorReply('ValidationError', `Account ${context.accountId} is not registered as a delegated administrator for the service: member.org.stacksets.cloudformation.amazonaws.com`, 400);
  }
  if (!stackSet || stackSet.region !== context.region || stackSet.callAs !== callAs) throw new AwsErrorReply('StackSetNotFoundException', `StackSet ${name} not found`, 404);
  const maxResults = params.MaxResults ? Number(params.MaxResults) : DEFAULT_PAGE;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
    throw new AwsErrorReply('ValidationError', `1 validation error detected: Value '${params.MaxResults}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100`, 400);
  }
  const start = params.NextToken ? Number(Buffer.from(params.NextToken, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw new AwsErrorReply('InvalidNextToken', 'The specified NextToken is invalid.', 400);
  const page = stackSet.instances.slice(start, start + maxResults);
  const stackSetId = `${name}:7f59e0c5-3a3b-4a2e-9b1e-0123456789ab`;
  return {
    Summaries: page.map((instance) => ({
      StackSetId: stackSetId,
      Region: instance.Region,
      Account: instance.Account,
      StackId: instance.Status === 'CURRENT' ? `arn:aws:cloudformation:${instance.Region}:${instance.Account}:stack/StackSet-${name}-0a1b2c3d/11111111-2222-3333-4444-555555555555` : undefined,
      Status: instance.Status,
      StatusReason: instance.StatusReason,
      StackInstanceStatus: instance.DetailedStatus ? { DetailedStatus: instance.DetailedStatus } : undefined,
      OrganizationalUnitId: instance.OrganizationalUnitId,
      DriftStatus: 'NOT_CHECKED',
    })),
    NextToken: start + maxResults < stackSet.instances.length ? Buffer.from(String(start + maxResults), 'utf8').toString('base64url') : undefined,
  };
}
