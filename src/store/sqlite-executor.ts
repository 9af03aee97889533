// The SqlExecutor on better-sqlite3: the store's async operations on the embedded, synchronous SQLite.
// One connection, so a transaction that awaits between its statements must have the connection to itself:
// every call waits in one queue behind the transaction in progress (BEGIN IMMEDIATE takes the file's write lock up
// front, so a read-then-write never interleaves with another process either). Statements are prepared once per SQL text.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database, Statement } from 'better-sqlite3';
import type { SqlExecutor, SqlQueries, SqlRow, SqlRunResult, SqlValue } from './sql-executor.js';

/** Thrown when code inside a transaction calls the executor itself instead of its transaction handle: it would wait forever. */
export class NestedSqliteCallError extends Error {
  constructor() {
    super('a store call made inside a transaction must go through the transaction handle (tx), not the store: it would wait for its own transaction');
    this.name = 'NestedSqliteCallError';
  }
}

export class SqliteExecutor implements SqlExecutor {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Statement>();
  /** The tail of the queue: resolves when the call or transaction in progress is done. */
  private queueTail: Promise<unknown> = Promise.resolve();
  /** Pending calls; while 0 a call runs at once, without waiting a turn of the event loop. */
  private queued = 0;
  private readonly insideTransaction = new AsyncLocalStorage<true>();
  private readonly handle: SqlQueries;

  constructor(private readonly db: Database) {
    this.handle = {
      all: async (sql, params) => this.allNow(sql, params),
      get: async (sql, params) => this.getNow(sql, params),
      run: async (sql, params) => this.runNow(sql, params),
      lock: async () => {},
    };
  }

  all<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.single(() => this.allNow<T>(sql, params));
  }

  get<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.single(() => this.getNow<T>(sql, params));
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<SqlRunResult> {
    return this.single(() => this.runNow(sql, params));
  }

  /** Outside a transaction there is nothing to serialize with another replica's: SQLite's own lock does that. */
  async lock(_key: string): Promise<void> {
    throw new Error('lock() is only for a transaction handle');
  }

  transaction<T>(work: (tx: SqlQueries) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await this.insideTransaction.run(true, () => work(this.handle));
      } catch (error) {
        // A failed COMMIT or an error SQLite answered with a rollback of its own leaves no transaction open.
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
      try {
        this.db.exec('COMMIT');
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
      return result;
    });
  }

  async close(): Promise<void> {
    await this.queueTail.catch(() => undefined);
    this.statements.clear();
    if (this.db.open) this.db.close();
  }

  /** One statement in its own (implicit) transaction, after whatever is in progress. */
  private single<T>(work: () => T): Promise<T> {
    if (this.queued === 0 && this.insideTransaction.getStore() === undefined) {
      // Nothing in progress: run now (better-sqlite3 is synchronous), no turn of the queue.
      try {
        return Promise.resolve(work());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.enqueue(async () => work());
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    if (this.insideTransaction.getStore() !== undefined) return Promise.reject(new NestedSqliteCallError());
    this.queued += 1;
    const run = this.queueTail.then(work);
    const done = run.finally(() => {
      this.queued -= 1;
    });
    this.queueTail = done.catch(() => undefined);
    return run;
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private allNow<T extends SqlRow>(sql: string, params: readonly SqlValue[] = []): T[] {
    return this.statement(sql).all(...params) as T[];
  }

  private getNow<T extends SqlRow>(sql: string, params: readonly SqlValue[] = []): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  private runNow(sql: string, params: readonly SqlValue[] = []): SqlRunResult {
    return { changes: this.statement(sql).run(...params).changes };
  }
}
