// One organization poll pass in its own process, so its peak RSS is the pass's alone: lists the fake's organization,
// then one pass of the organization poller over every account x the given Regions into a fresh SQLite store, and
// prints one JSON line of figures.
//   node --import tsx bench/org-poll-child.ts <fake url> <comma-separated Regions>
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccountAccess, createAwsClients, readAccountsConfig } from '../src/aws/index.js';
import { createOrganizationPoller, DEFAULT_MAX_REQUESTS_IN_FLIGHT } from '../src/activity/index.js';
import { createLogger } from '../src/log.js';
import { openSqliteStore } from '../src/store/index.js';
import { FAKE_CREDENTIALS } from '../test/fakes/aws/index.js';

const [url, regionsArg] = process.argv.slice(2);
const regions = regionsArg!.split(',');
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
const failedRegions = pass.totals.failedRegions;
const errorSamples = pass.accounts.flatMap((account) => [...(account.error === null ? [] : [account.error]), ...account.failedRegions.map((failed) => `${failed.region}: ${failed.error.message}`)]).slice(0, 3);
await poller.stop();
await store.close();
access.close();
self.destroy();
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ accounts: watched.accounts.length, passMs, cpuMs: (cpu.user + cpu.system) / 1000, failedAccounts: pass.totals.failedAccounts, failedRegions, throttleRetries, errorSamples, maxInFlight: DEFAULT_MAX_REQUESTS_IN_FLIGHT, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
