// Every setting, parsed and validated in one place. An error names the variable and how to set it.
import { ConfigError, readWholeNumber, type Env } from './config-reader.js';
import { readAlertsConfig, type AlertsConfig } from './alerts/config.js';
import { readPollConfig, type PollConfig } from './activity/poll-config.js';
import { parseSummaryConfig, type SummaryConfig } from './summary/config.js';
import { parsePostureScanConfig, type PostureScanConfig } from './posture/scan-config.js';
import { readAccountsConfig, type AccountsConfig } from './aws/accounts-config.js';
import { readPostgresConfig, type PostgresConfig } from './store/postgres-config.js';

export { ConfigError, type Env } from './config-reader.js';

export interface PostureConfig {
  /** Root used within this many days: the root-not-used-recently check fails. */
  rootUsedFailDays: number;
  /** Root used within this many days: the check warns. */
  rootUsedWarnDays: number;
  /** A credential report younger than this is reused instead of generating a new one. */
  credentialReportMaxAgeHours: number;
}

export interface AwsConfig {
  /** The region used for global services' calls (IAM, STS, Account); AWS_REGION, default us-east-1. */
  region: string;
}

export interface SlackConfig {
  mode: 'socket' | 'http';
  botToken: string;
  signingSecret: string | null;
  appToken: string | null;
  port: number;
  apiUrl: string;
  /** Slack user ids (U…/W…) allowed to run the command and press buttons; empty with no groups = everyone. */
  allowedUserIds: string[];
  /** Slack user group ids (S…) whose members are allowed. */
  allowedUsergroupIds: string[];
  /**
   * ALLOWED_RESPONDERS: who may acknowledge an alert or take it for investigation (both stop its reminders), user
   * ids and group ids. Empty: the same people as ALLOWED_USERS / ALLOWED_USERGROUPS.
   */
  allowedResponderUserIds: string[];
  allowedResponderUsergroupIds: string[];
}

export interface CheckCommandConfig {
  logLevel: string;
  aws: AwsConfig;
  posture: PostureConfig;
  /** Which accounts are watched and how the bot gets into them (src/aws/accounts-config.ts). */
  accounts: AccountsConfig;
}

export interface ServeConfig extends CheckCommandConfig {
  slack: SlackConfig;
  /** Where /healthz, /readyz and /metrics listen: PORT in HTTP mode, HEALTH_PORT (default PORT) in Socket Mode. */
  healthPort: number;
  dataDir: string;
  /** DATABASE_URL: the store on PostgreSQL (several replicas); null: the SQLite file in dataDir. */
  database: PostgresConfig | null;
  /** Where alerts go, reminders, escalation (src/alerts/config.ts). */
  alerts: AlertsConfig;
  /** The CloudTrail poller's schedule, regions and windows (src/activity/poll-config.ts). */
  poll: PollConfig;
  /** The weekly summary's schedule and time zone (src/summary/config.ts). */
  summary: SummaryConfig;
  /** POSTURE_SCHEDULE: the org-wide posture scan that keeps a snapshot per account. */
  postureScan: PostureScanConfig;
}

/** Collects every problem before failing, so a user fixes the whole config in one go. */
class Reader {
  readonly problems: string[] = [];
  constructor(readonly env: Env) {}

  optional(name: string): string | null {
    const value = this.env[name]?.trim();
    return value ? value : null;
  }

  required(name: string, how: string): string {
    const value = this.optional(name);
    if (value === null) {
      this.problems.push(`${name} is not set: ${how}`);
      return '';
    }
    return value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    return readWholeNumber(this.env, name, fallback, min, max, '', this.problems);
  }

  list(name: string, pattern: RegExp, what: string): string[] {
    const raw = this.optional(name);
    if (raw === null) return [];
    const items = raw.split(',').map((item) => item.trim()).filter(Boolean);
    for (const item of items) {
      if (!pattern.test(item)) this.problems.push(`${name}: "${item}" is not ${what}`);
    }
    return items;
  }

  url(name: string, fallback: string): string {
    const raw = this.optional(name) ?? fallback;
    try {
      const parsed = new URL(raw);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http(s)');
      return raw.endsWith('/') ? raw : `${raw}/`;
    } catch {
      this.problems.push(`${name}="${raw}" is not an http(s) URL (e.g. https://slack.com/api/)`);
      return fallback;
    }
  }

  check(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function readCheckConfig(reader: Reader): CheckCommandConfig {
  const logLevel = reader.optional('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) reader.problems.push(`LOG_LEVEL="${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  const rootUsedFailDays = reader.integer('ROOT_USED_FAIL_DAYS', 1, 0, 3650);
  const rootUsedWarnDays = reader.integer('ROOT_USED_WARN_DAYS', 90, 0, 3650);
  if (rootUsedWarnDays < rootUsedFailDays) {
    reader.problems.push(`ROOT_USED_WARN_DAYS (${rootUsedWarnDays}) must be at least ROOT_USED_FAIL_DAYS (${rootUsedFailDays})`);
  }
  const accounts = readAccountsConfig(reader.env);
  reader.problems.push(...accounts.problems);
  return {
    accounts: accounts.config,
    logLevel,
    aws: { region: reader.optional('AWS_REGION') ?? reader.optional('AWS_DEFAULT_REGION') ?? 'us-east-1' },
    posture: {
      rootUsedFailDays,
      rootUsedWarnDays,
      credentialReportMaxAgeHours: reader.integer('CREDENTIAL_REPORT_MAX_AGE_HOURS', 4, 0, 24),
    },
  };
}

/** Settings for the terminal `check`: AWS only, no Slack. */
export function loadCheckConfig(env: Env): CheckCommandConfig {
  const reader = new Reader(env);
  const config = readCheckConfig(reader);
  reader.check();
  return config;
}

/** Settings for `serve`: everything `check` needs plus Slack, the state directory, alerts, polling and the summary. */
export function loadServeConfig(env: Env): ServeConfig {
  const reader = new Reader(env);
  const base = readCheckConfig(reader);
  const appToken = reader.optional('SLACK_APP_TOKEN');
  const modeRaw = reader.optional('SLACK_MODE') ?? (appToken ? 'socket' : 'http');
  let mode: SlackConfig['mode'] = 'http';
  if (modeRaw === 'socket' || modeRaw === 'http') mode = modeRaw;
  else reader.problems.push(`SLACK_MODE="${modeRaw}" is not "socket" or "http"`);

  const botToken = reader.required('SLACK_BOT_TOKEN', 'the Bot User OAuth Token (xoxb-…) from your Slack app\'s "OAuth & Permissions" page');
  if (botToken && !botToken.startsWith('xoxb-')) reader.problems.push('SLACK_BOT_TOKEN does not start with "xoxb-": use the Bot User OAuth Token');
  let signingSecret: string | null = null;
  if (mode === 'http') {
    signingSecret = reader.required('SLACK_SIGNING_SECRET', 'the Signing Secret from your Slack app\'s "Basic Information" page (HTTP mode needs it)');
  } else {
    signingSecret = reader.optional('SLACK_SIGNING_SECRET');
    if (!appToken) reader.problems.push('SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…) with connections:write, from "Basic Information" > "App-Level Tokens"');
    else if (!appToken.startsWith('xapp-')) reader.problems.push('SLACK_APP_TOKEN does not start with "xapp-": use an app-level token');
  }

  const port = reader.integer('PORT', 3000, 1, 65535);
  const healthPortSet = reader.optional('HEALTH_PORT') !== null;
  const healthPort = reader.integer('HEALTH_PORT', port, 1, 65535);
  if (mode === 'http' && healthPortSet && healthPort !== port) {
    reader.problems.push(`HEALTH_PORT=${healthPort} applies to Socket Mode only: in HTTP mode /healthz, /readyz and /metrics are served on PORT (${port}); unset HEALTH_PORT`);
  }

  const alerts = readAlertsConfig(env, { requireChannel: true });
  const poll = readPollConfig(env);
  const summary = parseSummaryConfig(env);
  const postureScan = parsePostureScanConfig(env);
  const database = readPostgresConfig(env);
  reader.problems.push(...database.problems);
  reader.problems.push(...alerts.problems, ...poll.problems, ...summary.problems, ...postureScan.problems);
  if (base.accounts.watch.kind === 'self' && alerts.config.routes.units.size > 0) {
    reader.problems.push(`ALERT_ROUTES names ${[...alerts.config.routes.units.keys()].join(', ')}, but WATCH_ACCOUNTS is self: OU routes need the organization (WATCH_ACCOUNTS=organization or a list of accounts); route account ids instead`);
  }

  const responders = reader.list('ALLOWED_RESPONDERS', /^[UWS][A-Z0-9]+$/, 'a Slack user id (U… or W…) or user group id (S…)');
  const config: ServeConfig = {
    ...base,
    alerts: alerts.config,
    poll: poll.config,
    summary: summary.config,
    postureScan: postureScan.config,
    dataDir: reader.optional('DATA_DIR') ?? './data',
    database: database.config,
    healthPort: mode === 'http' ? port : healthPort,
    slack: {
      mode,
      botToken,
      signingSecret,
      appToken: mode === 'socket' ? appToken : null,
      port,
      apiUrl: reader.url('SLACK_API_URL', 'https://slack.com/api/'),
      allowedUserIds: reader.list('ALLOWED_USERS', /^[UW][A-Z0-9]+$/, 'a Slack user id (U… or W…)'),
      allowedUsergroupIds: reader.list('ALLOWED_USERGROUPS', /^S[A-Z0-9]+$/, 'a Slack user group id (S…)'),
      allowedResponderUserIds: responders.filter((id) => !id.startsWith('S')),
      allowedResponderUsergroupIds: responders.filter((id) => id.startsWith('S')),
    },
  };
  reader.check();
  return config;
}
