// The posture report as a readable terminal table; colour only when the output is a TTY.
import type { FindingStatus, PostureReport } from '../posture/model.js';
import { maskSecrets } from '../secrets.js';
import { pad, paint } from './text-style.js';

const STATUS_LABEL: Record<FindingStatus, string> = {
  fail: 'FAIL',
  error: 'ERROR',
  warn: 'WARN',
  pass: 'PASS',
  'not-applicable': 'N/A',
};

// ANSI SGR codes per status: red, magenta, yellow, green, dim.
const STATUS_COLOUR: Record<FindingStatus, string> = {
  fail: '31',
  error: '35',
  warn: '33',
  pass: '32',
  'not-applicable': '2',
};

export function renderReportText(report: PostureReport, options: { colour: boolean }): string {
  const { colour } = options;
  const accountName = report.account.alias ? `${report.account.id} (${report.account.alias})` : report.account.id;
  // In an organization: its Organizations name and OU, as the Slack report's header shows them.
  const placement = [report.account.name, report.account.ouPath].filter((part): part is string => typeof part === 'string' && part.length > 0);
  const lines = [
    paint(`AWS root user posture: account ${accountName}${placement.map((part) => ` · ${part.replace(/\s+/g, ' ')}`).join('')}`, '1', colour),
    `Score: ${report.score.passed}/${report.score.total} passed · generated ${report.generatedAt}`,
    '',
  ];
  const idWidth = Math.max(...report.findings.map((finding) => finding.id.length), 2);
  for (const finding of report.findings) {
    const status = paint(pad(STATUS_LABEL[finding.status], 6), STATUS_COLOUR[finding.status], colour);
    lines.push(`${status} ${pad(finding.severity, 8)} ${pad(finding.id, idWidth)}  ${finding.title}`);
    // Evidence comes from AWS: never print a full access key id or a token, whatever a check wrote.
    lines.push(`${' '.repeat(16 + idWidth)}  ${maskSecrets(finding.evidence)}`);
    if (finding.status === 'fail' || finding.status === 'warn' || finding.status === 'error') {
      lines.push(`${' '.repeat(16 + idWidth)}  ${paint('Fix:', '1', colour)} ${finding.remediation.text} ${finding.remediation.url}`);
    }
  }
  if (report.findings.length === 0) lines.push('No checks ran.');
  return `${lines.join('\n')}\n`;
}
