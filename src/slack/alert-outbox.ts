// What each outbox row says in Slack, rendered when it is sent so it shows the store's current state: alert posts
// and their updates, thread replies (further calls of a session, an escalation, the raw record), reminders and
// the weekly summary with its thread parts.
import type { KnownBlock } from '@slack/types';
import type { OutboxMessage, OutboxRenderer, RenderedMessage } from '../alerts/index.js';
import type { Store } from '../store/index.js';
import { messageFromLedger } from './blocks/summary.js';
import { renderRootAlert, slackDate, cloudTrailEventUrl } from './blocks/root-alert.js';
import { escapeMrkdwn, mrkdwn, truncate, untrustedMrkdwn } from './blocks/text.js';

const CODE_CHUNK = 2800;
const MAX_RECORD_SECTIONS = 12;
const MAX_LISTED_CALLS = 40;

export interface OutboxRendererOptions {
  /** Account aliases by account id, shown next to the id. */
  accountAlias?: (accountId: string) => string | null;
}

function alertMessage(row: OutboxMessage, store: Store, options: OutboxRendererOptions): RenderedMessage {
  const alert = row.alertId === null ? null : store.getAlert(row.alertId);
  if (!alert) throw new Error(`outbox row ${row.id}: alert ${row.alertId} is not in the store`);
  const events = store.listAlertEvents(alert.id).map((stored) => stored.event);
  return renderRootAlert(alert, events, { accountAlias: options.accountAlias?.(alert.accountId) ?? null });
}

function furtherCalls(row: OutboxMessage, store: Store): RenderedMessage {
  const escalation = row.payload.escalatedBy;
  if (typeof escalation === 'string') {
    const mention = typeof row.payload.mention === 'string' ? `${row.payload.mention} ` : '';
    const text = `${mention}:rotating_light: <@${escalation}> says this root activity was NOT them: treat it as an incident.`;
    return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
  }
  const eventIds = Array.isArray(row.payload.eventIds) ? row.payload.eventIds.filter((id): id is string => typeof id === 'string') : [];
  const lines = eventIds.slice(0, MAX_LISTED_CALLS).map((eventId) => {
    const stored = store.getEvent(eventId);
    if (!stored) return `• ${escapeMrkdwn(eventId)}`;
    const event = stored.event;
    const failed = event.errorCode ? ` — failed: ${untrustedMrkdwn(event.errorCode, 80)}` : '';
    return `• ${slackDate(event.eventTime)} ${untrustedMrkdwn(`${event.eventName} (${event.eventSource})`, 120)} in ${escapeMrkdwn(event.region)}${failed}`;
  });
  if (eventIds.length > MAX_LISTED_CALLS) lines.push(`… and ${eventIds.length - MAX_LISTED_CALLS} more`);
  const heading = `${eventIds.length} more root event${eventIds.length === 1 ? '' : 's'} joined this alert:`;
  return { text: heading, blocks: [{ type: 'section', text: mrkdwn(truncate(`${heading}\n${lines.join('\n')}`, 3000)) }] };
}

function reminder(row: OutboxMessage): RenderedMessage {
  const mention = typeof row.payload.mention === 'string' ? `${row.payload.mention} ` : '';
  const number = Number(row.payload.reminderNumber) || 1;
  const max = Number(row.payload.reminderMax) || number;
  const text = `${mention}:alarm_clock: Reminder ${number}/${max}: this root activity alert is still open. Acknowledge it if it was expected, or escalate it.`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

/** The full CloudTrail record in code blocks, masked and cut under Slack's limits. */
function eventRecord(row: OutboxMessage, store: Store): RenderedMessage {
  const eventId = String(row.payload.eventId ?? '');
  const stored = store.getEvent(eventId);
  if (!stored) return { text: `Event ${eventId} is no longer in the store.` };
  let pretty: string;
  try {
    pretty = JSON.stringify(JSON.parse(stored.rawRecord), null, 2);
  } catch {
    pretty = stored.rawRecord;
  }
  const escaped = escapeMrkdwn(pretty);
  const blocks: KnownBlock[] = [];
  for (let offset = 0; offset < escaped.length && blocks.length < MAX_RECORD_SECTIONS; offset += CODE_CHUNK) {
    blocks.push({ type: 'section', text: mrkdwn(`\`\`\`${escaped.slice(offset, offset + CODE_CHUNK)}\`\`\``) });
  }
  if (escaped.length > CODE_CHUNK * MAX_RECORD_SECTIONS) {
    blocks.push({ type: 'context', elements: [mrkdwn(`Cut here: the whole record is <${cloudTrailEventUrl(stored.event.region, eventId)}|in CloudTrail>.`)] });
  }
  const requestedBy = typeof row.payload.requestedBy === 'string' ? ` (asked by <@${row.payload.requestedBy}>)` : '';
  return { text: `CloudTrail record of event ${eventId}${requestedBy}`, blocks };
}

function summaryPart(row: OutboxMessage, store: Store): RenderedMessage {
  const weekKey = String(row.weekKey ?? row.payload.weekKey ?? '');
  const entry = store.getWeeklySummary(weekKey);
  if (!entry) throw new Error(`outbox row ${row.id}: the summary of ${weekKey} is not in the store`);
  return messageFromLedger(entry, row.kind === 'summary-reply' ? Number(row.payload.part) : null);
}

export function createOutboxRenderer(options: OutboxRendererOptions = {}): OutboxRenderer {
  return (row, store) => {
    switch (row.kind) {
      case 'alert-post':
      case 'alert-update':
        return alertMessage(row, store, options);
      case 'alert-reply':
        return furtherCalls(row, store);
      case 'reminder':
        return reminder(row);
      case 'event-record':
        return eventRecord(row, store);
      case 'summary-post':
      case 'summary-reply':
        return summaryPart(row, store);
    }
  };
}
