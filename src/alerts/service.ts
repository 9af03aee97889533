// The alerts service: what a responder can do with an alert (acknowledge, investigate, escalate, show its event, list
// the open ones), the one door the Slack listeners use instead of the store. Each change is the store's one atomic
// conditional step; the service says what happened in plain outcomes, and wakes the outbox sender when it queued
// something (the chat.update, the escalation's page, the event record).
import type { RootEvent } from '../activity/model.js';
import { userGroupMention } from './config.js';
import { escalationReply } from './escalation.js';
import { nextAlertState } from './lifecycle.js';
import type { AlertRecord, OutboxMessage, StateChangeResult, StoredRootEvent } from './model.js';
import { setAlertState, type AlertStateStore } from './state.js';

/** The reads and the "Show event" request the service makes of the store (the store's operations include them). */
export interface AlertsServiceOperations extends AlertStateStore {
  getAlert(alertId: number): Promise<AlertRecord | null>;
  getEvent(eventId: string): Promise<StoredRootEvent | null>;
  /** Alerts not yet acknowledged, oldest first. */
  listOpenAlerts(options?: { accountId?: string; limit?: number }): Promise<AlertRecord[]>;
  /**
   * "Show event": queues the record of `eventId` in the alert's thread unless one is queued or posted already
   * (alerts/event-record.ts decides), atomically; null if there is no such alert.
   */
  requestEventRecord(alertId: number, request: { eventId: string; requestedBy: string }): Promise<{ queued: true; outboxId: number } | { queued: false; earlier: OutboxMessage } | null>;
}

/** What the service needs of the store: its operations, and reads in one transaction. */
export interface AlertsServiceStore extends AlertsServiceOperations {
  /** Reads that see one consistent state. */
  transaction<T>(work: (tx: Pick<AlertsServiceOperations, 'listOpenAlerts' | 'getEvent'>) => Promise<T>): Promise<T>;
}

export interface AlertsServiceOptions {
  store: AlertsServiceStore;
  /** Something was queued in the outbox: send it now (the sender's wake()). */
  wakeSender: () => void;
  /** RESPONDER_GROUP: the user group (S…) an escalation pages; null: no mention. */
  responderGroupId: string | null;
  clock?: () => Date;
}

/** An alert with its first event (null when the store no longer has it): what a headline is made of. */
export interface AlertWithFirstEvent {
  alert: AlertRecord;
  firstEvent: RootEvent | null;
}

/** Before the acknowledge modal opens: the alert may be acknowledged, or the press is refused with what won. */
export type AcknowledgePrompt = { allowed: true; alert: AlertRecord; firstEvent: RootEvent | null } | { allowed: false; current: AlertRecord | null };

export type ShowEventOutcome = { outcome: 'gone' } | { outcome: 'queued'; outboxId: number; eventId: string } | { outcome: 'already-requested'; earlier: OutboxMessage };

export interface OpenAlerts {
  /** How many alerts are open in all. */
  total: number;
  /** The first `limit` of them, oldest first. */
  shown: AlertWithFirstEvent[];
}

export interface AlertsService {
  /** Whether the alert can still be acknowledged, with what the modal shows; nothing changes. */
  acknowledgePrompt(alertId: number): Promise<AcknowledgePrompt>;
  /** "Acknowledge — expected", with the optional reason from the modal. */
  acknowledge(alertId: number, userId: string, reason: string | null): Promise<StateChangeResult>;
  /** "Investigating": someone is on it (reminders stop). */
  investigate(alertId: number, userId: string): Promise<StateChangeResult>;
  /** "Not me — escalate": the change, and in the same transaction a page of the responders in the thread (alerts/escalation.ts). */
  escalate(alertId: number, userId: string): Promise<StateChangeResult>;
  /** "Show event": the first event's record in the alert's thread, once. */
  showEvent(alertId: number, userId: string): Promise<ShowEventOutcome>;
  /** The open alerts: the count and the first `limit`, read in one transaction so they agree. */
  listOpen(limit: number): Promise<OpenAlerts>;
  /** The channel of the alert's post, null when it is gone or not posted yet. */
  postChannelOf(alertId: number): Promise<string | null>;
}

export function createAlertsService(options: AlertsServiceOptions): AlertsService {
  const { store, wakeSender } = options;
  // Unset: the store's clock times every change.
  const at = (): Date | undefined => options.clock?.();
  const mention = userGroupMention(options.responderGroupId);

  /** A change queued its chat.update (and any reply) with it: the sender sends them now. */
  function woken(result: StateChangeResult): StateChangeResult {
    if (result.changed) wakeSender();
    return result;
  }

  async function withFirstEvent(reader: Pick<AlertsServiceOperations, 'getEvent'>, alert: AlertRecord): Promise<AlertWithFirstEvent> {
    return { alert, firstEvent: (await reader.getEvent(alert.firstEventId))?.event ?? null };
  }

  return {
    async acknowledgePrompt(alertId) {
      const alert = await store.getAlert(alertId);
      if (!alert || nextAlertState(alert.state, 'acknowledge') === null) return { allowed: false, current: alert };
      return { allowed: true, ...(await withFirstEvent(store, alert)) };
    },

    async acknowledge(alertId, userId, reason) {
      return woken(await setAlertState(store, alertId, 'acknowledge', userId, reason, at()));
    },

    async investigate(alertId, userId) {
      return woken(await setAlertState(store, alertId, 'investigate', userId, null, at()));
    },

    async escalate(alertId, userId) {
      return woken(await setAlertState(store, alertId, 'escalate', userId, null, at(), (history, at) => ({ ...escalationReply(history, userId, at, mention) })));
    },

    async showEvent(alertId, userId) {
      const alert = await store.getAlert(alertId);
      if (!alert) return { outcome: 'gone' };
      // Checked and queued in one store step (under the alert's lock): two presses, on any replica, queue one record.
      const request = await store.requestEventRecord(alertId, { eventId: alert.firstEventId, requestedBy: userId });
      if (request === null) return { outcome: 'gone' };
      if (!request.queued) return { outcome: 'already-requested', earlier: request.earlier };
      wakeSender();
      return { outcome: 'queued', outboxId: request.outboxId, eventId: alert.firstEventId };
    },

    async listOpen(limit) {
      // One read transaction: the count and the lines agree even while the poller writes.
      return store.transaction(async (tx) => {
        const open = await tx.listOpenAlerts();
        const shown: AlertWithFirstEvent[] = [];
        for (const alert of open.slice(0, limit)) shown.push(await withFirstEvent(tx, alert));
        return { total: open.length, shown };
      });
    },

    async postChannelOf(alertId) {
      return (await store.getAlert(alertId))?.post?.channel ?? null;
    },
  };
}
