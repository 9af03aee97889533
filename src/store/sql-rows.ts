// The values the store writes and reads on both backends: ISO-8601 UTC text for times, columns of a row as they come
// back (integers possibly as text from PostgreSQL), and the small SQL pieces several repositories build.
import type { SqlRow, SqlValue } from './sql-executor.js';
import type { TimeRange } from './store.js';

export function toIso(value: string | Date, what: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`${what} is not a valid time: ${String(value)}`);
  return date.toISOString();
}

export function text(row: SqlRow, column: string): string {
  return row[column] as string;
}

export function textOrNull(row: SqlRow, column: string): string | null {
  const value = row[column];
  return value === null || value === undefined ? null : (value as string);
}

export function int(row: SqlRow, column: string): number {
  return Number(row[column]);
}

/** One placeholder per value, for `IN (...)`. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** `column = ?` with its value, or `column IS NULL` (PostgreSQL cannot type a bare `? IS NULL`). */
export function equalsOrNull(column: string, value: string | null): { sql: string; params: SqlValue[] } {
  return value === null ? { sql: `${column} IS NULL`, params: [] } : { sql: `${column} = ?`, params: [value] };
}

/** An optional `AND account_id = ?`. */
export function accountFilter(accountId: string | undefined, column = 'account_id'): { sql: string; params: SqlValue[] } {
  return accountId ? { sql: `AND ${column} = ?`, params: [accountId] } : { sql: '', params: [] };
}

export function rangeParams(range: TimeRange): [string, string] {
  return [toIso(range.from, 'range.from'), toIso(range.to, 'range.to')];
}
