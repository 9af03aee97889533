// The coverage report now, as the Slack command and the terminal both read it: a coverage record (the running
// bot's, or the one it wrote to DATA_DIR), the store's cursors and unreadable count, and the queue's depth live.
import type { CoverageRecord, CoverageReport, CursorReading, QueueDepth } from './model.js';
import { buildCoverageReport } from './report.js';

export interface CoverageSources {
  record(): CoverageRecord | null;
  store: { listPollCursors(): CursorReading[] | Promise<CursorReading[]>; countUnreadableRecords(): number | Promise<number> };
  /** GetQueueAttributes on the events queue; unset when there is none. */
  queueDepth?: () => Promise<QueueDepth>;
  now?: () => Date;
}

export async function readCoverage(sources: CoverageSources): Promise<CoverageReport> {
  const record = sources.record();
  const [cursors, unreadableRecords, queueDepth] = await Promise.all([sources.store.listPollCursors(), sources.store.countUnreadableRecords(), record?.queue && sources.queueDepth ? sources.queueDepth() : null]);
  return buildCoverageReport({ now: sources.now?.() ?? new Date(), record, cursors, queueDepth, unreadableRecords });
}
