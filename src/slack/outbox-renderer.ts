// What each outbox message says in Slack, from its view model (alerts/outbox-view.ts, read by the sender when it
// sends the message, so it shows the state at that moment): an alert post and its chat.update after a state change
// show the same current state; thread replies list the calls that joined, page the responders on escalation or
// reminder, or show the raw record; the weekly summary and its thread parts are posted as its ledger recorded them.
// Pure: it reads nothing.
import type { OutboxRenderer, OutboxView, RenderedMessage } from '../alerts/index.js';
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

function positiveIntegerOr1(value: unknown): number {
  const number = Number(value);
  return Number.isInteger(number) && number > 0 ? number : 1;
}

/** Renders one view (the sender's `render`). */
export function renderOutboxView(view: OutboxView, options: OutboxRendererOptions = {}): RenderedMessage {
  const { payload } = view.message;
  switch (view.kind) {
    case 'alert':
      return renderAlert(view.alert, view.events, {
        accountAlias: options.accountAlias?.(view.alert.accountId) ?? null,
        audit: view.audit,
        ...(options.accountName ? { accountName: options.accountName } : {}),
        ...(options.failedLoginBurstThreshold !== undefined ? { failedLoginBurstThreshold: options.failedLoginBurstThreshold } : {}),
      });
    case 'escalation':
      return renderEscalation({ escalatedBy: stringOrNull(payload.escalatedBy) ?? '', mention: storedUsergroupMention(payload.mention), pagedBefore: storedPagedBefore(payload.pagedBefore) });
    case 'joined-calls':
      // A root session's alert lists calls made in its members: each line names the member.
      return renderFurtherCalls(view.events, view.missingEventIds, { alertAccountId: view.alert.accountId, ...(options.accountName ? { accountName: options.accountName } : {}) });
    case 'reminder':
      return renderReminder({ reminderNumber: positiveIntegerOr1(payload.reminderNumber), reminderMax: positiveIntegerOr1(payload.reminderMax), mention: storedUsergroupMention(payload.mention) }, view.alert);
    case 'event-record':
      return renderEventRecord({ eventId: view.eventId, region: view.stored?.event.region ?? null, rawRecord: view.stored?.rawRecord ?? null, requestedBy: stringOrNull(payload.requestedBy) });
    case 'summary':
      return messageFromLedger(view.entry, view.message.kind === 'summary-reply' ? Number(payload.part) : null);
    case 'posture-alert': {
      const posture = postureAlertPayload(payload);
      // Thrown: the sender logs it and retries, and the row stays in the store to be looked at.
      if (!posture) throw new Error(`outbox row ${view.message.id} (posture-alert): the payload is not a posture alert`);
      return renderPostureAlert(posture);
    }
  }
}

/** The renderer to give createOutboxSender (`render`). */
export function createOutboxRenderer(options: OutboxRendererOptions = {}): OutboxRenderer {
  return (view) => renderOutboxView(view, options);
}
