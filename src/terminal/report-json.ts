// The JSON shape of `aws-root-guard check --json`. Scripts parse it: keep it stable, add fields only.
import type { PostureReport } from '../posture/model.js';

export interface PostureReportJson {
  account: { id: string; alias: string | null };
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

export function toReportJson(report: PostureReport): PostureReportJson {
  return {
    account: { id: report.account.id, alias: report.account.alias },
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
