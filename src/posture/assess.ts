// The posture pipeline end to end: gather facts from AWS (the only part that talks), then the pure checks.
import type { AwsClients } from '../aws/index.js';
import type { PostureConfig } from '../config.js';
import { gatherAccountFacts } from './facts.js';
import type { PostureReport } from './model.js';
import { runPosture } from './run-posture.js';

export async function assessAccount(clients: AwsClients, config: PostureConfig): Promise<PostureReport> {
  const facts = await gatherAccountFacts(clients, { credentialReportMaxAgeHours: config.credentialReportMaxAgeHours });
  return runPosture(facts, { rootUsedFailDays: config.rootUsedFailDays, rootUsedWarnDays: config.rootUsedWarnDays });
}
