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
