// One organization poll pass over 1,000 accounts x 17 Regions against the fake AWS adding 50 ms to every
// LookupEvents call and enforcing CloudTrail's 2 requests/s per account and Region, the pass in a child process:
//   1. wall time divided by the floor: the LookupEvents calls the pass made x 50 ms / the requests allowed in
//      flight (32), or the slowest account-Region's own floor under its 2 requests/s limiter if that is longer.
//      Goal <= 1.2. Baseline in the same run: the same number of bare LookupEvents calls, 32 at a time, through
//      one SDK client made as the bot makes its clients (createAwsClients) straight at the fake (no poller, no
//      store): what the fake and the SDK allow on this machine.
//   2. the highest rate any account-Region saw at the fake (requests in any 1-second window). Goal <= 2.
//   3. peak RSS of the 1,000-account pass divided by a 100-account organization's, polled (same Regions) pass after
//      pass for as long as the 1,000-account pass took. Goal <= 1.2. Same polling time, not one pass each: V8 raises
//      its old-space limit step by step at each major GC while a process allocates fast (towards about 4x what is
//      live), so one 100-account pass ends before its heap has grown as any poller's does within half a minute;
//      one pass each measured how long V8 had, not what the accounts cost. The first pass's peak is printed beside
//      it, and the heap still in use after a full GC at the end (what is kept from pass to pass) for both.
// Three rounds, the two sizes alternating; the figures are the rounds' medians, each round's shown.
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { createAwsClients } from '../src/aws/index.js';
import { ACCOUNT_ID, addMember, createFakeOrganization, FAKE_CREDENTIALS, startFakeAws, type FakeAws, type RecordedRequest } from '../test/fakes/aws/index.js';
import { figuresFromChild } from './child-figures.js';
import { loadLine, median, runConcurrently } from './stats.js';

const LATENCY_MS = 50;
const LARGE = 1_000;
const SMALL = 100;
const IN_FLIGHT = 32;
const LIMIT_PER_SECOND = 2;
// 17 Regions, as an account with every default Region enabled has.
const REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'sa-east-1'];

const ROUNDS = 3;

interface ChildFigures {
  accounts: number;
  passMs: number;
  cpuMs: number;
  firstPassPeakRssMb: number;
  passes: number;
  pollingMs: number;
  retainedHeapMb: number | null;
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

function pollInChild(url: string, pollForMs = 0): Promise<ChildFigures> {
  return figuresFromChild<ChildFigures>('org-poll-child.ts', [url, REGIONS.join(','), String(Math.round(pollForMs))], ['--expose-gc']);
}

/** One 1,000-account pass, its wall time against the floor and its rates at the fake, then the 100-account baseline polled as long. */
async function round(fake: FakeAws) {
  organizationOf(fake, LARGE);
  const large = await pollInChild(fake.url);
  const lookups = fake.requests.filter((request) => request.operation === 'LookupEvents');
  const throttledAnswers = lookups.filter((request) => request.errorCode === 'ThrottlingException').length;
  const { maxPerSecond, perAccountRegion } = observedRates(fake.requests);
  const mostCalls = Math.max(...[...perAccountRegion.values()].map((times) => times.length));
  const gateFloorMs = (lookups.length * LATENCY_MS) / large.maxInFlight;
  const limiterFloorMs = ((mostCalls - 1) * 1_000) / LIMIT_PER_SECOND + LATENCY_MS;
  const floorMs = Math.max(gateFloorMs, limiterFloorMs);
  organizationOf(fake, SMALL);
  const small = await pollInChild(fake.url, large.passMs);
  return { large, small, lookups: lookups.length, accountRegions: perAccountRegion.size, throttledAnswers, maxPerSecond, mostCalls, gateFloorMs, limiterFloorMs, floorMs, ratio: large.passMs / floorMs, rssRatio: large.peakRssMb / small.peakRssMb, firstPassRssRatio: large.peakRssMb / small.firstPassPeakRssMb };
}

const mb = (value: number | null) => (value === null ? '?' : value.toFixed(value < 100 ? 1 : 0));

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
    fake.faults.lookupEventsRateLimit = true;
    const rounds: Awaited<ReturnType<typeof round>>[] = [];
    for (let index = 0; index < ROUNDS; index += 1) rounds.push(await round(fake));
    // The round of the median pass time gives the pass's lines; every round's ratios are listed.
    const byTime = [...rounds].sort((left, right) => left.ratio - right.ratio);
    const mid = byTime[Math.floor(ROUNDS / 2)]!;
    const { large } = mid;

    // The baseline, without the rate limit (one client's calls all land in one account-Region).
    fake.faults.lookupEventsRateLimit = false;
    const bareMs = await bareCalls(fake, mid.lookups);
    const maxPerSecond = Math.max(...rounds.map((each) => each.maxPerSecond));
    const rssRatio = median(rounds.map((each) => each.rssRatio));
    const list = (pick: (each: (typeof rounds)[number]) => string) => rounds.map(pick).join(', ');

    const met = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
    return {
      lines: [
        `organization poll pass (fake AWS +${LATENCY_MS} ms per LookupEvents, ${LIMIT_PER_SECOND} requests/s per account-Region enforced, ${REGIONS.length} Regions, each size in a child process; ${ROUNDS} rounds)`,
        `  ${loadLine()}`,
        `  ${large.accounts} accounts x ${REGIONS.length} Regions (median round): ${(large.passMs / 1000).toFixed(1)} s, ${mid.lookups} LookupEvents calls (${mid.accountRegions} account-Regions, at most ${mid.mostCalls} in one), ${large.failedAccounts} accounts and ${large.failedRegions} Regions failed, ${mid.throttledAnswers} throttled answers (${large.throttleRetries} retries), pass CPU ${(large.cpuMs / 1000).toFixed(1)} s${large.errorSamples.length ? ` (${large.errorSamples.join(' | ')})` : ''}`,
        `  floor: max(${mid.lookups} calls x ${LATENCY_MS} ms / ${large.maxInFlight} in flight = ${(mid.gateFloorMs / 1000).toFixed(1)} s, one account-Region's ${mid.mostCalls} calls at ${LIMIT_PER_SECOND}/s = ${(mid.limiterFloorMs / 1000).toFixed(2)} s) = ${(mid.floorMs / 1000).toFixed(1)} s; ratio ${mid.ratio.toFixed(2)} (rounds ${list((each) => each.ratio.toFixed(2))}; goal <= 1.2) ${met(mid.ratio <= 1.2)}`,
        `  baseline, same run: ${mid.lookups} bare LookupEvents calls ${IN_FLIGHT} at a time through one SDK client (the bot's configuration): ${(bareMs / 1000).toFixed(1)} s (${(bareMs / mid.floorMs).toFixed(2)}x the floor: what this machine allows); the pass is ${(large.passMs / bareMs).toFixed(2)}x the baseline`,
        `  highest rate one account-Region saw at the fake: ${maxPerSecond} requests in a 1-second window, every round (goal <= ${LIMIT_PER_SECOND}) ${met(maxPerSecond <= LIMIT_PER_SECOND)}`,
        `  peak RSS, ${LARGE + 1} accounts' pass / ${SMALL + 1} accounts polled as long: ${list((each) => `${mb(each.large.peakRssMb)} / ${mb(each.small.peakRssMb)} MB (${each.small.passes} passes in ${(each.small.pollingMs / 1000).toFixed(1)} s)`)}; ratio ${rssRatio.toFixed(2)} (rounds ${list((each) => each.rssRatio.toFixed(2))}; goal <= 1.2) ${met(rssRatio <= 1.2)}`,
        `  for comparison, the ${SMALL + 1}-account first pass alone: ${list((each) => `${mb(each.small.firstPassPeakRssMb)} MB in ${(each.small.passMs / 1000).toFixed(1)} s`)}, ratio ${list((each) => each.firstPassRssRatio.toFixed(2))} (V8 had not grown its heap yet); heap in use after a full GC at the end: ${list((each) => `${mb(each.large.retainedHeapMb)} / ${mb(each.small.retainedHeapMb)} MB`)}`,
      ],
    };
  } finally {
    await fake.close();
  }
}
