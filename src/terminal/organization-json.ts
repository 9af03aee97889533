// The JSON shape of `aws-root-guard check --all --json`: every watched account with its report or why it has none,
// when the run was made, and the overview's totals. Scripts parse it: keep it stable, add fields only.
import type { AccountIdentity, AccountRunError, AssessedAccount, OverviewTotals } from '../posture/index.js';
import { maskSecrets } from '../secrets.js';
import { accountJson, toReportJson, type PostureReportJson } from './report-json.js';

export type OrganizationAccountJson =
  | { account: PostureReportJson['account']; report: PostureReportJson }
  | { account: PostureReportJson['account']; error: AccountRunError };

export interface OrganizationReportJson {
  accounts: OrganizationAccountJson[];
  generatedAt: string;
  totals: OverviewTotals;
  /** Accounts the scope named but left out (suspended, closed), and why. */
  skipped: Array<{ id: string; name: string | null; status: string; reason: string }>;
}

export interface OrganizationJsonInput {
  /** In the order to print (the overview's: worst first). */
  assessed: readonly AssessedAccount[];
  generatedAt: string;
  totals: OverviewTotals;
  skipped: OrganizationReportJson['skipped'];
}

function organizationAccount(account: AccountIdentity): PostureReportJson['account'] {
  // Every account of an organization carries its placement, null when unknown, so the array's items all look alike.
  return { name: null, ouId: null, ouPath: null, ...accountJson(account) };
}

export function toOrganizationJson(input: OrganizationJsonInput): OrganizationReportJson {
  return {
    accounts: input.assessed.map((entry): OrganizationAccountJson => {
      const account = organizationAccount(entry.posture.ok ? entry.posture.report.account : entry.account);
      if (entry.posture.ok) return { account, report: { ...toReportJson(entry.posture.report), account } };
      const { message, code } = entry.posture.error;
      return { account, error: { message: maskSecrets(message), ...(code ? { code } : {}) } };
    }),
    generatedAt: input.generatedAt,
    totals: { ...input.totals },
    skipped: input.skipped.map((account) => ({ ...account })),
  };
}
