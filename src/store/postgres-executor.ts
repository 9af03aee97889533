// The store's SqlExecutor on PostgreSQL, through a pg Pool. The store writes `?` placeholders (the subset both
// backends share): they become $1..$n here. Column values come back as SqlValue: int8 and numeric (count(*),
// sum(), bigint columns) as numbers, booleans as 1/0, json as its text, times as ISO strings; these parsers
// belong to this pool only (pg's global parser is left alone for any other pool in the process).
import pg from 'pg';
import type { SqlExecutor, SqlQueries, SqlRow, SqlRunResult, SqlValue } from './sql-executor.js';

// Type oids (pg_type.oid), stable across PostgreSQL versions.
const INT8 = 20;
const NUMERIC = 1700;
const BOOL = 16;
const JSON_OID = 114;
const JSONB = 3802;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

function storeTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8, (text: string) => {
    const value = Number(text);
    // A count or id past 2^53 cannot be a JS number without changing it: refuse rather than round.
    if (!Number.isSafeInteger(value)) throw new RangeError(`a bigint value ${text} does not fit a JavaScript number`);
    return value;
  });
  types.setTypeParser(NUMERIC, (text: string) => Number(text));
  types.setTypeParser(BOOL, (text: string) => (text === 't' ? 1 : 0));
  types.setTypeParser(JSON_OID, (text: string) => text);
  types.setTypeParser(JSONB, (text: string) => text);
  const timestampTz = pg.types.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => Date;
  types.setTypeParser(TIMESTAMPTZ, (text: string) => timestampTz(text).toISOString());
  // A timestamp without a zone is taken as UTC, as the store's times are.
  types.setTypeParser(TIMESTAMP, (text: string) => new Date(`${text.replace(' ', 'T')}Z`).toISOString());
  return types;
}

/** `?` placeholders to $1..$n, outside quoted strings, quoted names and comments. */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let index = 0;
  let n = 0;
  while (index < sql.length) {
    const char = sql[index]!;
    const next = sql[index + 1];
    let end = index + 1;
    if (char === "'" || char === '"') {
      // A doubled quote inside is an escaped one: scanning to the next quote and on covers it.
      end = sql.indexOf(char, index + 1);
      end = end === -1 ? sql.length : end + 1;
    } else if (char === '-' && next === '-') {
      end = sql.indexOf('\n', index);
      end = end === -1 ? sql.length : end + 1;
    } else if (char === '/' && next === '*') {
      end = sql.indexOf('*/', index + 2);
      end = end === -1 ? sql.length : end + 2;
    } else if (char === '?') {
      out += `$${++n}`;
      index += 1;
      continue;
    }
    out += sql.slice(index, end);
    index = end;
  }
  return out;
}

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

interface PreparedText {
  text: string;
  /** The name it is prepared under on each connection (parsed and planned once per connection, not per call). */
  name: string | undefined;
}

/**
 * The store's SQL is a fixed set of strings run over and over: each is translated once and, when it takes
 * parameters, prepared once per pooled connection. Text without parameters (migrations) goes as a simple query.
 */
class PlaceholderCache {
  private readonly translated = new Map<string, PreparedText>();
  of(sql: string): PreparedText {
    let prepared = this.translated.get(sql);
    if (prepared === undefined) {
      const cacheable = this.translated.size < 2_000;
      prepared = { text: numberPlaceholders(sql), name: cacheable ? `arg_${this.translated.size}` : undefined };
      if (cacheable) this.translated.set(sql, prepared);
    }
    return prepared;
  }

  query(sql: string, params: readonly SqlValue[]): pg.QueryConfig<SqlValue[]> {
    const { text, name } = this.of(sql);
    return params.length > 0 && name !== undefined ? { name, text, values: params as SqlValue[] } : { text, values: params as SqlValue[] };
  }
}

class PostgresQueries implements SqlQueries {
  constructor(
    private readonly target: Queryable,
    private readonly placeholders: PlaceholderCache,
    private readonly inTransaction: boolean,
  ) {}

  async all<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const result = await this.target.query<T>(this.placeholders.query(sql, params));
    return result.rows;
  }

  async get<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<SqlRunResult> {
    const result = await this.target.query(this.placeholders.query(sql, params));
    return { changes: result.rowCount ?? 0 };
  }

  async lock(key: string): Promise<void> {
    if (!this.inTransaction) throw new Error('lock() is only for inside a transaction: an advisory lock taken outside one would be released at once');
    // A 64-bit hash of the schema and the key: the same key serializes every connection and replica of one store;
    // advisory locks are database-wide, and a deployment in another schema of the database is another store.
    await this.target.query(`SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || '/' || $1, 0))`, [key]);
  }
}

export interface PostgresExecutorOptions {
  /** An idle pooled connection failed (the server restarted, the network dropped): pg drops it and reconnects. */
  onIdleError?: (error: Error) => void;
}

export class PostgresExecutor extends PostgresQueries implements SqlExecutor {
  readonly dialect = 'postgres' as const;
  private readonly placeholderCache: PlaceholderCache;

  private constructor(
    private readonly pool: pg.Pool,
    placeholderCache: PlaceholderCache,
  ) {
    super(pool, placeholderCache, false);
    this.placeholderCache = placeholderCache;
  }

  static open(poolConfig: pg.PoolConfig, options: PostgresExecutorOptions = {}): PostgresExecutor {
    const pool = new pg.Pool({ ...poolConfig, ...('password' in poolConfig ? { password: poolConfig.password } : {}), types: storeTypes() });
    // Without a listener, an idle client's error would be an uncaught 'error' event and end the process.
    pool.on('error', (error) => options.onIdleError?.(error));
    return new PostgresExecutor(pool, new PlaceholderCache());
  }

  async transaction<T>(work: (tx: SqlQueries) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const result = await work(new PostgresQueries(client, this.placeholderCache, true));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          // The connection is unusable: destroy it rather than hand it to the next transaction.
          broken = rollbackError as Error;
        }
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (!this.pool.ended && !this.pool.ending) await this.pool.end();
  }
}
