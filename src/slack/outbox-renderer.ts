// What each outbox row says in Slack, rendered when the sender sends it, from the store's state at that moment: an
// alert post and its chat.update after a state change show the same current state; thread replies list the calls
// that joined, page the responders on escalation or reminder, or show the raw record; the weekly summary and its
// thread parts are posted as its ledger recorded them. The sender calls this inside a read transaction.
import type { RootEvent } from '../activity/model.js';
import type { OutboxMessage, OutboxRenderer, RenderedMessage } from '../alerts/index.js';
import type { Store } from '../store/index.js';
import { renderAlert } from './blocks/alert.js';
import { storedUsergroupMention } from './blocks/alert-mention.js';
import { renderEventRecord } from './blocks/alert-record.js';
import { renderEscalation, renderFurtherCalls, renderReminder } from './blocks/alert-replies.js';
import { messageFromLedger } from './blocks/summary.js';
import { postureAlertPayload, renderPostureAlert } from './blocks/posture-alert.js';

export interface OutboxRendererOptions {
  /** The alias of an account (e.g. "prod"), shown next to its id; null when it has none. */
  accountAlias?: (accountId: string) => string | null;
  /** Names of the organization's accounts, for an AssumeRoot alert's member ("prod-eu (210987654321)"). */
  accountName?: (accountId: string) => string | null;
  /** Failed sign-ins that make a burst (FAILED_LOGIN_BURST_THRESHOLD); the grouping default when left out. */
  failedLoginBurstThreshold?: number;
}

function alertOf(row: OutboxMessage, store: Store) {
  const alert = row.alertId === null ? null : store.getAlert(row.alertId);
  // Thrown: the sender logs it and retries later instead of posting something wrong.
  if (!alert) throw new Error(`outbox row ${row.id} (${row.kind}): alert ${String(row.alertId)} is not in the store`);
  return alert;
}

function alertMessage(row: OutboxMessage, store: Store, options: OutboxRendererOptions): RenderedMessage {
  const alert = alertOf(row, store);
  const events = store.listAlertEvents(alert.id).map((stored) => stored.event);
  return renderAlert(alert, events, { accountAlias: options.accountAlias?.(alert.accountId) ?? null, audit: store.listAudit(alert.id), ...(options.accountName ? { accountName: options.accountName } : {}), ...(options.failedLoginBurstThreshold !== undefined ? { failedLoginBurstThreshold: options.failedLoginBurstThreshold } : {}) });
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** An escalation's record of an earlier page ({by, at}), or null when the payload has none or a malformed one. */
function storedPagedBefore(value: unknown): { by: string; at: string } | null {
  const stored = value as { by?: unknown; at?: unknown } | null | undefined;
  const by = stringOrNull(stored?.by);
  const at = stringOrNull(stored?.at);
  return by && at ? { by, at } : null;
}

/** An alert-reply is either the calls that joined the alert ({eventIds}) or an escalation ({escalatedBy, mention}). */
function alertReply(row: OutboxMessage, store: Store, options: OutboxRendererOptions): RenderedMessage {
  const escalatedBy = stringOrNull(row.payload.escalatedBy);
  if (escalatedBy) return renderEscalation({ escalatedBy, mention: storedUsergroupMention(row.payload.mention), pagedBefore: storedPagedBefore(row.payload.pagedBefore) });
  const eventIds = Array.isArray(row.payload.eventIds) ? row.payload.eventIds.filter((id): id is string => typeof id === 'string') : [];
  const events: RootEvent[] = [];
  const missing: string[] = [];
  for (const eventId of eventIds) {
    const stored = store.getEvent(eventId);
    if (stored) events.push(stored.event);
    else missing.push(eventId);
  }
  // A root session's alert lists calls made in its members: each line names the member.
  return renderFurtherCalls(events, missing, { alertAccountId: alertOf(row, store).accountId, ...(options.accountName ? { accountName: options.accountName } : {}) });
}

function reminder(row: OutboxMessage, store: Store): RenderedMessage {
  const reminderNumber = Number(row.payload.reminderNumber);
  const reminderMax = Number(row.payload.reminderMax);
  return renderReminder(
    {
      reminderNumber: Number.isInteger(reminderNumber) && reminderNumber > 0 ? reminderNumber : 1,
      reminderMax: Number.isInteger(reminderMax) && reminderMax > 0 ? reminderMax : 1,
      mention: storedUsergroupMention(row.payload.mention),
    },
    alertOf(row, store),
  );
}

function eventRecord(row: OutboxMessage, store: Store): RenderedMessage {
  const eventId = stringOrNull(row.payload.eventId) ?? '';
  const stored = eventId ? store.getEvent(eventId) : null;
  return renderEventRecord({ eventId, region: stored?.event.region ?? null, rawRecord: stored?.rawRecord ?? null, requestedBy: stringOrNull(row.payload.requestedBy) });
}

function summaryPart(row: OutboxMessage, store: Store): RenderedMessage {
  const weekKey = row.weekKey ?? stringOrNull(row.payload.weekKey) ?? '';
  const entry = store.getWeeklySummary(weekKey);
  if (!entry) throw new Error(`outbox row ${row.id} (${row.kind}): the summary of week "${weekKey}" is not in the store`);
  return messageFromLedger(entry, row.kind === 'summary-reply' ? Number(row.payload.part) : null);
}

/** The renderer to give createOutboxSender (`render`). */
export function createOutboxRenderer(options: OutboxRendererOptions = {}): OutboxRenderer {
  return (row, store) => {
    switch (row.kind) {
      case 'alert-post':
      case 'alert-update':
        return alertMessage(row, store, options);
      case 'alert-reply':
        return alertReply(row, store, options);
      case 'reminder':
        return reminder(row, store);
      case 'event-record':
        return eventRecord(row, store);
      case 'summary-post':
      case 'summary-reply':
        return summaryPart(row, store);
      case 'posture-alert': {
        const payload = postureAlertPayload(row.payload);
        // Thrown: the sender logs it and retries, and the row stays in the store to be looked at.
        if (!payload) throw new Error(`outbox row ${row.id} (posture-alert): the payload is not a posture alert`);
        return renderPostureAlert(payload);
      }
    }
  };
}
