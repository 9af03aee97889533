// One organization poll pass over 1,000 accounts x 17 Regions against the fake AWS adding 50 ms to every
// LookupEvents call and enforcing CloudTrail's 2 requests/s per account and Region, the pass in a child process:
//   1. wall time divided by the floor: the LookupEvents calls the pass made x 50 ms / the requests allowed in
//      flight (32), or the slowest account-Region's own floor under its 2 requests/s limiter if that is longer.
//      Goal <= 1.2. Baseline in the same run: the same number of bare LookupEvents calls, 32 at a time, through
//      one SDK client made as the bot makes its clients (createAwsClients) straight at the fake (no poller, no
//      store): what the fake and the SDK allow on this machine.
//   2. the highest rate any account-Region saw at the fake (requests in any 1-second window). Goal <= 2.
//   3. peak RSS of the 1,000-account pass divided by a 100-account pass's (same Regions). Goal <= 1.2.
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { createAwsClients } from '../src/aws/index.js';
import { ACCOUNT_ID, addMember, createFakeOrganization, FAKE_CREDENTIALS, startFakeAws, type FakeAws, type RecordedRequest } from '../test/fakes/aws/index.js';
import { figuresFromChild } from './child-figures.js';
import { loadLine, runConcurrently } from './stats.js';

const LATENCY_MS = 50;
const LARGE = 1_000;
const SMALL = 100;
const IN_FLIGHT = 32;
const LIMIT_PER_SECOND = 2;
// 17 Regions, as an account with every default Region enabled has.
const REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'sa-east-1'];

interface ChildFigures {
  accounts: number;
  passMs: number;
  cpuMs: number;
  failedAccounts: number;
  failedRegions: number;
  throttleRetries: number;
  errorSamples: string[];
  maxInFlight: number;
  peakRssMb: number;
}

function organizationOf(fake: FakeAws, members: number): void {
  const organization = createFakeOrganization(ACCOUNT_ID);
  for (let index = 0; index < members; index += 1) {
    const member = addMember(organization, { id: String(400_000_000_000 + index) });
    // Every Region enabled (the fake refuses LookupEvents in a disabled one).
    member.aws.regions = REGIONS.map((RegionName) => ({ RegionName, RegionOptStatus: 'ENABLED_BY_DEFAULT' }));
  }
  fake.state.regions = REGIONS.map((RegionName) => ({ RegionName, RegionOptStatus: 'ENABLED_BY_DEFAULT' }));
  fake.organization = organization;
  fake.requests.length = 0;
}

function pollInChild(url: string): Promise<ChildFigures> {
  return figuresFromChild<ChildFigures>('org-poll-child.ts', [url, REGIONS.join(',')]);
}

/** The most LookupEvents requests one account-Region sent within any 1-second window, and the calls per account-Region. */
function observedRates(requests: readonly RecordedRequest[]): { maxPerSecond: number; perAccountRegion: Map<string, number[]> } {
  const perAccountRegion = new Map<string, number[]>();
  for (const request of requests) {
    if (request.operation !== 'LookupEvents') continue;
    const key = `${request.accountId}/${request.region}`;
    const times = perAccountRegion.get(key) ?? [];
    times.push(request.receivedAt);
    perAccountRegion.set(key, times);
  }
  let maxPerSecond = 0;
  for (const times of perAccountRegion.values()) {
    times.sort((left, right) => left - right);
    let first = 0;
    for (let last = 0; last < times.length; last += 1) {
      while (times[last]! - times[first]! >= 1_000) first += 1;
      maxPerSecond = Math.max(maxPerSecond, last - first + 1);
    }
  }
  return { maxPerSecond, perAccountRegion };
}

/** The baseline: `calls` bare LookupEvents, IN_FLIGHT at a time, one client (the bot's configuration), as the fake answers them here. */
async function bareCalls(fake: FakeAws, calls: number): Promise<number> {
  const clients = createAwsClients({ region: 'us-east-1', endpoint: fake.url, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
  const client = clients.cloudTrail('us-east-1');
  const started = performance.now();
  await runConcurrently(calls, IN_FLIGHT, async () => {
    await client.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'root' }], MaxResults: 50 }));
  });
  clients.destroy();
  return performance.now() - started;
}

export async function benchOrgPoll(): Promise<{ lines: string[] }> {
  const fake = await startFakeAws();
  fake.faults.delay('LookupEvents', LATENCY_MS);
  try {
    organizationOf(fake, LARGE);
    fake.faults.lookupEventsRateLimit = true;
    const large = await pollInChild(fake.url);
    const lookups = fake.requests.filter((request) => request.operation === 'LookupEvents');
    const throttledAnswers = lookups.filter((request) => request.errorCode === 'ThrottlingException').length;
    const { maxPerSecond, perAccountRegion } = observedRates(fake.requests);
    const mostCalls = Math.max(...[...perAccountRegion.values()].map((times) => times.length));
    const gateFloorMs = (lookups.length * LATENCY_MS) / large.maxInFlight;
    const limiterFloorMs = ((mostCalls - 1) * 1_000) / LIMIT_PER_SECOND + LATENCY_MS;
    const floorMs = Math.max(gateFloorMs, limiterFloorMs);
    const ratio = large.passMs / floorMs;

    // The baseline, without the rate limit (one client's calls all land in one account-Region).
    fake.faults.lookupEventsRateLimit = false;
    const bareMs = await bareCalls(fake, lookups.length);
    fake.faults.lookupEventsRateLimit = true;

    organizationOf(fake, SMALL);
    const small = await pollInChild(fake.url);
    const rssRatio = large.peakRssMb / small.peakRssMb;

    const met = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
    return {
      lines: [
        `organization poll pass (fake AWS +${LATENCY_MS} ms per LookupEvents, ${LIMIT_PER_SECOND} requests/s per account-Region enforced, ${REGIONS.length} Regions, each pass in a child process)`,
        `  ${loadLine()}`,
        `  ${large.accounts} accounts x ${REGIONS.length} Regions: ${(large.passMs / 1000).toFixed(1)} s, ${lookups.length} LookupEvents calls (${perAccountRegion.size} account-Regions, at most ${mostCalls} in one), ${large.failedAccounts} accounts and ${large.failedRegions} Regions failed, ${throttledAnswers} throttled answers (${large.throttleRetries} retries), pass CPU ${(large.cpuMs / 1000).toFixed(1)} s${large.errorSamples.length ? ` (${large.errorSamples.join(' | ')})` : ''}`,
        `  floor: max(${lookups.length} calls x ${LATENCY_MS} ms / ${large.maxInFlight} in flight = ${(gateFloorMs / 1000).toFixed(1)} s, one account-Region's ${mostCalls} calls at ${LIMIT_PER_SECOND}/s = ${(limiterFloorMs / 1000).toFixed(2)} s) = ${(floorMs / 1000).toFixed(1)} s; ratio ${ratio.toFixed(2)} (goal <= 1.2) ${met(ratio <= 1.2)}`,
        `  baseline, same run: ${lookups.length} bare LookupEvents calls ${IN_FLIGHT} at a time through one SDK client (the bot's configuration): ${(bareMs / 1000).toFixed(1)} s (${(bareMs / floorMs).toFixed(2)}x the floor: what this machine allows); the pass is ${(large.passMs / bareMs).toFixed(2)}x the baseline`,
        `  highest rate one account-Region saw at the fake: ${maxPerSecond} requests in a 1-second window (goal <= ${LIMIT_PER_SECOND}) ${met(maxPerSecond <= LIMIT_PER_SECOND)}`,
        `  peak RSS: ${large.peakRssMb.toFixed(0)} MB at ${large.accounts} accounts, ${small.peakRssMb.toFixed(0)} MB at ${small.accounts} (baseline); ratio ${rssRatio.toFixed(2)} (goal <= 1.2) ${met(rssRatio <= 1.2)}`,
      ],
    };
  } finally {
    await fake.close();
  }
}
