// The weekly summary for a terminal (`aws-root-guard summary`): everything, unfolded; colour only on a TTY.
import type { AccountWeek, UnacknowledgedAlert, WeeklySummary } from './model.js';
import {
  ALERT_KIND_LABEL,
  accountLabel,
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
} from './format.js';

// ANSI SGR: bold, red, green, yellow, dim.
const STYLE = { bold: '1', red: '31', green: '32', yellow: '33', dim: '2' } as const;

type Paint = (text: string, style: keyof typeof STYLE) => string;

function painter(colour: boolean): Paint {
  return (text, style) => (colour ? `\u001b[${STYLE[style]}m${text}\u001b[0m` : text);
}

// Text we did not write (aliases, titles, AWS messages) must not move the cursor or recolour the terminal.
export function clean(text: string): string {
  return text
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

function accountLines(account: AccountWeek, paint: Paint): string[] {
  const phrase = scoreChangePhrase(account);
  const styled = account.direction === 'down' ? paint(phrase, 'red') : account.direction === 'up' ? paint(phrase, 'green') : phrase;
  const lines = [`  ${clean(accountLabel(account.account))}  ${styled}  ${scoreSparkline(account.scoreTrend)}${checkedNote(account)}`];
  if (account.checksError) {
    const code = account.checksError.code ? `${clean(account.checksError.code)}: ` : '';
    lines.push(`      ${paint('checks could not run:', 'red')} ${code}${clean(account.checksError.message)}`);
  }
  if (account.newlyFixed.length > 0) lines.push(`      ${paint('fixed:', 'green')} ${account.newlyFixed.map((change) => clean(change.title)).join('; ')}`);
  if (account.newlyFailing.length > 0) {
    lines.push(`      ${paint('newly failing:', 'red')} ${account.newlyFailing.map((change) => `${clean(change.title)}${change.from === null ? ' (new check)' : ''}`).join('; ')}`);
  }
  const stillFailing = account.stillFailing.filter((finding) => !account.newlyFailing.some((change) => change.id === finding.id));
  if (stillFailing.length > 0) lines.push(`      ${paint('still to fix:', 'yellow')} ${stillFailing.map((finding) => clean(finding.title)).join('; ')}`);
  if (account.events.total > 0) lines.push(`      root activity: ${eventCountsInline(account.events)}`);
  return lines;
}

/** How old this account's posture is: "checked 3 h ago", or "checked now (no snapshot yet)". */
function checkedNote(account: AccountWeek): string {
  if (account.checkedFresh) return '  (checked now: no snapshot yet)';
  return typeof account.checkedAgeMs === 'number' ? `  (checked ${formatDuration(account.checkedAgeMs)} ago)` : '';
}

function alertLine(alert: UnacknowledgedAlert): string {
  const headline = clean(alert.headline) || ALERT_KIND_LABEL[alert.kind] || clean(alert.kind);
  let where = 'not posted yet';
  if (alert.message) where = 'permalink' in alert.message ? alert.message.permalink : `channel ${alert.message.channel}, ts ${alert.message.ts}`;
  return `  #${clean(alert.alertId)}  ${alert.createdAt}  ${clean(alert.accountId)}  ${headline}  (${alert.state}, ${formatDuration(alert.ageMs)} old)  ${clean(where)}`;
}

export function renderWeeklySummaryText(summary: WeeklySummary, options: { colour: boolean }): string {
  const paint = painter(options.colour);
  const { window, totals, events } = summary;
  const title = window.partial ? `Root hygiene this week so far: from ${window.firstDay}` : `Weekly root hygiene: ${formatWeekRange(window)}`;
  const source = postureSourcePhrase(summary);
  const lines = [paint(title, 'bold'), `Week ${window.weekKey}, Monday to Sunday in ${clean(window.timezone)} · ${plural(totals.accounts, 'account')} watched${source ? ` · ${source}` : ''}`];
  if (summary.coverage) lines.push(`Coverage: ${clean(summary.coverage)}`);
  lines.push('');

  if (totals.score) {
    const since = totals.lastWeekScore ? `, last week ${formatScore(totals.lastWeekScore)}` : '';
    lines.push(`Posture: ${formatScore(totals.score)} checks passing (${percent(totals.score)})${since} · 8-week trend ${scoreSparkline(summary.scoreTrend)}`);
  }
  if (summary.empty) {
    lines.push(paint('A quiet week: no root activity, no open alerts and no change in posture.', 'green'), '');
  }

  if (summary.checksFailed.length > 0) {
    lines.push('', paint(`Checks could not run for ${plural(summary.checksFailed.length, 'account')}:`, 'red'));
    for (const failure of summary.checksFailed) {
      const code = failure.error.code ? `${clean(failure.error.code)}: ` : '';
      lines.push(`  ${clean(accountLabel(failure.account))}: ${code}${clean(failure.error.message)}`);
    }
  }

  if (!summary.empty) {
    lines.push('', paint('Accounts', 'bold'));
    lines.push(`  ${totals.accountsUp} up, ${totals.accountsDown} down, ${totals.accountsSame} unchanged · ${plural(totals.newlyFixed, 'finding')} fixed, ${plural(totals.newlyFailing, 'finding')} newly failing`);
    for (const account of summary.accounts) lines.push(...accountLines(account, paint));

    lines.push('', `${paint('Root activity', 'bold')}: ${plural(events.total, 'event')} · 8-week trend ${countSparkline(summary.eventTrend)} (${summary.eventTrend.join(', ')})`);
    const width = Math.max(...eventCountLines(events).map((line) => line.label.length));
    for (const line of eventCountLines(events)) lines.push(`  ${line.label.padEnd(width)}  ${line.count.toLocaleString('en-US')}`);
    if (events.centralizedRootSessionActions > 0) lines.push(`  (${plural(events.centralizedRootSessionActions, 'action')} in centralized-root sessions, not a person signed in as root)`);

    lines.push('', `${paint('Unacknowledged alerts', 'bold')}: ${summary.unacknowledgedAlerts.length.toLocaleString('en-US')}`);
    for (const alert of summary.unacknowledgedAlerts) lines.push(alertLine(alert));
  }
  const { count, medianMs } = summary.acknowledgments;
  lines.push(medianMs === null ? 'No alert was acknowledged this week.' : `Median time to acknowledge: ${formatDuration(medianMs)} over ${plural(count, 'acknowledgment')}`);
  return `${lines.join('\n')}\n`;
}
