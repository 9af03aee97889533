// Many rows in a few statements, in SQL both backends run: multi-row `VALUES (...), (...)`. On PostgreSQL every
// statement is a round trip, so a batch of 10,000 events written a statement a row spent most of its time waiting on
// the network. Rows go in chunks whose sizes are powers of two (at most MAX_ROWS_PER_STATEMENT), so each statement
// has a handful of distinct texts: each is prepared once per connection (PostgreSQL) or once per store (SQLite).
import type { SqlQueries, SqlRow, SqlValue } from './sql-executor.js';

/**
 * 512 rows of the widest insert (root events, 11 columns) are 5,632 parameters: under SQLite's limit (32,766) and
 * PostgreSQL's (65,535), and large enough that a chunk's round trip is a small share of its work.
 */
export const MAX_ROWS_PER_STATEMENT = 512;

/** `count` as chunk sizes, largest first: full chunks, then the binary digits of the rest (10,000: 19 x 512, 256, 16). */
export function chunkSizes(count: number, max: number = MAX_ROWS_PER_STATEMENT): number[] {
  const sizes: number[] = [];
  let left = count;
  while (left >= max) {
    sizes.push(max);
    left -= max;
  }
  for (let size = max / 2; size >= 1; size /= 2) {
    if (left >= size) {
      sizes.push(size);
      left -= size;
    }
  }
  return sizes;
}

export interface MultiRowStatement {
  /** Everything before VALUES, e.g. `INSERT INTO t (a, b)`. */
  head: string;
  /** One row's placeholders, e.g. `(?, ?)` or `(?, CAST(? AS INTEGER))`. */
  row: string;
  /** Everything after the rows, e.g. `ON CONFLICT (a) DO NOTHING RETURNING a`; for an UPDATE ... FROM, the rest of it. */
  tail?: string;
}

/** The statement's text for `rowCount` rows. */
function statementText(statement: MultiRowStatement, rowCount: number): string {
  return `${statement.head} VALUES ${Array.from({ length: rowCount }, () => statement.row).join(', ')} ${statement.tail ?? ''}`;
}

async function forEachChunk<T>(rows: readonly T[], work: (chunk: readonly T[]) => Promise<void>): Promise<void> {
  let offset = 0;
  for (const size of chunkSizes(rows.length)) {
    await work(rows.slice(offset, offset + size));
    offset += size;
  }
}

/** Runs the statement over every row, a chunk at a time, and returns the rows it returned (RETURNING), in chunk order. */
export async function allRows(q: SqlQueries, statement: MultiRowStatement, rows: readonly (readonly SqlValue[])[]): Promise<SqlRow[]> {
  const returned: SqlRow[] = [];
  await forEachChunk(rows, async (chunk) => {
    returned.push(...(await q.all(statementText(statement, chunk.length), chunk.flat())));
  });
  return returned;
}

/** Runs the statement over every row, a chunk at a time; returns how many rows it changed. */
export async function runRows(q: SqlQueries, statement: MultiRowStatement, rows: readonly (readonly SqlValue[])[]): Promise<number> {
  let changes = 0;
  await forEachChunk(rows, async (chunk) => {
    changes += (await q.run(statementText(statement, chunk.length), chunk.flat())).changes;
  });
  return changes;
}
