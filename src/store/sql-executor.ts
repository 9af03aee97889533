// One async way to run SQL, so the store's operations are written once and run on SQLite (better-sqlite3,
// the embedded default) and on PostgreSQL (pg, for several replicas). The SQL the store writes is the
// common subset of both: `?` placeholders in order, INSERT ... ON CONFLICT, RETURNING, snake_case names
// (PostgreSQL folds unquoted names to lower case), times as ISO-8601 text, booleans as 0/1, JSON as text.

/** A value bound to a placeholder or read from a column. */
export type SqlValue = string | number | null;

export type SqlRow = Record<string, SqlValue>;

export interface SqlRunResult {
  /** Rows inserted, updated or deleted by the statement. */
  changes: number;
}

export interface SqlQueries {
  /** Every row of a query. */
  all<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The first row of a query, or undefined. */
  get<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** A statement that returns no rows. */
  run(sql: string, params?: readonly SqlValue[]): Promise<SqlRunResult>;
  /**
   * Serializes this transaction with every other one that takes the same key, until it ends: PostgreSQL takes
   * pg_advisory_xact_lock; SQLite's transactions are already serialized (BEGIN IMMEDIATE), so it does nothing.
   * Only inside a transaction.
   */
  lock(key: string): Promise<void>;
}

export interface SqlExecutor extends SqlQueries {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs `work` in one transaction on one connection: commits when it resolves, rolls back when it throws.
   * Statements outside a transaction are each their own. SQLite: BEGIN IMMEDIATE on the one connection, every
   * call queued behind the transaction in progress; PostgreSQL: a pooled client, BEGIN ... COMMIT.
   */
  transaction<T>(work: (tx: SqlQueries) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
