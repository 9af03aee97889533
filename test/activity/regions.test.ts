// Which Regions the poller reads, against the fake Account Management API (REST-JSON ListRegions).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../src/aws/index.js';
import { listEnabledRegions, RegionListError, resolvePollRegions, withSignInRegion } from '../../src/activity/regions.js';
import { FAKE_CREDENTIALS, hardenedAccount, startFakeAws, type FakeAws } from '../fakes/aws/index.js';

let fake: FakeAws;
let clients: AwsClients;

beforeAll(async () => {
  fake = await startFakeAws();
  clients = createAwsClients({ region: 'us-east-1', endpoint: fake.url, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
});

afterAll(async () => {
  clients.destroy();
  await fake.close();
});

beforeEach(() => {
  fake.state = hardenedAccount();
  fake.faults.clear();
  fake.requests.length = 0;
});

describe('regions', () => {
  it('lists the Regions enabled by default and opted in, not the disabled ones', async () => {
    // The scenario: us-east-1, us-west-2, eu-west-1 (by default), eu-south-2 (opted in), af-south-1 (disabled).
    expect((await listEnabledRegions(clients.account)).sort()).toEqual(['eu-south-2', 'eu-west-1', 'us-east-1', 'us-west-2']);
    const request = fake.requests.find((recorded) => recorded.operation === 'ListRegions');
    expect(request?.params).toMatchObject({ RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'], MaxResults: 50 });
  });

  it('follows NextToken across pages', async () => {
    fake.state.regions = Array.from({ length: 60 }, (_, index) => ({ RegionName: `xx-test-${index + 1}`, RegionOptStatus: index % 2 === 0 ? 'ENABLED_BY_DEFAULT' : 'ENABLED' }));
    expect(await listEnabledRegions(clients.account)).toHaveLength(60);
    expect(fake.calls('ListRegions')).toBe(2);
  });

  it('polls us-east-1 first, always, even when AWS_REGIONS leaves it out', async () => {
    expect(await resolvePollRegions(['eu-west-1', 'ap-southeast-2', 'eu-west-1'], () => clients.account)).toEqual(['us-east-1', 'ap-southeast-2', 'eu-west-1']);
    expect(fake.calls('ListRegions')).toBe(0);
    expect(await resolvePollRegions(null, () => clients.account)).toEqual(['us-east-1', 'eu-south-2', 'eu-west-1', 'us-west-2']);
    expect(withSignInRegion([])).toEqual(['us-east-1']);
    // With AWS_REGIONS set no Account client is made (the organization poller would make one per member).
    expect(
      await resolvePollRegions(['eu-west-1'], () => {
        throw new Error('the Account client is not needed');
      }),
    ).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('names account:ListRegions and AWS_REGIONS when it may not list the Regions', async () => {
    fake.faults.accessDenied('ListRegions');
    const failure = await resolvePollRegions(null, () => clients.account).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RegionListError);
    expect((failure as RegionListError).code).toBe('AccessDeniedException');
    expect((failure as Error).message).toMatch(/allow the IAM action account:ListRegions, or set AWS_REGIONS/);
  });
});
