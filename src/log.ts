// pino, with every secret scrubbed before a line is written: by field name, shape and known value (src/secrets.ts).
import { pino, type Logger, type DestinationStream } from 'pino';
import { isSecretField, maskSecrets, REDACTED } from './secrets.js';

export type { Logger };

function scrub(value: unknown, secretValues: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return maskSecrets(value, secretValues);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: maskSecrets(value.message, secretValues), stack: value.stack ? maskSecrets(value.stack, secretValues) : undefined, code: (value as { code?: unknown }).code };
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, secretValues, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSecretField(key, item) ? REDACTED : scrub(item, secretValues, depth + 1);
  }
  return out;
}

/** Values from the environment that are secrets whatever their shape. */
export function secretValuesFromEnv(env: Record<string, string | undefined>): string[] {
  return [...['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'PGPASSWORD'].map((name) => env[name]), urlPassword(env.DATABASE_URL)].filter(
    (value): value is string => typeof value === 'string' && value.length > 0,
  );
}

/** The password in DATABASE_URL, decoded: an error that quotes it without the URL around it is masked too. */
function urlPassword(url: string | undefined): string | undefined {
  try {
    return url ? decodeURIComponent(new URL(url.trim()).password) : undefined;
  } catch {
    return undefined;
  }
}

export interface LoggerOptions {
  level: string;
  secretValues: readonly string[];
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const { secretValues } = options;
  return pino(
    {
      level: options.level,
      base: { app: 'aws-root-guard' },
      formatters: { log: (object) => scrub(object, secretValues, 0) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const scrubbedArgs = args.map((arg) => (typeof arg === 'string' ? maskSecrets(arg, secretValues) : arg));
          method.apply(this, scrubbedArgs as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination(2),
  );
}

/** What a request handler writes: lines at four levels, with its bindings. A pino Logger is one. */
export interface LogLines {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

type LineLevel = keyof LogLines;

/**
 * A child logger made only when a line is first written at an enabled level: most requests write none at the
 * production level (info), and a pino child costs its bindings' serialization and about 1 KB per request
 * (bench/ack-latency.ts: 500 commands in flight at once).
 */
class DeferredChild implements LogLines {
  private child: Logger | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly bindings: Record<string, unknown>,
  ) {}

  private line(level: LineLevel, details: object, message: string): void {
    if (!this.logger.isLevelEnabled(level)) return;
    this.child ??= this.logger.child(this.bindings);
    this.child[level](details, message);
  }

  debug(details: object, message: string): void {
    this.line('debug', details, message);
  }

  info(details: object, message: string): void {
    this.line('info', details, message);
  }

  warn(details: object, message: string): void {
    this.line('warn', details, message);
  }

  error(details: object, message: string): void {
    this.line('error', details, message);
  }
}

export function deferredChild(logger: Logger, bindings: Record<string, unknown>): LogLines {
  return new DeferredChild(logger, bindings);
}
