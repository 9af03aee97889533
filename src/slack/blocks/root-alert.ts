// The Slack message of a root activity alert, rendered from the store's current state every time it is posted or
// updated: what happened, where, from where, whether MFA was used, and who acted on it. Pure.
import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import type { RootEvent } from '../../activity/model.js';
import type { AlertRecord, AlertState } from '../../alerts/model.js';
import { alertTitle } from '../../alerts/title.js';
import type { SlackMessage } from './message.js';
import { escapeMrkdwn, mrkdwn, plainText, truncate, untrustedMrkdwn } from './text.js';
import { describeUserAgent } from './user-agent.js';

export const ALERT_ACKNOWLEDGE_ACTION_ID = 'alert_acknowledge';
export const ALERT_INVESTIGATE_ACTION_ID = 'alert_investigate';
export const ALERT_ESCALATE_ACTION_ID = 'alert_escalate';
export const ALERT_SHOW_EVENT_ACTION_ID = 'alert_show_event';

const SEVERITY_EMOJI: Record<string, string> = { critical: ':rotating_light:', high: ':warning:', medium: ':large_orange_diamond:', low: ':information_source:' };
const STATE_LABEL: Record<AlertState, string> = { open: 'Open', investigating: 'Investigating', acknowledged: 'Acknowledged', escalated: 'Escalated' };
const SECTION_TEXT_MAX = 3000;
const FIELD_MAX = 2000;

/** Slack shows this in the reader's own time zone; the fallback is UTC. */
export function slackDate(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  if (!Number.isFinite(seconds)) return escapeMrkdwn(iso);
  return `<!date^${seconds}^{date_short_pretty} {time_secs}|${iso}>`;
}

/** The event in the CloudTrail console's event history. */
export function cloudTrailEventUrl(region: string, eventId: string): string {
  return `https://${region}.console.aws.amazon.com/cloudtrail/home?region=${encodeURIComponent(region)}#/events/${encodeURIComponent(eventId)}`;
}

function mfaText(mfaUsed: boolean | null): string {
  return mfaUsed === true ? 'yes' : mfaUsed === false ? '*NO*' : 'unknown';
}

/** "Root console sign-in WITHOUT MFA — account 1234… (prod) — from 203.0.113.7, Firefox on macOS — us-east-1". */
export function alertHeadline(alert: AlertRecord, first: RootEvent | null, accountAlias: string | null): string {
  const what = alertTitle(alert, first);
  const account = `account ${alert.accountId}${accountAlias ? ` (${accountAlias})` : ''}`;
  const origin = first?.sourceIp ? `from ${first.sourceIp}, ${describeUserAgent(first.userAgent)}` : first ? describeUserAgent(first.userAgent) : null;
  return [what, account, origin, alert.region].filter(Boolean).join(' — ');
}

function button(text: string, actionId: string, alertId: number, style?: 'primary' | 'danger'): Button {
  return { type: 'button', text: plainText(text, 75), action_id: actionId, value: String(alertId), ...(style ? { style } : {}) };
}

function buttonsFor(alert: AlertRecord): ActionsBlock {
  const elements: Button[] = [];
  if (alert.state === 'open' || alert.state === 'investigating') elements.push(button('Acknowledge — expected', ALERT_ACKNOWLEDGE_ACTION_ID, alert.id, 'primary'));
  if (alert.state === 'open') elements.push(button('Investigating', ALERT_INVESTIGATE_ACTION_ID, alert.id));
  if (alert.state === 'open' || alert.state === 'investigating') elements.push(button('Not me — escalate', ALERT_ESCALATE_ACTION_ID, alert.id, 'danger'));
  elements.push(button('Show event', ALERT_SHOW_EVENT_ACTION_ID, alert.id));
  return { type: 'actions', block_id: `alert_actions_${alert.id}`, elements };
}

function stateLine(alert: AlertRecord): string | null {
  if (alert.state === 'open' || !alert.stateBy || !alert.stateAt) return null;
  const reason = alert.stateReason ? `: ${untrustedMrkdwn(alert.stateReason, 500)}` : '';
  return `*${STATE_LABEL[alert.state]}* by <@${alert.stateBy}> at ${slackDate(alert.stateAt)}${reason}`;
}

export interface AlertRenderContext {
  accountAlias?: string | null;
}

export function renderRootAlert(alert: AlertRecord, events: readonly RootEvent[], context: AlertRenderContext = {}): SlackMessage {
  const first = events[0] ?? null;
  const headline = alertHeadline(alert, first, context.accountAlias ?? null);
  const emoji = SEVERITY_EMOJI[alert.severity] ?? ':warning:';
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(`${emoji} *${untrustedMrkdwn(headline, 2500)}*`) }];

  if (first) {
    const fields = [
      `*Account*\n${escapeMrkdwn(alert.accountId)}${context.accountAlias ? ` (${untrustedMrkdwn(context.accountAlias, 100)})` : ''}`,
      `*Region*\n${escapeMrkdwn(first.region)}`,
      `*Event*\n${untrustedMrkdwn(`${first.eventName} (${first.eventSource})`, 300)}`,
      `*Time*\n${slackDate(first.eventTime)}`,
      `*Source IP*\n${untrustedMrkdwn(first.sourceIp ?? 'unknown', 100)}`,
      `*User agent*\n${untrustedMrkdwn(first.userAgent ?? 'unknown', 500)}`,
      `*MFA used*\n${mfaText(first.mfaUsed)}`,
      `*Severity*\n${alert.severity}`,
    ];
    if (first.errorCode) fields.push(`*Result*\nfailed: ${untrustedMrkdwn(first.errorCode, 200)}`);
    blocks.push({ type: 'section', fields: fields.slice(0, 10).map((field) => mrkdwn(truncate(field, FIELD_MAX))) });
    const notes: string[] = [];
    if (first.rootOnlyTask) notes.push(':white_check_mark: a task only root can do: expected root use, if planned');
    else notes.push('root use that an IAM role could have done');
    if (first.centralizedRootSession) notes.push(':key: inside a centralized-root (sts:AssumeRoot) session, not a person signed in as root');
    if (alert.eventCount > 1) notes.push(`${alert.eventCount} events from ${slackDate(alert.firstEventTime)} to ${slackDate(alert.lastEventTime)}: listed in the thread`);
    notes.push(`event <${cloudTrailEventUrl(first.region, first.eventId)}|${escapeMrkdwn(first.eventId)}> in CloudTrail`);
    blocks.push({ type: 'context', elements: [mrkdwn(truncate(notes.join(' · '), SECTION_TEXT_MAX))] });
  }

  const status = stateLine(alert);
  if (status) blocks.push({ type: 'section', text: mrkdwn(truncate(status, SECTION_TEXT_MAX)) });
  blocks.push(buttonsFor(alert));

  const stateSuffix = alert.state === 'open' ? '' : ` [${STATE_LABEL[alert.state]}${alert.stateBy ? ` by <@${alert.stateBy}>` : ''}]`;
  return { text: truncate(`${headline}${stateSuffix}`, SECTION_TEXT_MAX), blocks };
}
