// DATABASE_URL and the PG* variables, read into what pg.Pool is given: every problem names its variable, TLS modes
// mean what libpq's do, and the password is never in what a log line of the config would print.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPostgresConfig } from '../../src/store/postgres-config.js';

const certDir = mkdtempSync(join(tmpdir(), 'arg-pg-tls-'));
const caPath = join(certDir, 'root.crt');
writeFileSync(caPath, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
afterAll(() => rmSync(certDir, { recursive: true, force: true }));

const read = (env: Record<string, string>) => readPostgresConfig(env);
const config = (env: Record<string, string>) => {
  const { config: parsed, problems } = read(env);
  expect(problems).toEqual([]);
  return parsed!;
};

describe('DATABASE_URL', () => {
  it('unset or blank: no PostgreSQL (the embedded SQLite store), no problem', () => {
    expect(read({})).toEqual({ config: null, problems: [] });
    expect(read({ DATABASE_URL: '  ' })).toEqual({ config: null, problems: [] });
  });

  it('takes host, port, user, password and database from the URL, the password hidden from JSON and masked in displayUrl', () => {
    const parsed = config({ DATABASE_URL: 'postgres://guard:s3cr%40t-pass@db.internal:6432/aws_root_guard' });
    expect(parsed.pool).toMatchObject({ host: 'db.internal', port: 6432, user: 'guard', database: 'aws_root_guard', ssl: false, max: 10, connectionTimeoutMillis: 10_000, application_name: 'aws-root-guard' });
    expect(parsed.pool.password).toBe('s3cr@t-pass');
    expect(JSON.stringify(parsed)).not.toContain('s3cr');
    expect(parsed.displayUrl).toBe('postgres://guard:[REDACTED]@db.internal:6432/aws_root_guard');
    expect(parsed.tls).toBe('disable');
    expect(config({ DATABASE_URL: 'postgresql://[::1]/x' }).pool).toMatchObject({ host: '::1', database: 'x' });
  });

  it('fills what the URL leaves out from the PG* variables; the URL wins where it says something', () => {
    const env = { PGHOST: 'pg.example', PGPORT: '5433', PGUSER: 'envuser', PGPASSWORD: 'envpassword', PGDATABASE: 'envdb', PGAPPNAME: 'guard-a', PGOPTIONS: '-c search_path=guard' };
    expect(config({ ...env, DATABASE_URL: 'postgres://' }).pool).toMatchObject({ host: 'pg.example', port: 5433, user: 'envuser', password: 'envpassword', database: 'envdb', application_name: 'guard-a', options: '-c search_path=guard' });
    expect(config({ ...env, DATABASE_URL: 'postgres://u@h:1/d' }).pool).toMatchObject({ host: 'h', port: 1, user: 'u', password: 'envpassword', database: 'd' });
    // A socket directory, as libpq takes it.
    expect(config({ DATABASE_URL: 'postgres:///guard?host=/run/postgresql' }).pool).toMatchObject({ host: '/run/postgresql', database: 'guard' });
    // No password anywhere: pg then reads PGPASSFILE or ~/.pgpass.
    expect('password' in config({ DATABASE_URL: 'postgres://u@h/d' }).pool).toBe(false);
  });

  it('refuses what is not a postgres URL, naming DATABASE_URL and keeping the password out of the message', () => {
    const notPostgres = read({ DATABASE_URL: 'mysql://root:topsecret@db/x' });
    expect(notPostgres.config).toBeNull();
    expect(notPostgres.problems).toEqual(['DATABASE_URL="mysql://root:[REDACTED]@db/x" is not a postgres:// or postgresql:// URL (unset it to keep the embedded SQLite store in DATA_DIR)']);
    expect(read({ DATABASE_URL: 'db.internal:5432' }).problems[0]).toMatch(/^DATABASE_URL="db.internal:5432" is not a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(read({ DATABASE_URL: 'not a url' }).problems).toEqual(['DATABASE_URL="not a url" is not a URL: use postgres://user:password@host:5432/database (percent-encode @ : / in the password)']);
  });

  it('names a bad port, an unknown parameter, a bad timeout and a bad pool size', () => {
    expect(read({ DATABASE_URL: 'postgres://h/d?port=0' }).problems).toEqual(['DATABASE_URL: the port "0" is not a whole number from 1 to 65535']);
    expect(read({ DATABASE_URL: 'postgres://h/d', PGPORT: 'five' }).problems).toEqual(['PGPORT: the port "five" is not a whole number from 1 to 65535']);
    expect(read({ DATABASE_URL: 'postgres://h/d?ssl=true&target_session_attrs=any' }).problems).toEqual([
      expect.stringMatching(/^DATABASE_URL: the parameter "ssl" is not supported \(supported: host, port, .*sslmode/),
      expect.stringMatching(/^DATABASE_URL: the parameter "target_session_attrs" is not supported/),
    ]);
    expect(read({ DATABASE_URL: 'postgres://h/d?connect_timeout=0' }).problems).toEqual(['DATABASE_URL connect_timeout="0" is not a whole number of seconds from 1 to 600 (default 10)']);
    expect(config({ DATABASE_URL: 'postgres://h/d', PGCONNECT_TIMEOUT: '3' }).pool.connectionTimeoutMillis).toBe(3_000);
    expect(read({ DATABASE_URL: 'postgres://h/d', DATABASE_POOL_SIZE: '500' }).problems).toEqual(['DATABASE_POOL_SIZE="500" is not a whole number of connections per replica from 1 to 100 (default 10)']);
    expect(config({ DATABASE_URL: 'postgres://h/d', DATABASE_POOL_SIZE: '4' }).pool.max).toBe(4);
  });
});

describe('TLS: sslmode in the URL, else PGSSLMODE', () => {
  it('require encrypts without checking the certificate; verify-ca checks the chain only; verify-full the chain and the host', () => {
    const require = config({ DATABASE_URL: 'postgres://h/d?sslmode=require' });
    expect(require.tls).toBe('require');
    expect(require.pool.ssl).toEqual({ rejectUnauthorized: false });
    const verifyCa = config({ DATABASE_URL: `postgres://h/d?sslmode=verify-ca&sslrootcert=${caPath}` });
    expect(verifyCa.pool.ssl).toMatchObject({ rejectUnauthorized: true, ca: expect.stringContaining('BEGIN CERTIFICATE') });
    expect((verifyCa.pool.ssl as { checkServerIdentity?: () => unknown }).checkServerIdentity?.()).toBeUndefined();
    const verifyFull = config({ DATABASE_URL: 'postgres://h/d?sslmode=verify-full' });
    // The system's CAs and Node's own host name check.
    expect(verifyFull.pool.ssl).toEqual({ rejectUnauthorized: true });
    // As libpq: require with a root certificate verifies the chain.
    expect(config({ DATABASE_URL: 'postgres://h/d?sslmode=require', PGSSLROOTCERT: caPath }).pool.ssl).toMatchObject({ rejectUnauthorized: true, ca: expect.any(String) });
  });

  it('reads PGSSLMODE when the URL has no sslmode, and the URL wins over it', () => {
    expect(config({ DATABASE_URL: 'postgres://h/d', PGSSLMODE: 'verify-full' }).tls).toBe('verify-full');
    expect(config({ DATABASE_URL: 'postgres://h/d?sslmode=disable', PGSSLMODE: 'verify-full' }).pool.ssl).toBe(false);
  });

  it('refuses prefer and allow (node-postgres cannot fall back), unknown modes, unreadable files, and files with TLS off', () => {
    expect(read({ DATABASE_URL: 'postgres://h/d?sslmode=prefer' }).problems).toEqual([
      'DATABASE_URL sslmode="prefer" is not one of disable, require, verify-ca, verify-full: it falls back between TLS and plain text, which node-postgres cannot do; use require (or verify-full) for TLS, disable for none',
    ]);
    expect(read({ DATABASE_URL: 'postgres://h/d', PGSSLMODE: 'no-verify' }).problems).toEqual(['PGSSLMODE="no-verify" is not one of disable, require, verify-ca, verify-full']);
    expect(read({ DATABASE_URL: `postgres://h/d?sslmode=verify-full&sslrootcert=${join(certDir, 'missing.crt')}` }).problems).toEqual([
      `DATABASE_URL sslrootcert="${join(certDir, 'missing.crt')}" cannot be read: ENOENT`,
    ]);
    expect(read({ DATABASE_URL: 'postgres://h/d', PGSSLROOTCERT: caPath }).problems).toEqual(['PGSSLROOTCERT is set but TLS is off (sslmode disable): set sslmode=verify-full (or require) to use it']);
    expect(read({ DATABASE_URL: `postgres://h/d?sslmode=verify-full&sslcert=${caPath}` }).problems).toEqual([
      'DATABASE_URL: a client certificate needs both sslcert and sslkey (or PGSSLCERT and PGSSLKEY)',
    ]);
  });
});
