// WeeklySummary -> Block Kit. Pure. The top-level message always fits Block Kit's limits: it shows what needs
// attention first and folds the rest into counts; the full lists go to `threadDetails`, replies in its thread.
import type { ActionsBlock, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import {
  ALERT_KIND_LABEL,
  countSparkline,
  eventCountLines,
  eventCountsInline,
  formatDuration,
  formatScore,
  formatWeekRange,
  percent,
  plural,
  postureSourcePhrase,
  scoreChangePhrase,
  scoreSparkline,
  type AccountWeek,
  type UnacknowledgedAlert,
  type WeeklySummary,
} from '../../summary/index.js';
import { packLines } from './alert-record.js';
import { BLOCK_KIT_LIMITS } from './limits.js';
import type { SlackMessage } from './message.js';
import { escapeMrkdwn, mrkdwn, mrkdwnLink, plainText, truncate, untrustedMrkdwn } from './text.js';

/** The "Run checks now" button under a weekly summary. */
export const SUMMARY_RUN_CHECKS_ACTION_ID = 'summary_run_checks';

export interface RenderedWeeklySummary extends SlackMessage {
  /** Replies to post in the summary's thread, in order; empty when everything fits in the message. */
  threadDetails: SlackMessage[];
}

// How much the top-level message shows before folding into counts and the thread.
const ACCOUNTS_SHOWN = 10;
const ALERTS_SHOWN = 8;
const CHECK_FAILURES_SHOWN = 5;
const BUSIEST_ACCOUNTS_SHOWN = 5;
const TITLES_PER_CHANGE_LIST = 3;
// Budgets that keep one line well inside a 3000-character section.
const ROW_MAX = 700;
const TITLE_MAX = 120;
const ERROR_MAX = 300;
const HEADLINE_MAX = 150;
/** Thread replies: one title section, the rest line sections. */
const SECTIONS_PER_REPLY = BLOCK_KIT_LIMITS.blocksPerMessage - 1;

function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(truncate(text, BLOCK_KIT_LIMITS.sectionText)) };
}

function context(text: string): ContextBlock {
  return { type: 'context', elements: [mrkdwn(truncate(text, BLOCK_KIT_LIMITS.sectionText))] };
}

function accountName(account: AccountWeek['account']): string {
  const id = `\`${untrustedMrkdwn(account.id, 20)}\``;
  return account.alias ? `*${untrustedMrkdwn(account.alias, 80)}* ${id}` : id;
}

function titleList(titles: readonly string[]): string {
  const shown = titles.slice(0, TITLES_PER_CHANGE_LIST).map((title) => untrustedMrkdwn(title, TITLE_MAX));
  const more = titles.length - shown.length;
  return more > 0 ? `${shown.join('; ')} and ${more} more` : shown.join('; ');
}

/** One account in one line: name, score and change, trend, what changed, root activity. */
function accountRow(account: AccountWeek): string {
  const arrow = account.direction === 'up' ? ':arrow_up_small:' : account.direction === 'down' ? ':small_red_triangle_down:' : account.direction === 'unknown' ? ':warning:' : '•';
  const parts = [`${arrow} ${accountName(account.account)}  ${escapeMrkdwn(scoreChangePhrase(account))}  ${scoreSparkline(account.scoreTrend)}`];
  if (account.newlyFixed.length > 0) parts.push(`fixed: ${titleList(account.newlyFixed.map((change) => change.title))}`);
  if (account.newlyFailing.length > 0) parts.push(`*newly failing:* ${titleList(account.newlyFailing.map((change) => (change.from === null ? `${change.title} (new check)` : change.title)))}`);
  const stillToFix = account.stillFailing.length - account.newlyFailing.length;
  if (stillToFix > 0) parts.push(`${plural(stillToFix, 'finding')} still to fix`);
  if (account.events.total > 0) parts.push(plural(account.events.total, 'root event'));
  if (account.checkedFresh) parts.push('checked now (no snapshot yet)');
  return truncate(parts.join(' — '), ROW_MAX);
}

function alertRow(alert: UnacknowledgedAlert): string {
  const headline = alert.headline.trim() || ALERT_KIND_LABEL[alert.kind] || alert.kind;
  let link = untrustedMrkdwn(headline, HEADLINE_MAX);
  if (alert.message && 'permalink' in alert.message) link = mrkdwnLink(alert.message.permalink, truncate(headline, HEADLINE_MAX));
  else if (alert.message && /^[CDG][A-Z0-9]+$/.test(alert.message.channel)) link = `${link} in <#${alert.message.channel}>`;
  else if (!alert.message) link = `${link} (not posted yet)`;
  return `• ${link} · \`${untrustedMrkdwn(alert.accountId, 20)}\` · ${alert.state} for ${formatDuration(alert.ageMs)}`;
}

function checkFailureRow(failure: WeeklySummary['checksFailed'][number]): string {
  const code = failure.error.code ? `\`${untrustedMrkdwn(failure.error.code, 60)}\` ` : '';
  return `• ${accountName(failure.account)}: ${code}${untrustedMrkdwn(failure.error.message, ERROR_MAX)}`;
}

/** Packs lines into as few sections as fit 3000 characters each; a longer line is cut short, not split. */
function linesToSections(lines: readonly string[]): SectionBlock[] {
  return packLines(lines.map((line) => truncate(line, BLOCK_KIT_LIMITS.sectionText)), BLOCK_KIT_LIMITS.sectionText).map(section);
}

/** A full list as thread replies: each reply a title and at most 49 sections. */
function threadReplies(title: string, lines: readonly string[]): SlackMessage[] {
  const sections = linesToSections(lines);
  const replies: SlackMessage[] = [];
  for (let start = 0; start < sections.length; start += SECTIONS_PER_REPLY) replies.push({ text: '', blocks: sections.slice(start, start + SECTIONS_PER_REPLY) });
  return replies.map((reply, index) => {
    const heading = replies.length > 1 ? `${title} (${index + 1} of ${replies.length})` : title;
    return { text: heading, blocks: [section(`*${escapeMrkdwn(heading)}*`), ...reply.blocks] };
  });
}

function weekTitle(summary: WeeklySummary): string {
  return summary.window.partial ? `Root hygiene this week so far (from ${summary.window.firstDay})` : `Weekly root hygiene: ${formatWeekRange(summary.window)}`;
}

function runChecksButton(summary: WeeklySummary): ActionsBlock {
  return {
    type: 'actions',
    elements: [{ type: 'button', action_id: SUMMARY_RUN_CHECKS_ACTION_ID, text: plainText('Run checks now', BLOCK_KIT_LIMITS.buttonText), value: summary.window.weekKey }],
  };
}

function contextLine(summary: WeeklySummary): ContextBlock {
  const source = postureSourcePhrase(summary);
  const coverage = summary.coverage ? ` · Coverage: ${escapeMrkdwn(summary.coverage)}` : '';
  return context(`Week ${summary.window.weekKey}, Monday to Sunday in ${escapeMrkdwn(summary.window.timezone)} · ${plural(summary.totals.accounts, 'account')} watched${source ? ` · ${escapeMrkdwn(source)}` : ''}${coverage}`);
}

function quietWeekText(summary: WeeklySummary): string {
  const accounts = summary.accounts;
  let scores = '';
  if (accounts.length > 0 && accounts.length <= ACCOUNTS_SHOWN) {
    scores = `\nScores: ${accounts.map((account) => `${account.account.alias ? untrustedMrkdwn(account.account.alias, 80) : untrustedMrkdwn(account.account.id, 20)} ${account.score ? formatScore(account.score) : '?'}`).join(' · ')}`;
  } else if (summary.totals.score) {
    scores = `\nAll accounts together: ${formatScore(summary.totals.score)} checks passing (${percent(summary.totals.score)}).`;
  }
  const where = accounts.length === 1 ? 'the watched account' : `${plural(accounts.length, 'watched account')}`;
  const median = summary.acknowledgments.medianMs === null ? '' : `\nMedian time to acknowledge: ${formatDuration(summary.acknowledgments.medianMs)}.`;
  return `:sunny: *A quiet week.* No root activity, no open alerts and no change in posture across ${where}.${scores}${median}`;
}

function postureOverview(summary: WeeklySummary): string {
  const { totals } = summary;
  if (!totals.score) return '*Posture:* no account could be checked this week.';
  const since = totals.lastWeekScore ? `, last week ${formatScore(totals.lastWeekScore)}` : '';
  const movement = [
    totals.accountsUp ? `${totals.accountsUp} up` : '',
    totals.accountsDown ? `*${totals.accountsDown} down*` : '',
    totals.accountsSame ? `${totals.accountsSame} unchanged` : '',
  ].filter(Boolean);
  const changes = `${plural(totals.newlyFixed, 'finding')} fixed, ${totals.newlyFailing ? `*${plural(totals.newlyFailing, 'finding')} newly failing*` : 'none newly failing'}`;
  return [
    `*Posture:* ${formatScore(totals.score)} checks passing (${percent(totals.score)})${since} · 8 weeks ${scoreSparkline(summary.scoreTrend)}`,
    `${movement.length ? `Accounts: ${movement.join(', ')} · ` : ''}${changes}`,
  ].join('\n');
}

function activityBlocks(summary: WeeklySummary, busiest: readonly AccountWeek[], moreWithEvents: number): KnownBlock[] {
  const { events } = summary;
  const trend = `8 weeks ${countSparkline(summary.eventTrend)}`;
  if (events.total === 0) return [section(`*Root activity:* none this week · ${trend}`)];
  const lines = [`*Root activity:* ${plural(events.total, 'event')} · ${trend}`];
  if (events.centralizedRootSessionActions > 0) lines.push(`${plural(events.centralizedRootSessionActions, 'action')} ran in centralized-root sessions, not as a person signed in as root.`);
  if (busiest.length > 0) {
    const names = busiest.map((account) => `${accountName(account.account)} ${account.events.total.toLocaleString('en-US')}`).join(' · ');
    lines.push(`Most active: ${names}${moreWithEvents > 0 ? ` · and ${plural(moreWithEvents, 'more account')} (in the thread)` : ''}`);
  }
  const fields = eventCountLines(events).map((line) => mrkdwn(`${line.label}\n*${line.count.toLocaleString('en-US')}*`));
  return [section(lines.join('\n')), { type: 'section', fields }];
}

function alertsBlock(summary: WeeklySummary): SectionBlock {
  const alerts = summary.unacknowledgedAlerts;
  const { count, medianMs } = summary.acknowledgments;
  const median = medianMs === null ? 'No alert was acknowledged this week.' : `Median time to acknowledge: *${formatDuration(medianMs)}* (${plural(count, 'acknowledgment')}).`;
  if (alerts.length === 0) return section(`:white_check_mark: *No unacknowledged alerts.* ${median}`);
  const lines = [`:rotating_light: *${plural(alerts.length, 'alert')} not acknowledged* (oldest first)`];
  lines.push(...alerts.slice(0, ALERTS_SHOWN).map(alertRow));
  if (alerts.length > ALERTS_SHOWN) lines.push(`… and ${plural(alerts.length - ALERTS_SHOWN, 'more alert')}, listed in the thread.`);
  lines.push(median);
  // Rows are short, but a pathological headline must not push the section over its limit.
  return section(lines.join('\n'));
}

/** The weekly summary as one Slack message plus thread replies for whatever did not fit. */
export function renderWeeklySummary(summary: WeeklySummary): RenderedWeeklySummary {
  const title = weekTitle(summary);
  const header: KnownBlock = { type: 'header', text: plainText(title, BLOCK_KIT_LIMITS.headerText) };

  if (summary.empty) {
    return {
      text: `${title}: a quiet week, no root activity and no change in posture.`,
      blocks: [header, contextLine(summary), section(quietWeekText(summary)), runChecksButton(summary)],
      threadDetails: [],
    };
  }

  const blocks: KnownBlock[] = [header, contextLine(summary)];
  const threadDetails: SlackMessage[] = [];
  const failures = summary.checksFailed;
  if (failures.length > 0) {
    const all = failures.length === summary.totals.accounts;
    const lines = [`:warning: *The posture checks could not run* for ${all ? (failures.length === 1 ? 'the account' : `all ${failures.length} accounts`) : `${failures.length} of ${summary.totals.accounts} accounts`}, so ${failures.length === 1 ? 'its score is' : 'their scores are'} missing this week. Fix the access below and press *Run checks now*.`];
    lines.push(...failures.slice(0, CHECK_FAILURES_SHOWN).map(checkFailureRow));
    if (failures.length > CHECK_FAILURES_SHOWN) {
      lines.push(`… and ${plural(failures.length - CHECK_FAILURES_SHOWN, 'more account')}, listed in the thread.`);
      threadDetails.push(...threadReplies(`${title}: checks that could not run`, failures.map(checkFailureRow)));
    }
    blocks.push(section(lines.join('\n')));
  }

  blocks.push(section(postureOverview(summary)));
  const shownAccounts = summary.accounts.slice(0, ACCOUNTS_SHOWN);
  const foldedAccounts = summary.accounts.slice(ACCOUNTS_SHOWN);
  const accountLines = shownAccounts.map(accountRow);
  if (foldedAccounts.length > 0) {
    const up = foldedAccounts.filter((account) => account.direction === 'up').length;
    const down = foldedAccounts.filter((account) => account.direction === 'down').length;
    const rest = foldedAccounts.length - up - down;
    accountLines.push(`… and ${plural(foldedAccounts.length, 'more account')} (${[up ? `${up} up` : '', down ? `${down} down` : '', rest ? `${rest} unchanged or new` : ''].filter(Boolean).join(', ')}): every account is listed in the thread.`);
    threadDetails.push(...threadReplies(`${title}: all accounts`, summary.accounts.map(accountRow)));
  }
  blocks.push(...linesToSections(accountLines));
  blocks.push({ type: 'divider' });

  const withEvents = summary.accounts.filter((account) => account.events.total > 0).sort((a, b) => b.events.total - a.events.total);
  const busiest = withEvents.slice(0, BUSIEST_ACCOUNTS_SHOWN);
  blocks.push(...activityBlocks(summary, busiest, withEvents.length - busiest.length));
  if (withEvents.length > BUSIEST_ACCOUNTS_SHOWN) {
    threadDetails.push(...threadReplies(`${title}: root activity by account`, withEvents.map((account) => `• ${accountName(account.account)}: ${plural(account.events.total, 'event')}: ${eventCountsInline(account.events)}`)));
  }

  blocks.push({ type: 'divider' }, alertsBlock(summary));
  if (summary.unacknowledgedAlerts.length > ALERTS_SHOWN) {
    threadDetails.push(...threadReplies(`${title}: all unacknowledged alerts`, summary.unacknowledgedAlerts.map(alertRow)));
  }
  blocks.push(runChecksButton(summary));

  const textParts = [title];
  if (summary.totals.score) textParts.push(`${formatScore(summary.totals.score)} checks passing${summary.totals.lastWeekScore ? ` (last week ${formatScore(summary.totals.lastWeekScore)})` : ''}`);
  if (failures.length > 0) textParts.push(`checks could not run for ${plural(failures.length, 'account')}`);
  textParts.push(plural(summary.events.total, 'root event'), `${plural(summary.unacknowledgedAlerts.length, 'alert')} not acknowledged`);
  return { text: truncate(textParts.join(' · '), BLOCK_KIT_LIMITS.sectionText), blocks, threadDetails };
}

// ---- what the weekly summary ledger stores, and what the outbox posts from it ----

/** Stored once per week: the built summary (data) and its rendered top-level message, posted as is. */
export interface RecordedWeeklySummary {
  weekKey: string;
  summary: WeeklySummary;
  message: SlackMessage;
}

/** Renders once, at record time, so the post and its thread replies always come from the same rendering. */
export function ledgerRecord(summary: WeeklySummary): { summary: RecordedWeeklySummary; threadParts: SlackMessage[] } {
  const { threadDetails, ...message } = renderWeeklySummary(summary);
  return { summary: { weekKey: summary.window.weekKey, summary, message }, threadParts: threadDetails };
}

function isSlackMessage(value: unknown): value is SlackMessage {
  if (!value || typeof value !== 'object') return false;
  const candidate = value as { text?: unknown; blocks?: unknown };
  return typeof candidate.text === 'string' && candidate.text.trim() !== '' && Array.isArray(candidate.blocks);
}

/**
 * The message to post for a ledger entry: the top-level post (part null) or thread reply `part`. A row written by
 * another version that cannot be read still posts a plain line rather than nothing.
 */
export function messageFromLedger(entry: { weekKey: string; summary: unknown; threadParts: unknown[] }, part: number | null): { text: string; blocks?: KnownBlock[] } {
  if (part === null) {
    const message = (entry.summary as { message?: unknown } | null)?.message;
    if (isSlackMessage(message)) return message;
    return { text: `Weekly root hygiene summary ${entry.weekKey}: the stored message could not be read. Run \`aws-root-guard summary\` to see it.` };
  }
  const reply = entry.threadParts[part];
  if (isSlackMessage(reply)) return reply;
  return { text: `Part ${part + 1} of the details of ${entry.weekKey} could not be read.` };
}
