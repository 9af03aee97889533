// Whether an escalation pages the responders (pure). Escalate and Investigating can alternate: paging on every
// escalation pages the same people for the same alert again and again. The responders are paged at most once per
// ESCALATION_PAGE_INTERVAL_MS for an alert; a later escalation inside it is said in the thread without the mention,
// naming who asked again and who paged first.
import type { AlertAuditEntry } from './model.js';

export const ESCALATION_PAGE_INTERVAL_MS = 30 * 60 * 1000;

/** The thread reply of one escalation, as the outbox keeps it (rendered by slack/outbox-renderer.ts). */
export interface EscalationReplyPayload {
  escalatedBy: string;
  /** `<!subteam^S…>` of the responders, or null (none configured, or paged recently). */
  mention: string | null;
  /** Set when the responders were already paged for this alert within the interval: who did, and when. */
  pagedBefore?: { by: string; at: string };
}

/**
 * The reply for an escalation by `userId` at `at`, given the alert's audit before it. The last escalation that
 * paged is the one whose reply carried the mention: the first one, or the first one after an interval passed.
 */
export function escalationReply(history: readonly AlertAuditEntry[], userId: string, at: Date, responderMention: string | null): EscalationReplyPayload {
  let lastPage: AlertAuditEntry | null = null;
  for (const entry of history) {
    if (entry.toState !== 'escalated') continue;
    if (!lastPage || Date.parse(entry.at) - Date.parse(lastPage.at) >= ESCALATION_PAGE_INTERVAL_MS) lastPage = entry;
  }
  if (lastPage && at.getTime() - Date.parse(lastPage.at) < ESCALATION_PAGE_INTERVAL_MS) {
    return { escalatedBy: userId, mention: null, pagedBefore: { by: lastPage.userId, at: lastPage.at } };
  }
  return { escalatedBy: userId, mention: responderMention };
}
