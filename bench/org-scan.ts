// Organization-wide scan against the fake AWS adding 50 ms to every call, the scan in a child process each time:
//   1. wall time of 1,000 member accounts at the default concurrency, divided by the floor that concurrency and the
//      per-account critical path allow (accounts x critical path / concurrency); the critical path is one account's
//      scan time measured alone, sequentially, in the same run. Goal <= 1.2.
//   2. peak RSS of the 1,000-account scan divided by the 100-account scan's. Goal <= 1.2.
//   3. with STS throttling above a rate (the fake answers Throttling past STS_RATE_LIMIT requests a second), the scan
//      finishes with zero errors and without a retry storm: STS requests counted against the minimum it needs.
import { ACCOUNTS_DEFAULTS } from '../src/aws/index.js';
import { ACCOUNT_ID, addMember, createFakeOrganization, startFakeAws, type FakeAws } from '../test/fakes/aws/index.js';
import { figuresFromChild } from './child-figures.js';
import { median } from './stats.js';

const LATENCY_MS = 50;
const LARGE = 1_000;
const SMALL = 100;
const PATH_SAMPLE = 5;
const THROTTLED_ACCOUNTS = 300;
/** Requests a second the fake STS answers before Throttling: below the scan's natural STS rate at concurrency 10. */
const STS_RATE_LIMIT = 20;

interface ChildFigures {
  listMs: number;
  scanMs: number;
  accounts: number;
  failedAccounts: number;
  errorFindings: number;
  errorSamples: string[];
  peakRssMb: number;
  cpuMs: number;
  retainedHeapMb: number;
}

function memberId(index: number): string {
  return String(300_000_000_000 + index);
}

function organizationOf(fake: FakeAws, members: number): void {
  fake.state.organizationsFeatures = { organizationId: 'o-exampleorgid1', enabledFeatures: ['RootCredentialsManagement', 'RootSessions'] };
  const organization = createFakeOrganization(ACCOUNT_ID);
  for (let index = 0; index < 10; index += 1) organization.units.push({ id: `ou-ex4m-unit000${index}`, name: `Unit ${index}`, parentId: organization.rootId });
  for (let index = 0; index < members; index += 1) addMember(organization, { id: memberId(index), parentId: `ou-ex4m-unit000${index % 10}` });
  fake.organization = organization;
  fake.requests.length = 0;
}

function scanInChild(url: string, concurrency: number, ids?: string[]): Promise<ChildFigures> {
  return figuresFromChild<ChildFigures>('org-scan-child.ts', [url, String(concurrency), ...(ids ? [ids.join(',')] : [])], ['--expose-gc']);
}

const stsRequests = (fake: FakeAws) => fake.requests.filter((request) => request.service === 'sts');

export async function benchOrgScan(): Promise<{ lines: string[] }> {
  const fake = await startFakeAws({ latencyMs: LATENCY_MS });
  const concurrency = ACCOUNTS_DEFAULTS.concurrency;
  try {
    // Critical path: PATH_SAMPLE accounts one after the other, three times, median per account.
    organizationOf(fake, LARGE);
    const pathSamples: number[] = [];
    for (let run = 0; run < 3; run += 1) {
      const figures = await scanInChild(fake.url, 1, Array.from({ length: PATH_SAMPLE }, (_, index) => memberId(100 + run * PATH_SAMPLE + index)));
      pathSamples.push(figures.scanMs / figures.accounts);
    }
    const criticalPathMs = median(pathSamples);

    organizationOf(fake, LARGE);
    const large = await scanInChild(fake.url, concurrency);
    const callsPerAccount = fake.requests.length / large.accounts;
    const floorMs = (large.accounts * criticalPathMs) / concurrency;
    const wallRatio = large.scanMs / floorMs;

    organizationOf(fake, SMALL);
    const small = await scanInChild(fake.url, concurrency);
    const rssRatio = large.peakRssMb / small.peakRssMb;

    organizationOf(fake, THROTTLED_ACCOUNTS);
    fake.faults.stsRatePerSecond = STS_RATE_LIMIT;
    const throttled = await scanInChild(fake.url, concurrency);
    fake.faults.stsRatePerSecond = null;
    const sts = stsRequests(fake);
    const throttledAnswers = sts.filter((request) => request.errorCode === 'Throttling').length;
    // GetCallerIdentity once, then AssumeRole and AssumeRoot for each member.
    const stsMinimum = 1 + 2 * THROTTLED_ACCOUNTS;
    const throttledErrors = throttled.failedAccounts + throttled.errorFindings;

    const met = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
    return {
      lines: [
        `organization scan (fake AWS +${LATENCY_MS} ms per call, concurrency ${concurrency}, each scan in a child process)`,
        `  critical path, one account alone (baseline, median of 3 x ${PATH_SAMPLE}): ${criticalPathMs.toFixed(0)} ms`,
        `  ${large.accounts} accounts: ${(large.scanMs / 1000).toFixed(1)} s (listing the organization first: ${(large.listMs / 1000).toFixed(1)} s), ${callsPerAccount.toFixed(1)} AWS calls per account, ${large.failedAccounts + large.errorFindings} errors, scan CPU ${(large.cpuMs / 1000).toFixed(1)} s`,
        `  floor (accounts x critical path / concurrency): ${(floorMs / 1000).toFixed(1)} s; ratio ${wallRatio.toFixed(2)} (goal <= 1.2) ${met(wallRatio <= 1.2)}`,
        `  peak RSS: ${large.peakRssMb.toFixed(0)} MB at ${large.accounts} accounts, ${small.peakRssMb.toFixed(0)} MB at ${small.accounts}; ratio ${rssRatio.toFixed(2)} (goal <= 1.2) ${met(rssRatio <= 1.2)}`,
        `  heap still used after the scan and a full GC: ${large.retainedHeapMb.toFixed(1)} MB at ${large.accounts} accounts, ${small.retainedHeapMb.toFixed(1)} MB at ${small.accounts}`,
        `  STS throttled above ${STS_RATE_LIMIT} requests/s, ${throttled.accounts} accounts: ${(throttled.scanMs / 1000).toFixed(1)} s, ${throttledErrors} errors ${met(throttledErrors === 0)}${throttled.errorSamples.length ? ` (${throttled.errorSamples.join(' | ')})` : ''}`,
        `    STS requests ${sts.length} for a minimum of ${stsMinimum} (${(sts.length / stsMinimum).toFixed(2)}x), ${throttledAnswers} answered Throttling`,
      ],
    };
  } finally {
    await fake.close();
  }
}
