// /aws-root-check status: what the bot watches (accounts × Regions, by which source), what it could not read
// (with the action to fix) and what lags. Pure; folds long lists into a count.
import type { KnownBlock } from '@slack/types';
import { accountLabel } from '../../alerts/index.js';
import { ageText, coverageLine, coverageProblemLines, queueDetailLines, queueGapLines, queueText, type CoverageReport } from '../../activity/index.js';
import { packLines } from './alert-record.js';
import { BLOCK_KIT_LIMITS } from './limits.js';
import type { SlackMessage } from './message.js';
import { mrkdwn, truncate, untrustedMrkdwn } from './text.js';

/** Problem lines listed; the rest are counted (the JSON of `aws-root-guard status --json` has them all). */
const PROBLEM_LINES_MAX = 150;
const PROBLEM_SECTIONS_MAX = 40;
/** Accounts the events queue does not hear, listed after the problems (Slack allows 50 blocks in all). */
const QUEUE_GAP_LINES_MAX = 60;
const QUEUE_GAP_SECTIONS_MAX = 5;

export function renderCoverage(report: CoverageReport): SlackMessage {
  const now = new Date(report.generatedAt);
  const headline = `Coverage: ${coverageLine(report)}`;
  const sources = [`poller every ${ageText(report.pollIntervalSeconds)}${report.lastPassAt ? `, last pass ${ageText(Math.max(0, Math.round((now.getTime() - Date.parse(report.lastPassAt)) / 1000)))} ago` : ', no pass finished yet'}`];
  if (report.queue) {
    sources.push(`events queue: ${untrustedMrkdwn(queueText(report.queue, now), 600)}`);
    // The oldest message's age (CloudWatch) and the dead-letter queue: a line each, an AWS error may be long.
    for (const line of queueDetailLines(report.queue)) sources.push(untrustedMrkdwn(line, 600));
  }
  const facts = [
    `*${headline}*`,
    ...sources.map((line) => `• ${line}`),
    `• ${report.totals.failingRegions.toLocaleString('en-US')} account-Regions failing, ${report.totals.laggingRegions.toLocaleString('en-US')} lagging; ${report.unreadableRecords.toLocaleString('en-US')} unreadable records kept`,
  ];
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(truncate(facts.join('\n'), BLOCK_KIT_LIMITS.sectionText)) }];
  const problems = coverageProblemLines(report);
  if (problems.length > 0) {
    const lines = problems.slice(0, PROBLEM_LINES_MAX).map((line) => `• ${untrustedMrkdwn(accountLabel(line.accountId, () => line.name), 120)}${line.region ? ` ${untrustedMrkdwn(line.region, 30)}` : ''}: ${untrustedMrkdwn(line.text, 400)}`);
    pushListed(blocks, lines, problems.length, PROBLEM_SECTIONS_MAX);
  } else if (report.totals.accounts > 0) {
    blocks.push({ type: 'context', elements: [mrkdwn('Every watched account-Region was read in the last pass.')] });
  }
  const gaps = queueGapLines(report);
  if (gaps.length > 0) {
    blocks.push({ type: 'context', elements: [mrkdwn('*Not heard by the events queue* (the poller still reads them):')] });
    const lines = gaps.slice(0, QUEUE_GAP_LINES_MAX).map((line) => `• ${untrustedMrkdwn(accountLabel(line.accountId, () => line.name), 120)}: ${untrustedMrkdwn(line.text, 600)}`);
    pushListed(blocks, lines, gaps.length, QUEUE_GAP_SECTIONS_MAX);
  }
  return { text: headline, blocks };
}

/** The lines as sections (at most `maxSections`), then "… and N more" for what did not fit. */
function pushListed(blocks: KnownBlock[], lines: string[], total: number, maxSections: number): void {
  const sections = packLines(lines, BLOCK_KIT_LIMITS.sectionText).slice(0, maxSections);
  for (const section of sections) blocks.push({ type: 'section', text: mrkdwn(section) });
  const listed = sections.reduce((sum, section) => sum + section.split('\n').length, 0);
  if (total > listed) blocks.push({ type: 'context', elements: [mrkdwn(`… and ${(total - listed).toLocaleString('en-US')} more: \`aws-root-guard status --json\` lists them all.`)] });
}
