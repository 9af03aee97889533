// openStore: SQLite in DATA_DIR unless DATABASE_URL is set; a PostgreSQL that cannot be reached stops the start
// with the variable and the reason, never the password; a bad DATABASE_URL is a configuration error of `serve`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadServeConfig } from '../../src/config.js';
import { openStore, PostgresUnavailableError, readPostgresConfig, STORE_FILE_NAME, type BotStore } from '../../src/store/index.js';
import { freePort } from '../support/bot.js';
import { tempDir } from './helpers.js';

const opened: BotStore[] = [];
const dirs: Array<ReturnType<typeof tempDir>> = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

describe('openStore', () => {
  it('opens the SQLite file in DATA_DIR when DATABASE_URL is not set', async () => {
    const dir = tempDir('arg-open-store-');
    dirs.push(dir);
    const store = await openStore({ dataDir: dir.path, database: null });
    opened.push(store);
    expect(store.location).toBe(join(dir.path, STORE_FILE_NAME));
    expect(existsSync(store.location)).toBe(true);
    expect(store.fileProblem()).toBeNull();
  });

  it('refuses a PostgreSQL it cannot reach, naming DATABASE_URL and the reason, the password masked', async () => {
    const port = await freePort();
    const database = readPostgresConfig({ DATABASE_URL: `postgres://guard:n0t-for-logs-123@127.0.0.1:${port}/aws_root_guard?connect_timeout=2` }).config!;
    const error = await openStore({ dataDir: '/nonexistent', database }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PostgresUnavailableError);
    expect((error as Error).message).toMatch(new RegExp(`^PostgreSQL at postgres://guard:\\[REDACTED\\]@127\\.0\\.0\\.1:${port}/aws_root_guard\\?connect_timeout=2 \\(DATABASE_URL\\) cannot be used: .*ECONNREFUSED`));
    expect((error as Error).message).not.toContain('n0t-for-logs');
  });
});

describe('DATABASE_URL in the serve configuration', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret', ALERT_CHANNEL: 'C0SECURITY' };

  it('is null without it (SQLite) and the parsed PostgreSQL settings with it', () => {
    expect(loadServeConfig(base).database).toBeNull();
    expect(loadServeConfig({ ...base, DATABASE_URL: 'postgres://guard@db:5432/x?sslmode=verify-full' }).database).toMatchObject({ tls: 'verify-full', pool: { host: 'db', database: 'x' } });
  });

  it('stops serve with the problem listed among the others', () => {
    const error = (() => {
      try {
        loadServeConfig({ ...base, DATABASE_URL: 'mysql://root:pw-secret-1@db/x', PORT: 'x' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(expect.arrayContaining([expect.stringMatching(/^PORT=/), 'DATABASE_URL="mysql://root:[REDACTED]@db/x" is not a postgres:// or postgresql:// URL (unset it to keep the embedded SQLite store in DATA_DIR)']));
  });
});
