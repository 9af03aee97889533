// The PostgreSQL database the store tests use: TEST_DATABASE_URL, which .ci/run sets after starting a throwaway
// cluster. Unset on a laptop: the tests skip with a printed reason; unset under CI=true: an error, so CI never
// silently skips them.
export const TEST_DATABASE_VARIABLE = 'TEST_DATABASE_URL';

export function testDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  const url = env[TEST_DATABASE_VARIABLE]?.trim();
  if (url) return url;
  const why = `${TEST_DATABASE_VARIABLE} is not set (a postgres:// URL of a database the tests may write to; .ci/run starts one)`;
  if (env.CI === 'true') throw new Error(`CI=true but ${why}`);
  console.warn(`[postgres] skipping PostgreSQL tests: ${why}`);
  return null;
}

/**
 * A schema of its own in the test database, so test files running in parallel never see each other's tables: the
 * URL selects it for every session (options=-c search_path=…); drop() removes it with everything in it.
 */
export async function freshSchema(url: string, label: string): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  const { default: pg } = await import('pg');
  const schema = `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: scoped.toString(),
    schema,
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
