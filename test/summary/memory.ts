// In-memory stand-ins for the store side of the summary: a ledger with a unique week key, and sources over arrays.
import type { RootEvent } from '../../src/activity/model.js';
import type { PostureReport } from '../../src/posture/model.js';
import type { AcknowledgmentInput, AssessedAccount, StoredSnapshot, SummaryLedger, SummarySources, TimeRange, UnacknowledgedAlertInput, WeeklySummary } from '../../src/summary/index.js';

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
  assess: () => Promise<AssessedAccount[]>;
  snapshots?: StoredSnapshot[];
  events?: RootEvent[];
  openAlerts?: UnacknowledgedAlertInput[];
  acknowledgments?: AcknowledgmentInput[];
}

export class MemorySources implements SummarySources {
  readonly snapshots: StoredSnapshot[];
  readonly calls: string[] = [];
  /** Set by the test to the clock the snapshots are stamped with. */
  clock: () => Date = () => new Date();

  constructor(private readonly data: MemorySourcesData) {
    this.snapshots = [...(data.snapshots ?? [])];
  }

  assessAll(): Promise<AssessedAccount[]> {
    this.calls.push('assessAll');
    return this.data.assess();
  }

  postureSnapshots(range: TimeRange): StoredSnapshot[] {
    this.calls.push('postureSnapshots');
    return this.snapshots.filter((snapshot) => inRange(snapshot.takenAt, range));
  }

  saveSnapshots(reports: PostureReport[]): void {
    this.calls.push('saveSnapshots');
    for (const report of reports) this.snapshots.push({ accountId: report.account.id, takenAt: this.clock().toISOString(), report });
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
