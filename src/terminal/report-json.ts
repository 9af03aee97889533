// The JSON shape of `aws-root-guard check --json`. Scripts parse it: keep it stable, add fields only.
import type { AccountIdentity, PostureReport } from '../posture/model.js';

export interface PostureReportJson {
  /** name, ouId and ouPath: only for an account of an organization (WATCH_ACCOUNTS other than self). */
  account: { id: string; alias: string | null; name?: string | null; ouId?: string | null; ouPath?: string | null };
  generatedAt: string;
  score: { passed: number; total: number };
  findings: Array<{
    id: string;
    title: string;
    status: string;
    severity: string;
    evidence: string;
    remediation: { text: string; url: string };
    references: Array<{ label: string; url?: string }>;
  }>;
}

/** The account as scripts see it; Organizations' fields only when known, so a single account's shape is unchanged. */
export function accountJson(account: AccountIdentity): PostureReportJson['account'] {
  return {
    id: account.id,
    alias: account.alias,
    ...(account.name !== undefined ? { name: account.name } : {}),
    ...(account.ouId !== undefined ? { ouId: account.ouId } : {}),
    ...(account.ouPath !== undefined ? { ouPath: account.ouPath } : {}),
  };
}

export function toReportJson(report: PostureReport): PostureReportJson {
  return {
    account: accountJson(report.account),
    generatedAt: report.generatedAt,
    score: { passed: report.score.passed, total: report.score.total },
    findings: report.findings.map((finding) => ({
      id: finding.id,
      title: finding.title,
      status: finding.status,
      severity: finding.severity,
      evidence: finding.evidence,
      remediation: { text: finding.remediation.text, url: finding.remediation.url },
      references: finding.references.map((reference) => ({ ...reference })),
    })),
  };
}
