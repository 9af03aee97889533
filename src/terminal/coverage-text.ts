// `aws-root-guard status` in a terminal: the coverage headline, the sources, every account with its Regions'
// reading age, then what could not be read or lags, then the accounts the events queue does not hear. Text we did not write is stripped of control characters.
import { ageText, coverageLine, coverageProblemLines, queueDetailLines, queueGapLines, queueText, type CoverageReport } from '../activity/index.js';
import { cleanTerminalText as clean } from '../summary/index.js';

function label(accountId: string, name: string | null): string {
  return name ? `${clean(name)} (${accountId})` : accountId;
}

export function renderCoverageText(report: CoverageReport): string {
  const now = new Date(report.generatedAt);
  const lines = [`Coverage: ${coverageLine(report)}`, ''];
  lines.push(`Poller: every ${ageText(report.pollIntervalSeconds)}; ${report.lastPassAt ? `last pass ${ageText(Math.max(0, Math.round((now.getTime() - Date.parse(report.lastPassAt)) / 1000)))} ago (${report.lastPassAt})` : 'no pass finished yet (is the bot running on this DATA_DIR?)'}`);
  lines.push(`Events queue: ${report.queue ? `${clean(report.queue.queueUrl)}: ${clean(queueText(report.queue, now))}` : 'not set (EVENTS_QUEUE_URL)'}`);
  for (const line of report.queue ? queueDetailLines(report.queue) : []) lines.push(`  ${clean(line)}`);
  lines.push(`Unreadable records kept: ${report.unreadableRecords.toLocaleString('en-US')}`);
  lines.push('', 'Accounts (source; Regions: age of the last reading):');
  for (const account of report.accounts) {
    const regions = account.regions.map((region) => `${region.region} ${region.problem ? 'FAILING' : region.cursorAgeSeconds === null ? 'never' : ageText(region.cursorAgeSeconds)}`).join(', ');
    lines.push(`  ${label(account.accountId, account.name)} [${account.sources.join('+')}]${account.unreadable ? ' COULD NOT BE READ' : ''}: ${regions || 'no Region read'}`);
  }
  const problems = coverageProblemLines(report);
  if (problems.length > 0) {
    lines.push('', 'Could not be read, or lagging:');
    for (const problem of problems) lines.push(`  ${label(problem.accountId, problem.name)}${problem.region ? ` ${problem.region}` : ''}: ${clean(problem.text)}`);
  }
  const gaps = queueGapLines(report);
  if (gaps.length > 0) {
    lines.push('', 'Not heard by the events queue (the poller still reads them):');
    for (const gap of gaps) lines.push(`  ${label(gap.accountId, gap.name)}: ${clean(gap.text)}`);
  }
  return `${lines.join('\n')}\n`;
}
