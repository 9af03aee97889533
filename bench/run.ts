// Runs every benchmark and prints its figures. `npm run bench`.
import { benchAckHelpLatency } from './ack-help-latency.js';
import { benchAckLatency } from './ack-latency.js';
import { benchAlertLatency } from './alert-latency.js';
import { benchCatchUp } from './catch-up.js';
import { benchClassifyThroughput } from './classify-throughput.js';
import { benchOrgScan } from './org-scan.js';
import { benchOrgPoll } from './org-poll.js';
import { benchQueueLatency } from './queue-latency.js';
import { benchReplicaLatency } from './replica-latency.js';
import { benchPostureWallTime } from './posture-wall-time.js';
import { benchHealthcheckProbe } from './healthcheck-probe.js';
import { benchStoreBackends } from './store-backends.js';

const benches: Array<[string, () => Promise<{ lines: string[] }>]> = [
  ['posture', benchPostureWallTime],
  ['ack', benchAckLatency],
  ['ack-help', benchAckHelpLatency],
  ['classify', benchClassifyThroughput],
  ['catch-up', benchCatchUp],
  ['alert-latency', benchAlertLatency],
  ['replica-latency', benchReplicaLatency],
  ['healthcheck', benchHealthcheckProbe],
  ['org-scan', benchOrgScan],
  ['org-poll', benchOrgPoll],
  ['queue-latency', benchQueueLatency],
  ['store-backends', benchStoreBackends],
];

const only = process.argv[2];
for (const [name, bench] of benches) {
  if (only && only !== name) continue;
  const result = await bench();
  console.log(result.lines.join('\n'));
  console.log();
}
