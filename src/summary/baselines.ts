// Which stored posture snapshots a summary compares with. Pure: snapshots in, per-account baseline and history out.
//
// Every summary stores the snapshot of its fresh checks, so each week holds at least the one its summary took (on
// Monday at 09:00 by default, for the week before). Other runs may add snapshots. The FIRST snapshot of a week is the
// state at the start of that week, so:
//   - "last week" for a summary of week W is the first snapshot taken in W: every change made during W shows up as
//     newly fixed or newly failing, even if someone ran the checks by hand in between;
//   - the trend point of a week is the first snapshot taken in it.
import type { FindingStatus, PostureReport } from '../posture/model.js';
import type { PostureSnapshotSummary, WeeklyScore } from './model.js';
import { weekContaining } from './week.js';

/** A stored snapshot as the summary needs it. */
export interface StoredSnapshot {
  accountId: string;
  /** ISO time the report was generated. */
  takenAt: string;
  report: Pick<PostureReport, 'score' | 'findings'>;
}

function snapshotSummary(snapshot: StoredSnapshot): PostureSnapshotSummary {
  const statuses: Record<string, FindingStatus> = {};
  const titles: Record<string, string> = {};
  for (const finding of snapshot.report.findings) {
    statuses[finding.id] = finding.status;
    titles[finding.id] = finding.title;
  }
  return { takenAt: snapshot.takenAt, score: { ...snapshot.report.score }, statuses, titles };
}

function byTime(a: StoredSnapshot, b: StoredSnapshot): number {
  return Date.parse(a.takenAt) - Date.parse(b.takenAt);
}

/** The first snapshot of each account taken in [start, end). */
export function firstSnapshotsIn(snapshots: readonly StoredSnapshot[], range: { start: Date; end: Date }): Map<string, PostureSnapshotSummary> {
  const first = new Map<string, StoredSnapshot>();
  for (const snapshot of [...snapshots].sort(byTime)) {
    const time = Date.parse(snapshot.takenAt);
    if (time < range.start.getTime() || time >= range.end.getTime() || first.has(snapshot.accountId)) continue;
    first.set(snapshot.accountId, snapshot);
  }
  return new Map([...first].map(([accountId, snapshot]) => [accountId, snapshotSummary(snapshot)]));
}

/** Per account, the score of the first snapshot of each week, keyed by that week in `timezone`. */
export function weeklyScoreHistory(snapshots: readonly StoredSnapshot[], timezone: string): Map<string, WeeklyScore[]> {
  const seen = new Set<string>();
  const history = new Map<string, WeeklyScore[]>();
  for (const snapshot of [...snapshots].sort(byTime)) {
    const weekKey = weekContaining(new Date(snapshot.takenAt), timezone).key;
    const seenKey = `${snapshot.accountId}\u0000${weekKey}`;
    if (seen.has(seenKey)) continue;
    seen.add(seenKey);
    const weeks = history.get(snapshot.accountId) ?? [];
    weeks.push({ weekKey, score: { ...snapshot.report.score } });
    history.set(snapshot.accountId, weeks);
  }
  return history;
}
