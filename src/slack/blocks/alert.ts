// The Slack message of a root activity alert, rendered from the store's current state every time it is posted or
// updated (chat.update): what happened, where, from where, whether MFA was used, who acted on it and when, and the
// buttons the current state allows. Pure; within Block Kit's limits whatever the events hold.
import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import type { RootEvent } from '../../activity/model.js';
import type { AlertAuditEntry, AlertRecord, AlertState } from '../../alerts/index.js';
import { ALERT_ACTION_IDS, ALERT_SHOW_EVENT_ACTION_ID, alertButtonValue, offeredAlertActions } from './alert-actions.js';
import { slackDate } from './alert-date.js';
import { summarizeAlertGroup } from './alert-group.js';
import { alertHeadline, type AccountNameOf } from '../../alerts/index.js';
import { cloudTrailEventUrl } from './alert-links.js';
import { describeUserAgent } from '../../alerts/index.js';
import { BLOCK_KIT_LIMITS } from './limits.js';
import { userMention } from './alert-mention.js';
import { maskSecrets } from './mask.js';
import type { SlackMessage } from './message.js';
import { escapeMrkdwn, mrkdwn, mrkdwnLink, plainText, truncate, untrustedMrkdwn } from './text.js';

export const SEVERITY_EMOJI: Readonly<Record<AlertRecord['severity'], string>> = {
  critical: ':rotating_light:',
  high: ':warning:',
  medium: ':large_orange_diamond:',
  low: ':information_source:',
};

const STATE_LABEL: Readonly<Record<AlertState, string>> = { open: 'Open', investigating: 'Investigating', acknowledged: 'Acknowledged', escalated: 'Escalated' };
const STATE_EMOJI: Readonly<Record<AlertState, string>> = { open: ':red_circle:', investigating: ':mag:', acknowledged: ':white_check_mark:', escalated: ':sos:' };
const BUTTON_LABEL = { acknowledge: 'Acknowledge — expected', investigate: 'Investigating', escalate: 'Not me — escalate' } as const;
const BUTTON_STYLE = { acknowledge: 'primary', investigate: undefined, escalate: 'danger' } as const;
/** State changes shown; older ones fold into a count (investigate and escalate can alternate). */
const HISTORY_SHOWN = 5;
/** The latest reason is shown up to the modal's 1000 characters, earlier ones shorter: five always fit a section. */
const LATEST_REASON_SHOWN = 1000;
const EARLIER_REASON_SHOWN = 200;

export interface AlertRenderContext {
  /** The account's alias (e.g. "prod"), shown next to its id. */
  accountAlias?: string | null;
  /** The alert's audit trail, oldest first: every state change is shown, not only the last. */
  audit?: readonly AlertAuditEntry[];
  /** Failed sign-ins that make a burst (FAILED_LOGIN_BURST_THRESHOLD). */
  failedLoginBurstThreshold?: number;
  /** Names of other accounts the headline mentions (an AssumeRoot session's member). */
  accountName?: AccountNameOf;
}

function button(text: string, actionId: string, alertId: number, style?: 'primary' | 'danger'): Button {
  return { type: 'button', text: plainText(text, BLOCK_KIT_LIMITS.buttonText), action_id: actionId, value: alertButtonValue(alertId), ...(style ? { style } : {}) };
}

function buttonsFor(alert: AlertRecord): ActionsBlock {
  const elements = offeredAlertActions(alert.state).map((action) => button(BUTTON_LABEL[action], ALERT_ACTION_IDS[action], alert.id, BUTTON_STYLE[action]));
  elements.push(button('Show event', ALERT_SHOW_EVENT_ACTION_ID, alert.id));
  return { type: 'actions', block_id: `alert_actions_${alert.id}`, elements };
}

function mfaText(event: RootEvent): string {
  if (event.mfaUsed === true) return event.kind === 'console-login-failure' ? 'yes (failed at the MFA step)' : 'yes';
  if (event.mfaUsed === false) return '*NO*';
  return 'unknown';
}

function fieldsOf(alert: AlertRecord, first: RootEvent, accountAlias: string | null): string[] {
  const grouped = alert.eventCount > 1;
  const client = describeUserAgent(first.userAgent);
  const rawAgent = first.userAgent && client !== first.userAgent ? `\n\`${untrustedMrkdwn(first.userAgent.replace(/`/g, "'"), 300)}\`` : '';
  const fields = [
    `*Account*\n${escapeMrkdwn(alert.accountId)}${accountAlias ? ` (${untrustedMrkdwn(accountAlias, 100)})` : ''}`,
    `*Region*\n${untrustedMrkdwn(first.region, 50)}`,
    `*Event*\n${untrustedMrkdwn(`${first.eventName} (${first.eventSource})`, 300)}`,
    `*${grouped ? 'First event at' : 'Time'}*\n${slackDate(first.eventTime, { seconds: true })}`,
    `*Source IP*\n${untrustedMrkdwn(first.sourceIp ?? 'unknown', 100)}`,
    `*User agent*\n${untrustedMrkdwn(client, 120)}${rawAgent}`,
    `*MFA used*\n${mfaText(first)}`,
    `*Severity*\n${SEVERITY_EMOJI[alert.severity]} ${alert.severity}`,
  ];
  // Shown masked (AKIA…XYZ1): enough to tell keys apart, useless to anyone who copies it.
  if (first.accessKeyId) fields.push(`*Access key*\n${untrustedMrkdwn(maskSecrets(first.accessKeyId), 40)}`);
  if (first.errorCode) fields.push(`*Result*\nfailed: ${untrustedMrkdwn(first.errorMessage ? `${first.errorCode}: ${first.errorMessage}` : first.errorCode, 300)}`);
  return fields.slice(0, BLOCK_KIT_LIMITS.sectionFields);
}

/** What kind of root use this is, for the responder: only a root-only task can be expected root use. */
function kindNote(event: RootEvent): string {
  if (event.kind === 'root-logging-disabled') return ':rotating_light: *Root turned off security logging or monitoring*: what happens next may not be recorded. Turn it back on, then look at everything else this session did.';
  if (event.kind === 'root-access-change') return ':warning: *Root changed who can do what in this account* (a policy, a user, a role, a key or a password): not expected root use. The record cannot tell a lockout restore from a back door: check the target and who asked for it.';
  if (event.rootOnlyTask) return ':white_check_mark: A task only root can do: *expected root use*, if someone planned it.';
  return 'Root use an IAM role could have done.';
}

function notesOf(alert: AlertRecord, first: RootEvent): string[] {
  const notes: string[] = [];
  notes.push(kindNote(first));
  if (first.centralizedRootSession) notes.push(':key: *Centralized root session*: an action inside an sts:AssumeRoot session from the management account, not a person signed in as root.');
  if (first.kind === 'console-login-failure' && first.mfaUsed === true && alert.eventCount === 1) notes.push(':warning: *The password was accepted*: the sign-in failed at the MFA step. Change the root password.');
  const link = cloudTrailEventUrl(first.region, first.eventId);
  const eventId = escapeMrkdwn(first.eventId);
  notes.push(`Event ${link ? mrkdwnLink(link, first.eventId) : `\`${eventId}\``}${link ? ' in CloudTrail' : ''} · alert #${alert.id}`);
  return notes;
}

interface StateChange {
  state: AlertState;
  userId: string;
  at: string;
  reason: string | null;
}

function stateChanges(alert: AlertRecord, audit: readonly AlertAuditEntry[] | undefined): StateChange[] {
  if (audit && audit.length > 0) return audit.map((entry) => ({ state: entry.toState, userId: entry.userId, at: entry.at, reason: entry.reason }));
  if (alert.state !== 'open' && alert.stateBy && alert.stateAt) return [{ state: alert.state, userId: alert.stateBy, at: alert.stateAt, reason: alert.stateReason }];
  return [];
}

function historyText(changes: readonly StateChange[]): string | null {
  if (changes.length === 0) return null;
  const shown = changes.slice(-HISTORY_SHOWN);
  const lines = shown.map((change, index) => {
    const reason = change.reason ? `: ${untrustedMrkdwn(change.reason, index === shown.length - 1 ? LATEST_REASON_SHOWN : EARLIER_REASON_SHOWN)}` : '';
    return `${STATE_EMOJI[change.state]} *${STATE_LABEL[change.state]}* by ${userMention(change.userId)} at ${slackDate(change.at)}${reason}`;
  });
  if (changes.length > shown.length) lines.unshift(`_${changes.length - shown.length} earlier change${changes.length - shown.length === 1 ? '' : 's'}_`);
  return lines.join('\n');
}

export function renderAlert(alert: AlertRecord, events: readonly RootEvent[], context: AlertRenderContext = {}): SlackMessage {
  const first = events[0] ?? null;
  const accountAlias = context.accountAlias ?? null;
  const headline = alertHeadline(alert, events, accountAlias, context.accountName);
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(truncate(`${SEVERITY_EMOJI[alert.severity]} *${untrustedMrkdwn(headline, 2500)}*`, BLOCK_KIT_LIMITS.sectionText)) }];

  if (first) {
    blocks.push({ type: 'section', fields: fieldsOf(alert, first, accountAlias).map((field) => mrkdwn(truncate(field, BLOCK_KIT_LIMITS.sectionFieldText))) });
    const group = summarizeAlertGroup(alert, events, context.failedLoginBurstThreshold);
    if (group.length > 0) blocks.push({ type: 'section', text: mrkdwn(truncate(group.join('\n'), BLOCK_KIT_LIMITS.sectionText)) });
    blocks.push({ type: 'context', elements: [mrkdwn(truncate(notesOf(alert, first).join('\n'), BLOCK_KIT_LIMITS.sectionText))] });
  } else {
    // The store lost the events (it should not): the alert still shows what it knows, and its buttons.
    blocks.push({ type: 'context', elements: [mrkdwn(`Alert #${alert.id}: the events of this alert are no longer in the bot's store.`)] });
  }

  const changes = stateChanges(alert, context.audit);
  const history = historyText(changes);
  if (history) blocks.push({ type: 'section', text: mrkdwn(truncate(history, BLOCK_KIT_LIMITS.sectionText)) });
  blocks.push(buttonsFor(alert));

  const last = changes.at(-1);
  const stateSuffix = alert.state === 'open' || !last ? '' : ` [${STATE_LABEL[alert.state]} by ${userMention(last.userId)}]`;
  // The fallback is mrkdwn too: record values are escaped, so a crafted user agent cannot write <!channel>.
  return { text: truncate(`${escapeMrkdwn(maskSecrets(headline))}${stateSuffix}`, BLOCK_KIT_LIMITS.sectionText), blocks };
}
