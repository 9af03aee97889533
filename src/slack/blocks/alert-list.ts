// `/aws-root-check alerts`: the alerts nobody has acknowledged yet, oldest first, each with its state and a link
// to its message. Pure.
import type { KnownBlock } from '@slack/types';
import type { RootEvent } from '../../activity/model.js';
import type { AlertRecord } from '../../alerts/index.js';
import { SEVERITY_EMOJI } from './alert.js';
import { userMention } from './alert-mention.js';
import { slackDate } from './alert-date.js';
import { alertHeadline } from '../../alerts/index.js';
import { BLOCK_KIT_LIMITS } from './limits.js';
import type { SlackMessage } from './message.js';
import { mrkdwn, mrkdwnLink, truncate, untrustedMrkdwn } from './text.js';

/** Alerts listed one per section; the rest are counted (a message holds 50 blocks). */
export const ALERT_LIST_MAX = 20;
const STATE_TEXT: Readonly<Record<AlertRecord['state'], string>> = { open: 'nobody has acted', investigating: 'investigating', escalated: 'escalated', acknowledged: 'acknowledged' };

export interface OpenAlertLine {
  alert: AlertRecord;
  firstEvent: RootEvent | null;
  accountAlias?: string | null;
  /** The alert message's permalink, or null while it is not posted yet. */
  permalink: string | null;
}

export function renderOpenAlerts(lines: readonly OpenAlertLine[], total: number): SlackMessage {
  if (total === 0) {
    const text = 'No open root activity alerts: every alert has been acknowledged.';
    return { text, blocks: [{ type: 'section', text: mrkdwn(`:white_check_mark: ${text}`) }] };
  }
  const heading = `${total} root activity alert${total === 1 ? '' : 's'} not acknowledged yet`;
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(`*${heading}* (oldest first)`) }];
  for (const { alert, firstEvent, accountAlias, permalink } of lines.slice(0, ALERT_LIST_MAX)) {
    const headline = untrustedMrkdwn(alertHeadline(alert, firstEvent ? [firstEvent] : [], accountAlias ?? null), 600);
    const link = permalink ? mrkdwnLink(permalink, 'open the alert') : 'not posted yet';
    const who = alert.state !== 'open' && alert.stateBy ? ` by ${userMention(alert.stateBy)}` : '';
    const status = `${STATE_TEXT[alert.state]}${who} · first event ${slackDate(alert.firstEventTime)} · ${link}`;
    blocks.push({ type: 'section', text: mrkdwn(truncate(`${SEVERITY_EMOJI[alert.severity]} *${headline}*\n${status}`, BLOCK_KIT_LIMITS.sectionText)) });
  }
  if (total > ALERT_LIST_MAX) blocks.push({ type: 'context', elements: [mrkdwn(`… and ${total - ALERT_LIST_MAX} more in the alert channel.`)] });
  return { text: heading, blocks };
}
