// The PostgreSQL that CI starts answers the store's kind of statements through `pg`, and the harness refuses
// to skip under CI=true. The store's PostgreSQL backend (issue #9) builds its contract tests on this database.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from './postgres-database.js';

describe('the PostgreSQL test database harness', () => {
  it('skips with a reason on a laptop and fails under CI=true when TEST_DATABASE_URL is unset', () => {
    expect(testDatabaseUrl({ TEST_DATABASE_URL: ' postgres://u@127.0.0.1:5/db ' })).toBe('postgres://u@127.0.0.1:5/db');
    expect(testDatabaseUrl({})).toBeNull();
    expect(() => testDatabaseUrl({ CI: 'true' })).toThrow(/^CI=true but TEST_DATABASE_URL is not set/);
  });
});

const url = testDatabaseUrl();

describe.skipIf(url === null)('PostgreSQL at TEST_DATABASE_URL', () => {
  let pool: pg.Pool;

  beforeAll(() => {
    pool = new pg.Pool({ connectionString: url!, max: 2, connectionTimeoutMillis: 5_000 });
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('runs a parameterised query on a server version the store can use', async () => {
    const { rows } = await pool.query<{ version: number; sum: number }>("select current_setting('server_version_num')::int as version, $1::int + $2::int as sum", [40, 2]);
    expect(rows).toEqual([{ version: expect.any(Number), sum: 42 }]);
    expect(rows[0]!.version).toBeGreaterThanOrEqual(130000);
  });

  it('keeps one row per occurrence key (insert … on conflict do nothing) and lets two connections claim different rows (skip locked)', async () => {
    const table = `ci_probe_${process.pid}_${Date.now()}`;
    await pool.query(`create table ${table} (key text primary key, claimed_by text)`);
    try {
      const inserted = await Promise.all(['a', 'a', 'b'].map((key) => pool.query(`insert into ${table} (key) values ($1) on conflict do nothing`, [key])));
      expect(inserted.map((result) => result.rowCount).sort()).toEqual([0, 1, 1]);

      const first = await pool.connect();
      const second = await pool.connect();
      try {
        const claim = `select key from ${table} order by key limit 1 for update skip locked`;
        await first.query('begin');
        await second.query('begin');
        const firstClaim = await first.query<{ key: string }>(claim);
        const secondClaim = await second.query<{ key: string }>(claim);
        expect([firstClaim.rows[0]?.key, secondClaim.rows[0]?.key]).toEqual(['a', 'b']);
        await first.query('rollback');
        await second.query('rollback');
      } finally {
        first.release();
        second.release();
      }
    } finally {
      await pool.query(`drop table ${table}`);
    }
  });
});
