// The posture report as a readable terminal table; colour only when the output is a TTY.
import type { FindingStatus, PostureReport } from '../posture/model.js';
import { maskSecrets } from '../secrets.js';

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

function paint(text: string, code: string, colour: boolean): string {
  return colour ? `\u001b[${code}m${text}\u001b[0m` : text;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function renderReportText(report: PostureReport, options: { colour: boolean }): string {
  const { colour } = options;
  const accountName = report.account.alias ? `${report.account.id} (${report.account.alias})` : report.account.id;
  const lines = [
    paint(`AWS root user posture: account ${accountName}`, '1', colour),
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

/** 0 when nothing fails, 1 when a finding fails, 2 when a check could not run (and none failed). */
export function exitCodeFor(report: PostureReport): 0 | 1 | 2 {
  if (report.findings.some((finding) => finding.status === 'fail')) return 1;
  if (report.findings.some((finding) => finding.status === 'error')) return 2;
  return 0;
}
