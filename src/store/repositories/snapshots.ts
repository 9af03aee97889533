// Posture snapshots (posture_snapshots): each account's report as the checks left it, kept for the summary's trends
// and the overview's latest result.
import type { PostureReport } from '../../posture/model.js';
import type { SqlQueries, SqlRow } from '../sql-executor.js';
import { accountFilter, int, rangeParams, text, toIso } from '../sql-rows.js';
import type { PostureSnapshot, TimeRange } from '../store.js';

const SQL = {
  insert: `INSERT INTO posture_snapshots (account_id, taken_at, passed, total, report_json) VALUES (?, ?, ?, ?, ?) RETURNING id`,
  latest: `SELECT s.* FROM posture_snapshots s
    WHERE s.id = (SELECT s2.id FROM posture_snapshots s2 WHERE s2.account_id = s.account_id AND s2.taken_at < ? ORDER BY s2.taken_at DESC, s2.id DESC LIMIT 1)
    ORDER BY s.account_id`,
} as const;

function snapshotFromRow(row: SqlRow): PostureSnapshot {
  return {
    id: int(row, 'id'),
    accountId: text(row, 'account_id'),
    takenAt: text(row, 'taken_at'),
    passed: int(row, 'passed'),
    total: int(row, 'total'),
    report: JSON.parse(text(row, 'report_json')) as PostureReport,
  };
}

export class SnapshotsRepository {
  constructor(private readonly q: SqlQueries) {}

  /** Saves the report, taken at `takenAt` or when it was generated; returns the snapshot's id. */
  async save(report: PostureReport, takenAt?: Date): Promise<number> {
    const row = (await this.q.get(SQL.insert, [
      report.account.id,
      takenAt ? toIso(takenAt, 'takenAt') : toIso(report.generatedAt, 'report.generatedAt'),
      report.score.passed,
      report.score.total,
      JSON.stringify(report),
    ])) as SqlRow;
    return int(row, 'id');
  }

  async list(range: TimeRange & { accountId?: string }): Promise<PostureSnapshot[]> {
    const account = accountFilter(range.accountId);
    const rows = await this.q.all(`SELECT * FROM posture_snapshots WHERE taken_at >= ? AND taken_at < ? ${account.sql} ORDER BY account_id, taken_at, id`, [...rangeParams(range), ...account.params]);
    return rows.map(snapshotFromRow);
  }

  /** The newest snapshot of each account taken before `before` (any time when unset). */
  async latest(before?: string | Date): Promise<PostureSnapshot[]> {
    const cutoff = before === undefined ? '9999-12-31T23:59:59.999Z' : toIso(before, 'before');
    return (await this.q.all(SQL.latest, [cutoff])).map(snapshotFromRow);
  }
}
