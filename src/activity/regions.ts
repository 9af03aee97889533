// Which Regions the poller reads: AWS_REGIONS when set, otherwise every Region enabled in the account
// (account:ListRegions; ec2:DescribeRegions would need the EC2 client, which we do not install).
// us-east-1 is always included: root console sign-in records are only there.
import { ListRegionsCommand, type AccountClient, type RegionOptStatus } from '@aws-sdk/client-account';

export const SIGN_IN_REGION = 'us-east-1';

/** Opt-in statuses whose Regions accept API calls (ENABLING and DISABLING ones may not yet / no longer). */
const ENABLED_STATUSES: RegionOptStatus[] = ['ENABLED', 'ENABLED_BY_DEFAULT'];

export class RegionListError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'RegionListError';
  }
}

/** us-east-1 first (sign-ins), the rest sorted, no duplicates. */
export function withSignInRegion(regions: readonly string[]): string[] {
  const others = [...new Set(regions)].filter((region) => region !== SIGN_IN_REGION).sort();
  return [SIGN_IN_REGION, ...others];
}

export type ListRegionsApi = Pick<AccountClient, 'send'>;

/** Every Region enabled in the calling account, all pages. */
export async function listEnabledRegions(account: ListRegionsApi): Promise<string[]> {
  const regions: string[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await account.send(new ListRegionsCommand({ RegionOptStatusContains: ENABLED_STATUSES, MaxResults: 50, NextToken: nextToken }));
      for (const region of page.Regions ?? []) {
        if (region.RegionName && region.RegionOptStatus && ENABLED_STATUSES.includes(region.RegionOptStatus as RegionOptStatus)) regions.push(region.RegionName);
      }
      nextToken = page.NextToken || undefined;
    } while (nextToken);
  } catch (error) {
    const code = (error as { name?: string }).name ?? 'Error';
    const message = error instanceof Error ? error.message : String(error);
    const how = /AccessDenied/i.test(code)
      ? 'allow the IAM action account:ListRegions, or set AWS_REGIONS to the Regions to poll'
      : 'set AWS_REGIONS to the Regions to poll, or check AWS access';
    throw new RegionListError(`Could not list the account's enabled Regions (account:ListRegions: ${code}: ${message}): ${how}`, code);
  }
  return regions;
}

/**
 * The Regions to poll: the configured list, or the enabled ones; always with us-east-1. `account` makes the Account
 * client only when it is needed: the organization poller would otherwise build one per member for nothing.
 */
export async function resolvePollRegions(configured: readonly string[] | null, account: () => ListRegionsApi): Promise<string[]> {
  if (configured && configured.length > 0) return withSignInRegion(configured);
  return withSignInRegion(await listEnabledRegions(account()));
}
