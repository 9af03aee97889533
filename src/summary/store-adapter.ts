// The summary's sources and ledger on top of the store (src/store): plain mappings, no decisions.
import { alertTitle } from '../alerts/title.js';
import type { AlertRecord } from '../alerts/index.js';
import type { AccountIdentity } from '../posture/model.js';
import type { Store } from '../store/index.js';
import type { AcknowledgmentInput, AlertMessageLink, UnacknowledgedAlertInput, WeeklySummary } from './model.js';
import type { AssessedAccount, SummaryLedger, SummarySources } from './run.js';

type SourcesStore = Pick<Store, 'listPostureSnapshots' | 'latestPostureSnapshots' | 'listEvents' | 'countEventsByKind' | 'listOpenAlerts' | 'getEvent' | 'acknowledgmentDurations'>;

export interface StoreSourcesOptions {
  /** The watched accounts now (listWatchedAccounts). */
  watchedAccounts(): Promise<AccountIdentity[]>;
  /** Checks these accounts now (they have no snapshot): the bot through its run coordinator, which records them. */
  assessFresh(accountIds: readonly string[]): Promise<AssessedAccount[]>;
  /**
   * The workspace URL from auth.test (`https://acme.slack.com/`): alert links become permalinks of the shape
   * chat.getPermalink returns. Without it the summary names the alert's channel instead.
   */
  slackTeamUrl?: string | null;
  /** The activity coverage line (main.ts: from the last poll pass), or null before one. */
  coverage?: () => Promise<string | null>;
}

/** `https://acme.slack.com/archives/C0123/p1764040380000100`: the permalink shape of a top-level message. */
export function messagePermalink(teamUrl: string, channel: string, ts: string): string {
  return `${teamUrl.endsWith('/') ? teamUrl : `${teamUrl}/`}archives/${channel}/p${ts.replace('.', '')}`;
}

function alertMessage(alert: AlertRecord, teamUrl: string | null | undefined): AlertMessageLink | null {
  if (!alert.post) return null;
  return teamUrl ? { permalink: messagePermalink(teamUrl, alert.post.channel, alert.post.ts) } : { channel: alert.post.channel, ts: alert.post.ts };
}

export function storeSummarySources(store: SourcesStore, options: StoreSourcesOptions): SummarySources {
  return {
    ...(options.coverage ? { coverage: options.coverage } : {}),
    watchedAccounts: () => options.watchedAccounts(),
    latestSnapshots: async () => (await store.latestPostureSnapshots()).map((snapshot) => ({ accountId: snapshot.accountId, takenAt: snapshot.takenAt, report: snapshot.report })),
    assessFresh: (accountIds) => options.assessFresh(accountIds),
    postureSnapshots: async (range) => (await store.listPostureSnapshots(range)).map((snapshot) => ({ accountId: snapshot.accountId, takenAt: snapshot.takenAt, report: snapshot.report })),
    events: async (range) => (await store.listEvents(range)).map((stored) => stored.event),
    eventCount: async (range) => (await store.countEventsByKind(range)).reduce((sum, row) => sum + row.count, 0),
    unacknowledgedAlerts: async (): Promise<UnacknowledgedAlertInput[]> => {
      const unacknowledged: UnacknowledgedAlertInput[] = [];
      for (const alert of await store.listOpenAlerts()) {
        unacknowledged.push({
          alertId: String(alert.id),
          accountId: alert.accountId,
          headline: alertTitle(alert, (await store.getEvent(alert.firstEventId))?.event ?? null),
          kind: alert.kind,
          state: alert.state === 'acknowledged' ? 'open' : alert.state,
          createdAt: alert.createdAt,
          message: alertMessage(alert, options.slackTeamUrl),
        });
      }
      return unacknowledged;
    },
    // The clock starts when responders could see the alert: its post, or its creation if it never got posted.
    acknowledgments: async (range): Promise<AcknowledgmentInput[]> =>
      (await store.acknowledgmentDurations(range)).map((ack) => ({ alertId: String(ack.alertId), raisedAt: ack.postedAt ?? ack.createdAt, acknowledgedAt: ack.acknowledgedAt })),
  };
}

/** What the ledger keeps for a week and the outbox posts: made by the Slack renderer, opaque here. */
export interface LedgerRecord {
  summary: unknown;
  threadParts: unknown[];
}

export interface StoreLedgerOptions {
  /** Turns the summary into what is stored and posted (renderWeeklySummary's ledgerRecord). */
  record(summary: WeeklySummary): LedgerRecord;
  /** Where to post; null = the sender's default channel (ALERT_CHANNEL). */
  channel?: string | null;
}

/** The store's weekly summary ledger: recording a week and queuing its post (and thread replies) is one transaction. */
export function storeSummaryLedger(store: Pick<Store, 'getWeeklySummary' | 'recordWeeklySummary'>, options: StoreLedgerOptions): SummaryLedger {
  return {
    isRecorded: async (weekKey) => (await store.getWeeklySummary(weekKey)) !== null,
    claimWeek: async (weekKey, summary) => {
      const { summary: stored, threadParts } = options.record(summary);
      return (await store.recordWeeklySummary({ weekKey, summary: stored, threadParts, channel: options.channel ?? null })).created;
    },
  };
}
