// In-memory stand-ins for the store side of the summary: a ledger with a unique week key, and sources over arrays.
import type { RootEvent } from '../../src/activity/model.js';
import type { AccountIdentity } from '../../src/posture/model.js';
import type { AcknowledgmentInput, AssessedAccount, LatestSnapshot, StoredSnapshot, SummaryLedger, SummarySources, TimeRange, UnacknowledgedAlertInput, WeeklySummary } from '../../src/summary/index.js';

/** Like the store's weekly_summaries table: one row per week key; recording a week queues its post. */
export class MemoryLedger implements SummaryLedger {
  readonly weeks = new Map<string, WeeklySummary>();
  /** What the outbox would post, in order. */
  readonly queued: Array<{ weekKey: string; summary: WeeklySummary }> = [];

  isRecorded(weekKey: string): boolean {
    return this.weeks.has(weekKey);
  }

  claimWeek(weekKey: string, summary: WeeklySummary): boolean {
    if (this.weeks.has(weekKey)) return false;
    this.weeks.set(weekKey, summary);
    this.queued.push({ weekKey, summary });
    return true;
  }
}

function inRange(iso: string, range: TimeRange): boolean {
  const time = Date.parse(iso);
  return time >= range.from.getTime() && time < range.to.getTime();
}

export interface MemorySourcesData {
  /** The watched accounts; a function may throw (the listing failed). */
  watched: AccountIdentity[] | (() => Promise<AccountIdentity[]>);
  /** Fresh checks of the accounts without a snapshot; may throw (the checks cannot start). */
  assess?: (accountIds: readonly string[]) => Promise<AssessedAccount[]>;
  snapshots?: LatestSnapshot[];
  events?: RootEvent[];
  openAlerts?: UnacknowledgedAlertInput[];
  acknowledgments?: AcknowledgmentInput[];
}

export class MemorySources implements SummarySources {
  readonly snapshots: LatestSnapshot[];
  readonly calls: string[] = [];
  /** The account ids each fresh check was asked for. */
  readonly freshChecks: string[][] = [];

  constructor(private readonly data: MemorySourcesData) {
    this.snapshots = [...(data.snapshots ?? [])];
  }

  async watchedAccounts(): Promise<AccountIdentity[]> {
    this.calls.push('watchedAccounts');
    return typeof this.data.watched === 'function' ? this.data.watched() : this.data.watched;
  }

  latestSnapshots(): LatestSnapshot[] {
    this.calls.push('latestSnapshots');
    const newest = new Map<string, LatestSnapshot>();
    for (const snapshot of this.snapshots) {
      const seen = newest.get(snapshot.accountId);
      if (!seen || Date.parse(snapshot.takenAt) > Date.parse(seen.takenAt)) newest.set(snapshot.accountId, snapshot);
    }
    return [...newest.values()];
  }

  assessFresh(accountIds: readonly string[]): Promise<AssessedAccount[]> {
    this.calls.push('assessFresh');
    this.freshChecks.push([...accountIds]);
    if (!this.data.assess) throw new Error('no fresh check expected');
    return this.data.assess(accountIds);
  }

  postureSnapshots(range: TimeRange): StoredSnapshot[] {
    this.calls.push('postureSnapshots');
    return this.snapshots.filter((snapshot) => inRange(snapshot.takenAt, range));
  }

  events(range: TimeRange): RootEvent[] {
    return (this.data.events ?? []).filter((event) => inRange(event.eventTime, range));
  }

  eventCount(range: TimeRange): number {
    return this.events(range).length;
  }

  unacknowledgedAlerts(): UnacknowledgedAlertInput[] {
    return this.data.openAlerts ?? [];
  }

  acknowledgments(range: TimeRange): AcknowledgmentInput[] {
    return (this.data.acknowledgments ?? []).filter((ack) => inRange(ack.acknowledgedAt, range));
  }
}
