// The posture of every watched account, as the weekly summary wants it. Today the bot watches the account its
// credentials belong to; an account whose checks cannot start at all rejects, and the summary says why.
import type { AwsClients } from './aws/index.js';
import type { PostureConfig } from './config.js';
import { assessAccount } from './posture/index.js';
import type { AssessedAccount } from './summary/index.js';

export async function assessWatchedAccounts(aws: AwsClients, posture: PostureConfig): Promise<AssessedAccount[]> {
  const report = await assessAccount(aws, posture);
  return [{ account: report.account, posture: { ok: true, report } }];
}
