// Where the PostgreSQL store lives: DATABASE_URL (postgres:// or postgresql://), with libpq's PG* variables filling
// in what the URL leaves out (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, PGSSLROOTCERT, PGSSLCERT,
// PGSSLKEY, PGCONNECT_TIMEOUT, PGAPPNAME, PGOPTIONS; a password in neither comes from PGPASSFILE or ~/.pgpass, through pg).
// Parsed here rather than by pg so every problem names its variable and the TLS modes mean what libpq's do:
//   disable      plain TCP (the default when neither sslmode nor PGSSLMODE is set)
//   require      TLS, the server's certificate not checked (checked against sslrootcert when one is given, as libpq does)
//   verify-ca    TLS, the certificate chain checked against sslrootcert (or the system's CAs), not the host name
//   verify-full  TLS, the chain and the host name checked
// libpq's allow and prefer fall back between TLS and plain text; node-postgres cannot, so they are refused rather
// than silently taken for one or the other.
import { readFileSync } from 'node:fs';
import type { PoolConfig } from 'pg';
import type { ConnectionOptions } from 'node:tls';
import { readWholeNumber, type Env } from '../config-reader.js';
import { maskSecrets } from '../secrets.js';

export const DATABASE_URL_VARIABLE = 'DATABASE_URL';

export type PostgresTlsMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';
const TLS_MODES: readonly PostgresTlsMode[] = ['disable', 'require', 'verify-ca', 'verify-full'];

/** URL query parameters understood, as libpq names them. */
const URL_PARAMETERS = ['host', 'port', 'user', 'password', 'dbname', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'connect_timeout', 'application_name', 'options'] as const;
type UrlParameter = (typeof URL_PARAMETERS)[number];

export interface PostgresConfig {
  /** DATABASE_URL with its password masked: safe for logs and `status`. */
  displayUrl: string;
  tls: PostgresTlsMode;
  /** What pg.Pool is given; its password is not enumerable, so logging the object does not print it. */
  pool: PoolConfig;
}

/** The PostgreSQL settings when DATABASE_URL is set (null: the embedded SQLite store); problems name the variable. */
export function readPostgresConfig(env: Env): { config: PostgresConfig | null; problems: string[] } {
  const problems: string[] = [];
  const raw = env[DATABASE_URL_VARIABLE]?.trim();
  if (!raw) return { config: null, problems };
  const displayUrl = maskSecrets(raw);

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`${DATABASE_URL_VARIABLE}="${displayUrl}" is not a URL: use postgres://user:password@host:5432/database (percent-encode @ : / in the password)`);
    return { config: null, problems };
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    problems.push(`${DATABASE_URL_VARIABLE}="${displayUrl}" is not a postgres:// or postgresql:// URL (unset it to keep the embedded SQLite store in DATA_DIR)`);
    return { config: null, problems };
  }
  const query = new Map<UrlParameter, string>();
  for (const [name, value] of url.searchParams) {
    if ((URL_PARAMETERS as readonly string[]).includes(name)) query.set(name as UrlParameter, value);
    else problems.push(`${DATABASE_URL_VARIABLE}: the parameter "${name}" is not supported (supported: ${URL_PARAMETERS.join(', ')})`);
  }
  const decode = (part: string) => (part ? decodeURIComponent(part) : undefined);
  const pick = (name: UrlParameter, fromUrl: string | undefined, variable: string): string | undefined => query.get(name) || fromUrl || env[variable]?.trim() || undefined;

  // A host of "[::1]" comes back bracketed; a socket directory is given as ?host=/run/postgresql.
  const host = pick('host', decode(url.hostname.replace(/^\[(.*)\]$/, '$1')), 'PGHOST');
  const portText = query.get('port') || url.port || env.PGPORT?.trim();
  let port: number | undefined;
  if (portText) {
    port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      problems.push(`${query.get('port') || url.port ? DATABASE_URL_VARIABLE : 'PGPORT'}: the port "${portText}" is not a whole number from 1 to 65535`);
      port = undefined;
    }
  }
  const database = pick('dbname', decode(url.pathname.replace(/^\//, '')), 'PGDATABASE');
  const user = pick('user', decode(url.username), 'PGUSER');
  const password = query.get('password') || decode(url.password) || env.PGPASSWORD || undefined;

  const timeoutName = query.has('connect_timeout') ? `${DATABASE_URL_VARIABLE} connect_timeout` : 'PGCONNECT_TIMEOUT';
  const timeoutText = query.get('connect_timeout') ?? env.PGCONNECT_TIMEOUT;
  const connectTimeoutSeconds = readWholeNumber({ [timeoutName]: timeoutText }, timeoutName, 10, 1, 600, 'seconds', problems);
  const poolSize = readWholeNumber(env, 'DATABASE_POOL_SIZE', 10, 1, 100, 'connections per replica', problems);

  const tls = readTls(query, env, problems);
  const pool: PoolConfig = {
    host,
    port,
    database,
    user,
    ssl: tls.options,
    max: poolSize,
    connectionTimeoutMillis: connectTimeoutSeconds * 1000,
    application_name: query.get('application_name') || env.PGAPPNAME?.trim() || 'aws-root-guard',
    // Server settings for each session, e.g. options=-c search_path=guard (a schema of its own in a shared database).
    options: query.get('options') || env.PGOPTIONS?.trim() || undefined,
  };
  if (password !== undefined) Object.defineProperty(pool, 'password', { value: password, enumerable: false, writable: false });
  if (problems.length > 0) return { config: null, problems };
  return { config: { displayUrl, tls: tls.mode, pool }, problems };
}

function readTls(query: Map<UrlParameter, string>, env: Env, problems: string[]): { mode: PostgresTlsMode; options: false | ConnectionOptions } {
  const modeFromUrl = query.get('sslmode');
  const modeText = modeFromUrl ?? env.PGSSLMODE?.trim() ?? 'disable';
  const where = modeFromUrl !== undefined ? `${DATABASE_URL_VARIABLE} sslmode` : 'PGSSLMODE';
  if (!(TLS_MODES as readonly string[]).includes(modeText)) {
    const why =
      modeText === 'allow' || modeText === 'prefer'
        ? ': it falls back between TLS and plain text, which node-postgres cannot do; use require (or verify-full) for TLS, disable for none'
        : '';
    problems.push(`${where}="${modeText}" is not one of ${TLS_MODES.join(', ')}${why}`);
    return { mode: 'disable', options: false };
  }
  const mode = modeText as PostgresTlsMode;
  const file = (parameter: 'sslrootcert' | 'sslcert' | 'sslkey', variable: string): string | undefined => {
    const path = query.get(parameter) ?? env[variable]?.trim();
    if (!path) return undefined;
    const named = query.has(parameter) ? `${DATABASE_URL_VARIABLE} ${parameter}` : variable;
    if (mode === 'disable') {
      problems.push(`${named} is set but TLS is off (sslmode disable): set sslmode=verify-full (or require) to use it`);
      return undefined;
    }
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      problems.push(`${named}="${path}" cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      return undefined;
    }
  };
  const ca = file('sslrootcert', 'PGSSLROOTCERT');
  const cert = file('sslcert', 'PGSSLCERT');
  const key = file('sslkey', 'PGSSLKEY');
  if (mode === 'disable') return { mode, options: false };
  if ((cert === undefined) !== (key === undefined)) problems.push(`${DATABASE_URL_VARIABLE}: a client certificate needs both sslcert and sslkey (or PGSSLCERT and PGSSLKEY)`);
  const options: ConnectionOptions = {};
  if (ca !== undefined) options.ca = ca;
  if (cert !== undefined) options.cert = cert;
  if (key !== undefined) Object.defineProperty(options, 'key', { value: key, enumerable: false });
  // libpq: require checks nothing, unless a root certificate is given, when it behaves as verify-ca.
  options.rejectUnauthorized = mode !== 'require' || ca !== undefined;
  if (mode === 'verify-ca' || (mode === 'require' && ca !== undefined)) options.checkServerIdentity = () => undefined;
  return { mode, options };
}
