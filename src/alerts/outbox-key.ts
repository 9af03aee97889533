// The key every post carries in its message metadata, so the sender can recognise a post Slack already has.
//
// Keys come from what the message is about, not from the store's row ids: the same root event gives the same
// key in any store. A store rebuilt from nothing (the database file lost) re-ingests the lookback, and the
// sender finds those alerts already in the channel instead of posting them as new. An alert is named by its
// first event's CloudTrail event id (unique), a reply by the first event that joined, a reminder by its alert
// and number, a summary by its week. A raw-record reply is a user's request, repeatable on purpose: it keeps
// the store's own `<storeId>:<outboxId>`.
import type { AlertRecord, OutboxMessage } from './model.js';

/** What the key needs besides the row: the store's id and the row's alert, if any. */
export interface OutboxKeyContext {
  storeId: string;
  alert: Pick<AlertRecord, 'firstEventId'> | null;
}

function payloadString(row: OutboxMessage, field: string): string | null {
  const value = row.payload[field];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

export function outboxKeyFor(row: OutboxMessage, context: OutboxKeyContext): string {
  const storeKey = `${context.storeId}:${row.id}`;
  const alertKey = context.alert ? `alert:${context.alert.firstEventId}` : null;
  switch (row.kind) {
    case 'alert-post':
    case 'alert-update':
      return alertKey ?? storeKey;
    case 'alert-reply': {
      const eventIds = row.payload.eventIds;
      const firstJoined = Array.isArray(eventIds) && typeof eventIds[0] === 'string' ? eventIds[0] : null;
      return alertKey && firstJoined ? `${alertKey}:joined:${firstJoined}` : storeKey;
    }
    case 'reminder': {
      const number = payloadString(row, 'reminderNumber');
      return alertKey && number ? `${alertKey}:reminder:${number}` : storeKey;
    }
    case 'summary-post':
      return row.weekKey ? `summary:${row.weekKey}` : storeKey;
    case 'summary-reply': {
      const part = payloadString(row, 'part');
      return row.weekKey && part ? `summary:${row.weekKey}:part:${part}` : storeKey;
    }
    case 'event-record':
      return storeKey;
    case 'posture-alert': {
      // One alert per account and scan result: a rebuilt store that diffs the same snapshots again finds it posted.
      const accountId = payloadString(row, 'accountId');
      const currentAt = payloadString(row, 'currentAt');
      return accountId && currentAt ? `posture:${accountId}:${currentAt}` : storeKey;
    }
  }
}
