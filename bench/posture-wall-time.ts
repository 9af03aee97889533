// Posture wall time against the fake AWS adding 50 ms to every call, divided by the critical path:
// the credential report chain alone (GetCredentialReport -> GenerateCredentialReport -> GetCredentialReport
// while in progress), timed through the same SDK client in the same run. Goal: ratio <= 1.3.
import { GenerateCredentialReportCommand, GetCredentialReportCommand } from '@aws-sdk/client-iam';
import { createAwsClients } from '../src/aws/index.js';
import { gatherAccountFacts } from '../src/posture/index.js';
import { FAKE_CREDENTIALS, hardenedAccount, startFakeAws, type FakeAws } from '../test/fakes/aws/index.js';
import { formatMs, median } from './stats.js';

const LATENCY_MS = 50;
const RUNS = 7;
const IN_PROGRESS_POLLS = 1;
const POLLING = { initialDelayMs: 100 };

/** A stale report (6 h old) so every run regenerates it: the slowest honest path. */
function resetAccount(fake: FakeAws): void {
  fake.state = hardenedAccount();
  fake.state.credentialReport.generatedAt = new Date(Date.now() - 6 * 60 * 60 * 1000);
  fake.state.credentialReport.inProgressPolls = IN_PROGRESS_POLLS;
}

async function timeIt(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await task();
  return performance.now() - started;
}

export async function benchPostureWallTime(): Promise<{ ratio: number; lines: string[] }> {
  const fake = await startFakeAws({ latencyMs: LATENCY_MS });
  const clients = createAwsClients({ region: 'us-east-1', endpoint: fake.url, credentials: FAKE_CREDENTIALS });
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  try {
    const chainTimes: number[] = [];
    const gatherTimes: number[] = [];
    for (let run = 0; run < RUNS + 1; run += 1) {
      // Baseline: the credential report chain alone, the same calls and waits the gatherer makes.
      resetAccount(fake);
      const chain = await timeIt(async () => {
        await clients.iam.send(new GetCredentialReportCommand({})); // stale: read, then regenerated
        await clients.iam.send(new GenerateCredentialReportCommand({}));
        for (let poll = 0; ; poll += 1) {
          try {
            await clients.iam.send(new GetCredentialReportCommand({}));
            break;
          } catch {
            await sleep(POLLING.initialDelayMs * 2 ** poll);
          }
        }
      });
      resetAccount(fake);
      const gather = await timeIt(() => gatherAccountFacts(clients, { credentialReportMaxAgeHours: 4, credentialReportPolling: POLLING }));
      if (run > 0) {
        // The first run warms connections and JIT: not counted.
        chainTimes.push(chain);
        gatherTimes.push(gather);
      }
    }
    const chainMedian = median(chainTimes);
    const gatherMedian = median(gatherTimes);
    const ratio = gatherMedian / chainMedian;
    return {
      ratio,
      lines: [
        `posture wall time (fake AWS +${LATENCY_MS} ms per call, ${RUNS} runs, medians)`,
        `  credential report chain alone (baseline): ${formatMs(chainMedian)}`,
        `  full gather (every fact):                 ${formatMs(gatherMedian)}`,
        `  ratio: ${ratio.toFixed(2)} (goal <= 1.3) ${ratio <= 1.3 ? 'MET' : 'NOT MET'}`,
      ],
    };
  } finally {
    clients.destroy();
    await fake.close();
  }
}
