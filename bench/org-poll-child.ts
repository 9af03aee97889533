// Organization poll passes in their own process, so its peak RSS is theirs alone: lists the fake's organization, then
// passes of the organization poller over every account x the given Regions into a fresh SQLite store, one after the
// other until <poll for ms> have gone by (one pass when 0), and prints one JSON line of figures: the first pass's
// time and CPU, peak RSS after the first pass and after the last, and (node --expose-gc) the heap still in use after
// a full GC at the end, what the poller keeps from pass to pass.
//   node [--expose-gc] --import tsx bench/org-poll-child.ts <fake url> <comma-separated Regions> [poll for ms]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccountAccess, createAwsClients, readAccountsConfig } from '../src/aws/index.js';
import { createOrganizationPoller, DEFAULT_MAX_REQUESTS_IN_FLIGHT } from '../src/activity/index.js';
import { createLogger } from '../src/log.js';
import { openSqliteStore } from '../src/store/index.js';
import { FAKE_CREDENTIALS } from '../test/fakes/aws/index.js';

const [url, regionsArg, pollForArg] = process.argv.slice(2);
const regions = regionsArg!.split(',');
const pollForMs = Number(pollForArg ?? 0);
const { config, problems } = readAccountsConfig({ WATCH_ACCOUNTS: 'organization' });
if (problems.length > 0) throw new Error(problems.join('; '));
// One attempt per call, as main.ts makes the poller's clients: every retry goes through the account-Region limiter.
const clientOptions = { region: 'us-east-1', endpoint: url!, credentials: FAKE_CREDENTIALS, maxAttempts: 1 };
const self = createAwsClients(clientOptions);
const access = createAccountAccess({ self, clientOptions, config });
const dataDir = mkdtempSync(join(tmpdir(), 'root-guard-org-poll-'));
const store = openSqliteStore({ dataDir });
let throttleRetries = 0;
const poller = createOrganizationPoller({
  accounts: access,
  sink: store,
  config: { schedule: '0 0 1 1 *', regions, overlapMinutes: 15, initialLookbackHours: 1 },
  logger: createLogger({ level: 'silent', secretValues: [] }),
  onIngested: () => undefined,
  // Each account's Region results come here as it finishes (main.ts feeds them to the metrics); the pass keeps less.
  onAccountPass: (accountPass) => {
    for (const region of accountPass.regions) throttleRetries += region.throttleRetries;
  },
});

// The organization is listed (and cached for the hour) before the clock starts: the pass is what is measured.
const watched = await access.listWatchedAccounts();
const started = performance.now();
const cpuStarted = process.cpuUsage();
const pass = await poller.pollOnce();
const passMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStarted);
const firstPassPeakRssMb = process.resourceUsage().maxRSS / 1024;
let passes = 1;
while (performance.now() - started < pollForMs) {
  await poller.pollOnce();
  passes += 1;
}
const pollingMs = performance.now() - started;
// What the poller keeps between passes (the account entries and their role credentials, the store's cursors).
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const retainedHeapMb = gc ? process.memoryUsage().heapUsed / 1048576 : null;
const failedRegions = pass.totals.failedRegions;
const errorSamples = pass.accounts.flatMap((account) => [...(account.error === null ? [] : [account.error]), ...account.failedRegions.map((failed) => `${failed.region}: ${failed.error.message}`)]).slice(0, 3);
await poller.stop();
await store.close();
access.close();
self.destroy();
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ accounts: watched.accounts.length, passMs, cpuMs: (cpu.user + cpu.system) / 1000, failedAccounts: pass.totals.failedAccounts, failedRegions, throttleRetries, errorSamples, maxInFlight: DEFAULT_MAX_REQUESTS_IN_FLIGHT, firstPassPeakRssMb, passes, pollingMs, peakRssMb: process.resourceUsage().maxRSS / 1024, retainedHeapMb })}\n`,
);
