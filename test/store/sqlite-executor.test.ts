// The SQLite executor runs the store's async operations on one synchronous connection: a transaction that awaits
// between its statements has the connection to itself until it commits or rolls back.
import DatabaseConstructor from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { NestedSqliteCallError, SqliteExecutor } from '../../src/store/index.js';

const executors: SqliteExecutor[] = [];
function executor(): SqliteExecutor {
  const db = new DatabaseConstructor(':memory:');
  db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)');
  const created = new SqliteExecutor(db);
  executors.push(created);
  return created;
}
afterEach(async () => {
  for (const created of executors.splice(0)) await created.close();
});

const names = async (sql: SqliteExecutor) => (await sql.all<{ name: string }>('SELECT name FROM items ORDER BY id')).map((row) => row.name);

describe('SqliteExecutor', () => {
  it('runs positional statements, returns rows, RETURNING ids and change counts', async () => {
    const sql = executor();
    const inserted = await sql.get<{ id: number }>('INSERT INTO items (name) VALUES (?) RETURNING id', ['a']);
    expect(inserted).toEqual({ id: 1 });
    expect(await sql.run('INSERT INTO items (name) VALUES (?) ON CONFLICT (name) DO NOTHING', ['a'])).toEqual({ changes: 0 });
    expect(await sql.get('SELECT name FROM items WHERE id = ?', [2])).toBeUndefined();
    expect(await names(sql)).toEqual(['a']);
  });

  it('a call made while a transaction awaits waits for its commit: it never runs inside it', async () => {
    const sql = executor();
    const order: string[] = [];
    let releaseWork: () => void = () => undefined;
    const workWaits = new Promise<void>((resolve) => {
      releaseWork = resolve;
    });
    const transaction = sql.transaction(async (tx) => {
      await tx.run('INSERT INTO items (name) VALUES (?)', ['in-transaction']);
      order.push('inserted');
      await workWaits;
      order.push('committing');
    });
    const outside = sql.all('SELECT name FROM items').then((rows) => order.push(`outside saw ${rows.length}`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual(['inserted']);
    releaseWork();
    await Promise.all([transaction, outside]);
    expect(order).toEqual(['inserted', 'committing', 'outside saw 1']);
  });

  it('rolls back every statement of a transaction whose work throws, and the next one runs', async () => {
    const sql = executor();
    await expect(
      sql.transaction(async (tx) => {
        await tx.run('INSERT INTO items (name) VALUES (?)', ['lost']);
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    // A statement failing inside (a UNIQUE violation) rolls back the rows before it too.
    await expect(
      sql.transaction(async (tx) => {
        await tx.run('INSERT INTO items (name) VALUES (?)', ['first']);
        await tx.run('INSERT INTO items (name) VALUES (?)', ['first']);
      }),
    ).rejects.toThrow(/UNIQUE/);
    await sql.transaction(async (tx) => {
      await tx.run('INSERT INTO items (name) VALUES (?)', ['kept']);
    });
    expect(await names(sql)).toEqual(['kept']);
  });

  it('refuses a call on the executor itself from inside a transaction (it would wait for its own transaction)', async () => {
    const sql = executor();
    await expect(sql.transaction(async () => sql.all('SELECT 1 AS one'))).rejects.toThrow(NestedSqliteCallError);
    await expect(sql.transaction(async () => sql.transaction(async () => 1))).rejects.toThrow(NestedSqliteCallError);
    expect(await sql.get('SELECT 1 AS one')).toEqual({ one: 1 });
  });

  it('transactions queued together run one after another, in the order they were asked for', async () => {
    const sql = executor();
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        sql.transaction(async (tx) => {
          const count = (await tx.get<{ count: number }>('SELECT COUNT(*) AS count FROM items'))!.count;
          await new Promise((resolve) => setTimeout(resolve, 5));
          await tx.run('INSERT INTO items (name) VALUES (?)', [`${name}${count}`]);
        }),
      ),
    );
    expect(await names(sql)).toEqual(['a0', 'b1', 'c2']);
  });
});
