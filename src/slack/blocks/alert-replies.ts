// Thread replies under an alert: the root calls that joined it, an escalation that pages the responders, and the
// reminders for an alert nobody has acted on. Pure.
import type { KnownBlock } from '@slack/types';
import type { RootEvent } from '../../activity/model.js';
import { accountLabel, type AccountNameOf, type AlertRecord } from '../../alerts/index.js';
import { countedList } from './alert-group.js';
import { slackDate } from './alert-date.js';
import { userMention } from './alert-mention.js';
import { BLOCK_KIT_LIMITS } from './limits.js';
import type { SlackMessage } from './message.js';
import { packLines } from './alert-record.js';
import { mrkdwn, truncate, untrustedMrkdwn } from './text.js';

/** Calls listed one per line in one reply; a larger batch is counted, and each call is in CloudTrail. */
const FURTHER_CALLS_LISTED_MAX = 200;
/** Sections in one reply: the listed calls plus the heading and a trailing note stay under 50 blocks. */
const FURTHER_CALLS_SECTIONS_MAX = 40;

/** Whose calls these are: an alert of one account lists its own calls; a root session's lists its members'. */
export interface CallsContext {
  /** The alert's own account: a call in another account (a member of an AssumeRoot session) names its account. */
  alertAccountId?: string;
  accountName?: AccountNameOf;
}

function callLine(event: RootEvent, context: CallsContext): string {
  const failed = event.errorCode ? ` — *failed*: ${untrustedMrkdwn(event.errorCode, 80)}` : '';
  const from = event.sourceIp ? ` from ${untrustedMrkdwn(event.sourceIp, 60)}` : '';
  const member = context.alertAccountId !== undefined && event.accountId !== context.alertAccountId ? ` on member ${untrustedMrkdwn(accountLabel(event.accountId, context.accountName), 120)}` : '';
  return `• ${slackDate(event.eventTime, { seconds: true })} ${untrustedMrkdwn(`${event.eventName} (${event.eventSource})`, 150)}${member} in ${untrustedMrkdwn(event.region, 30)}${from}${failed}`;
}

/**
 * The events that joined an alert in one poll, in event time order. `missingEventIds`: ids the store no longer
 * holds (listed by id).
 */
export function renderFurtherCalls(events: readonly RootEvent[], missingEventIds: readonly string[] = [], context: CallsContext = {}): SlackMessage {
  const total = events.length + missingEventIds.length;
  const heading = `${total.toLocaleString('en-US')} more root event${total === 1 ? '' : 's'} joined this alert`;
  const blocks: KnownBlock[] = [];
  const summary = events.length > 1 ? `\nBy name: ${countedList(events.map((event) => event.eventName), 8)}` : '';
  blocks.push({ type: 'section', text: mrkdwn(truncate(`*${heading}*${summary}`, BLOCK_KIT_LIMITS.sectionText)) });

  const lines = [...events.slice(0, FURTHER_CALLS_LISTED_MAX).map((event) => callLine(event, context)), ...missingEventIds.slice(0, Math.max(0, FURTHER_CALLS_LISTED_MAX - events.length)).map((id) => `• ${untrustedMrkdwn(id, 80)} (no longer in the bot's store)`)];
  const sections = packLines(lines, BLOCK_KIT_LIMITS.sectionText);
  for (const section of sections.slice(0, FURTHER_CALLS_SECTIONS_MAX)) blocks.push({ type: 'section', text: mrkdwn(section) });
  const listed = sections.length <= FURTHER_CALLS_SECTIONS_MAX ? lines.length : sections.slice(0, FURTHER_CALLS_SECTIONS_MAX).reduce((sum, section) => sum + section.split('\n').length, 0);
  if (total > listed) blocks.push({ type: 'context', elements: [mrkdwn(`… and ${(total - listed).toLocaleString('en-US')} more, each in CloudTrail event history.`)] });
  return { text: heading, blocks };
}

export interface EscalationReply {
  escalatedBy: string;
  /** `<!subteam^S…>` of the responders, or null. */
  mention: string | null;
  /** The responders were paged for this alert a short while ago: by whom, and when (ISO). */
  pagedBefore?: { by: string; at: string } | null;
}

export function renderEscalation(reply: EscalationReply): SlackMessage {
  if (reply.pagedBefore) {
    const text = `:sos: ${userMention(reply.escalatedBy)} escalated this alert again. The responders were paged ${slackDate(reply.pagedBefore.at)} when ${userMention(reply.pagedBefore.by)} escalated it, and are not paged again so soon.`;
    return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
  }
  const page = reply.mention ? `${reply.mention} ` : '';
  const text = `${page}:sos: ${userMention(reply.escalatedBy)} says this root activity was *not* them or anyone expected: treat it as a security incident. Secure the root user (password, MFA, access keys) and look at what else it did.`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

export interface ReminderReply {
  reminderNumber: number;
  reminderMax: number;
  mention: string | null;
}

/**
 * A reminder is queued while the alert is open but rendered when it is sent: if someone acted in between, it says
 * so instead of paging anyone.
 */
export function renderReminder(reminder: ReminderReply, alert: Pick<AlertRecord, 'state' | 'stateBy' | 'createdAt' | 'postedAt'>): SlackMessage {
  const count = `${reminder.reminderNumber}/${Math.max(reminder.reminderNumber, reminder.reminderMax)}`;
  if (alert.state !== 'open') {
    const who = alert.stateBy ? ` by ${userMention(alert.stateBy)}` : '';
    const text = `Reminder ${count} withdrawn: this alert was ${alert.state === 'investigating' ? 'taken for investigation' : alert.state}${who} meanwhile.`;
    return { text, blocks: [{ type: 'context', elements: [mrkdwn(text)] }] };
  }
  const page = reminder.mention ? `${reminder.mention} ` : '';
  const since = slackDate(alert.postedAt ?? alert.createdAt);
  const text = `${page}:alarm_clock: Reminder ${count}: nobody has acted on this root activity alert since ${since}. Acknowledge it if it was expected, press Investigating if you are on it, or escalate it.`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}
