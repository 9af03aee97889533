// `/aws-root-check alerts`: the alerts nobody acknowledged yet, most recent first, each linked to its message.
import type { KnownBlock } from '@slack/types';
import type { RootEvent } from '../../activity/model.js';
import type { AlertRecord } from '../../alerts/model.js';
import type { SlackMessage } from './message.js';
import { alertHeadline, slackDate } from './root-alert.js';
import { mrkdwn, truncate, untrustedMrkdwn } from './text.js';

const MAX_LISTED = 20;
const STATE_EMOJI: Record<AlertRecord['state'], string> = { open: ':red_circle:', investigating: ':mag:', escalated: ':rotating_light:', acknowledged: ':white_check_mark:' };

export interface OpenAlertLine {
  alert: AlertRecord;
  firstEvent: RootEvent | null;
  /** The alert message's permalink, or null while it is not posted yet. */
  permalink: string | null;
}

export function renderOpenAlerts(lines: readonly OpenAlertLine[], total: number): SlackMessage {
  if (total === 0) {
    const text = 'No open root activity alerts: every alert has been acknowledged.';
    return { text, blocks: [{ type: 'section', text: mrkdwn(`:white_check_mark: ${text}`) }] };
  }
  const heading = `${total} root activity alert${total === 1 ? '' : 's'} not acknowledged yet`;
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(`*${heading}*`) }];
  for (const { alert, firstEvent, permalink } of lines.slice(0, MAX_LISTED)) {
    const headline = untrustedMrkdwn(alertHeadline(alert, firstEvent, null), 400);
    const link = permalink ? `<${permalink}|open>` : 'not posted yet';
    const who = alert.stateBy ? ` by <@${alert.stateBy}>` : '';
    blocks.push({ type: 'section', text: mrkdwn(truncate(`${STATE_EMOJI[alert.state]} ${headline}\n${alert.state}${who} · since ${slackDate(alert.createdAt)} · ${link}`, 3000)) });
  }
  if (total > MAX_LISTED) blocks.push({ type: 'context', elements: [mrkdwn(`… and ${total - MAX_LISTED} more in the alert channel.`)] });
  return { text: heading, blocks };
}
