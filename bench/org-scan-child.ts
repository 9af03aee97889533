// One organization scan in its own process, so its peak RSS is the scan's alone: lists the fake's organization (or
// the ids given), checks every account at the given concurrency, and prints one JSON line of figures.
//   node --import tsx bench/org-scan-child.ts <fake url> <concurrency> [comma-separated ids]
import { createAccountAccess, createAwsClients, readAccountsConfig } from '../src/aws/index.js';
import { assessAccounts } from '../src/posture/index.js';
import { FAKE_CREDENTIALS } from '../test/fakes/aws/index.js';

const [url, concurrencyArg, ids] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const { config, problems } = readAccountsConfig({ WATCH_ACCOUNTS: ids ?? 'organization' });
if (problems.length > 0) throw new Error(problems.join('; '));
const clientOptions = { region: 'us-east-1', endpoint: url!, credentials: FAKE_CREDENTIALS };
const self = createAwsClients(clientOptions);
const access = createAccountAccess({ self, clientOptions, config });

const listStarted = performance.now();
const watched = await access.listWatchedAccounts();
const listMs = performance.now() - listStarted;
let accounts = 0;
let failedAccounts = 0;
let errorFindings = 0;
const errorSamples: string[] = [];
const scanStarted = performance.now();
const cpuStarted = process.cpuUsage();
for await (const result of assessAccounts(watched.accounts, { access, posture: { rootUsedFailDays: 1, rootUsedWarnDays: 90, credentialReportMaxAgeHours: 4 }, concurrency, accountTimeoutMs: 120_000, managementAccountId: watched.managementAccountId })) {
  accounts += 1;
  if (!result.posture.ok) {
    failedAccounts += 1;
    if (errorSamples.length < 3) errorSamples.push(result.posture.error.message);
    continue;
  }
  for (const finding of result.posture.report.findings) {
    if (finding.status !== 'error') continue;
    errorFindings += 1;
    if (errorSamples.length < 3) errorSamples.push(`${finding.id}: ${finding.evidence}`);
  }
}
const scanMs = performance.now() - scanStarted;
const cpu = process.cpuUsage(cpuStarted);
const cpuMs = (cpu.user + cpu.system) / 1000;
access.close();
self.destroy();
// What the scan still holds once it is over: after a full collection (the parent runs this child with --expose-gc).
(globalThis as { gc?: () => void }).gc?.();
const retainedHeapMb = process.memoryUsage().heapUsed / 1024 / 1024;
// maxRSS is in kilobytes: the process's peak resident set over its whole life.
process.stdout.write(`${JSON.stringify({ listMs, scanMs, accounts, failedAccounts, errorFindings, errorSamples, cpuMs, retainedHeapMb, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
