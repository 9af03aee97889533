// PostureReport -> Block Kit. Pure. Stays within Block Kit's limits for any report: with more findings than fit,
// passing ones fold into one summary line, and what still does not fit ends in "… and N more".
import type { ActionsBlock, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { Finding, FindingStatus, OverviewAccount, PostureReport } from '../../posture/index.js';
import { POSTURE_RUN_AGAIN_ACTION_ID, runAgainValue } from './action-ids.js';
import { BLOCK_KIT_LIMITS } from './limits.js';
import type { SlackMessage } from './message.js';
import { maskSecrets } from './mask.js';
import { SEVERITY_LABEL, STATUS_EMOJI, STATUS_LABEL } from './status.js';
import { escapeMrkdwn, mrkdwn, mrkdwnLink, plainText, truncate, untrustedMrkdwn } from './text.js';

// Budgets inside one finding's section: together well under the 3000-character section limit.
const TITLE_MAX = 200;
const EVIDENCE_MAX = 1200;
const REMEDIATION_MAX = 1000;
const REFERENCES_MAX = 300;
/** Header, score, generated-at context, divider, actions. */
const FIXED_BLOCKS = 5;
const FINDING_SLOTS = BLOCK_KIT_LIMITS.blocksPerMessage - FIXED_BLOCKS;
/** Passing and not-applicable findings are the ones that fold first: nothing to do about them. */
const FOLDABLE: ReadonlySet<FindingStatus> = new Set(['pass', 'not-applicable']);

/** "123456789012 (prod)", or with an organization's account "prod-eu 210987654321 · Root/Prod/EU". */
function accountLabel(account: PostureReport['account'], watched?: OverviewAccount): string {
  const known = watched && watched.id === account.id ? watched : null;
  const base = account.alias ? `${account.id} (${account.alias})` : account.id;
  if (!known?.name && !known?.ouPath) return base;
  return [known.name ? `${known.name} ${base}` : base, known.ouPath].filter(Boolean).join(' · ');
}

export interface ReportRenderOptions {
  /** The watched account as the organization names it: its name and OU go in the header; Run again re-runs it. */
  account?: OverviewAccount;
}

function countByStatus(findings: readonly Finding[]): Record<FindingStatus, number> {
  const counts: Record<FindingStatus, number> = { fail: 0, error: 0, warn: 0, pass: 0, 'not-applicable': 0 };
  for (const finding of findings) counts[finding.status] += 1;
  return counts;
}

function statusSummary(counts: Record<FindingStatus, number>): string {
  const parts: string[] = [];
  if (counts.fail) parts.push(`${counts.fail} failing`);
  if (counts.warn) parts.push(`${counts.warn} ${counts.warn === 1 ? 'warning' : 'warnings'}`);
  if (counts.error) parts.push(`${counts.error} could not be checked`);
  if (counts['not-applicable']) parts.push(`${counts['not-applicable']} not applicable`);
  return parts.join(', ');
}

/** Slack renders <!date^…> in each reader's own time zone; the fallback is the ISO time. */
function slackDate(iso: string): string {
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) return escapeMrkdwn(iso);
  return `<!date^${Math.floor(millis / 1000)}^{date_short_pretty} at {time}|${escapeMrkdwn(new Date(millis).toISOString())}>`;
}

function findingText(finding: Finding): string {
  const heading = `${STATUS_EMOJI[finding.status]} *${untrustedMrkdwn(finding.title, TITLE_MAX)}*  ·  ${SEVERITY_LABEL[finding.severity]}  ·  ${STATUS_LABEL[finding.status]}`;
  const evidence = finding.evidence.trim() ? untrustedMrkdwn(finding.evidence, EVIDENCE_MAX) : '_no evidence recorded_';
  const docs = mrkdwnLink(finding.remediation.url, 'AWS docs');
  const remediation = FOLDABLE.has(finding.status)
    ? docs
    : `*Fix:* ${untrustedMrkdwn(finding.remediation.text, REMEDIATION_MAX)} ${docs}`;
  const lines = [heading, evidence, remediation];
  if (finding.references.length > 0) {
    lines.push(`_${untrustedMrkdwn(finding.references.map((reference) => reference.label).join(' · '), REFERENCES_MAX)}_`);
  }
  return truncate(lines.join('\n'), BLOCK_KIT_LIMITS.sectionText);
}

function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(truncate(text, BLOCK_KIT_LIMITS.sectionText)) };
}

function idList(findings: readonly Finding[], budget: number): string {
  const ids = findings.map((finding) => `\`${escapeMrkdwn(finding.id.replace(/`/g, "'"))}\``);
  let listed = '';
  for (let index = 0; index < ids.length; index += 1) {
    const remaining = ids.length - index;
    const next = listed ? `${listed}, ${ids[index]}` : (ids[index] ?? '');
    const moreNote = ` … and ${remaining - 1} more`;
    if (next.length + (remaining > 1 ? moreNote.length : 0) > budget) return `${listed} … and ${remaining} more`;
    listed = next;
  }
  return listed;
}

/** Findings to show one per section, plus the blocks that summarize the rest. */
function findingBlocks(findings: readonly Finding[]): KnownBlock[] {
  if (findings.length <= FINDING_SLOTS) return findings.map((finding) => section(findingText(finding)));

  const folded = findings.filter((finding) => FOLDABLE.has(finding.status));
  const attention = findings.filter((finding) => !FOLDABLE.has(finding.status));
  const blocks: KnownBlock[] = [];
  const slots = FINDING_SLOTS - (folded.length > 0 ? 1 : 0);
  const shown = attention.length <= slots ? attention : attention.slice(0, slots - 1);
  blocks.push(...shown.map((finding) => section(findingText(finding))));
  const hidden = attention.slice(shown.length);
  if (hidden.length > 0) {
    const prefix = `… and ${hidden.length} more ${hidden.length === 1 ? 'finding' : 'findings'} needing attention, not shown here (run \`aws-root-guard check\` in a terminal for the full report): `;
    blocks.push(section(`${prefix}${idList(hidden, BLOCK_KIT_LIMITS.sectionText - prefix.length)}`));
  }
  if (folded.length > 0) {
    const counts = countByStatus(folded);
    const parts = [];
    if (counts.pass) parts.push(`${STATUS_EMOJI.pass} *${counts.pass} passed*`);
    if (counts['not-applicable']) parts.push(`${STATUS_EMOJI['not-applicable']} *${counts['not-applicable']} not applicable*`);
    const prefix = `${parts.join(' and ')} (folded to fit in one message): `;
    blocks.push(section(`${prefix}${idList(folded, BLOCK_KIT_LIMITS.sectionText - prefix.length)}`));
  }
  return blocks;
}

/** The posture report as a Slack message: header, score, every finding in the given order, a "Run again" button. */
export function renderPostureReport(report: PostureReport, options: ReportRenderOptions = {}): SlackMessage {
  const account = accountLabel(report.account, options.account);
  const counts = countByStatus(report.findings);
  const { passed, total } = report.score;
  const summary = statusSummary(counts);

  const scoreText = report.findings.length === 0
    ? '*No checks ran.* The report has no findings: check the bot\'s log.'
    : `*Score: ${passed}/${total} passed*${summary ? `  ·  ${summary}` : ''}`;
  const generated: ContextBlock = {
    type: 'context',
    elements: [mrkdwn(`Checked ${slackDate(report.generatedAt)}  ·  account ${escapeMrkdwn(account)}`)],
  };
  const actions: ActionsBlock = {
    type: 'actions',
    elements: [{ type: 'button', action_id: POSTURE_RUN_AGAIN_ACTION_ID, text: plainText('Run again', BLOCK_KIT_LIMITS.buttonText), value: runAgainValue(options.account?.id) }],
  };
  const blocks: KnownBlock[] = [
    { type: 'header', text: plainText(`AWS root posture: ${account}`, BLOCK_KIT_LIMITS.headerText) },
    section(scoreText),
    generated,
    { type: 'divider' },
    ...findingBlocks(report.findings),
    actions,
  ];
  const text = truncate(
    `AWS root posture for ${account}: ${passed}/${total} passed${summary ? `, ${summary}` : ''}`.replace(/\s+/g, ' '),
    BLOCK_KIT_LIMITS.sectionText,
  );
  return { text: maskSecrets(text), blocks };
}
