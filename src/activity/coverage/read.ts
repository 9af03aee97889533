// The coverage report now, as the Slack command and the terminal both read it: a coverage record (the running
// bot's, or the one it wrote to the store), the store's cursors and unreadable count, and the queue's health live.
import type { MemberRulesReading } from '../sources/queue-member-rules.js';
import type { CoverageRecord, CoverageReport, CursorReading, QueueHealth } from './model.js';
import { buildCoverageReport } from './report.js';

export interface CoverageSources {
  record(): CoverageRecord | null;
  store: { listPollCursors(): CursorReading[] | Promise<CursorReading[]>; countUnreadableRecords(): number | Promise<number> };
  /** The events queue's depth, oldest message and dead-letter queue (sources/queue-health.ts); unset when there is none. */
  queueHealth?: () => Promise<QueueHealth>;
  /** The member-rules StackSet's instances (sources/queue-member-rules.ts): which accounts the queue hears. */
  memberRules?: () => Promise<MemberRulesReading>;
  now?: () => Date;
}

export async function readCoverage(sources: CoverageSources): Promise<CoverageReport> {
  const record = sources.record();
  const [cursors, unreadableRecords, queueHealth, memberRules] = await Promise.all([
    sources.store.listPollCursors(),
    sources.store.countUnreadableRecords(),
    record?.queue && sources.queueHealth ? sources.queueHealth() : null,
    record?.queue && sources.memberRules ? sources.memberRules() : null,
  ]);
  return buildCoverageReport({ now: sources.now?.() ?? new Date(), record, cursors, queueHealth, memberRules, unreadableRecords });
}
