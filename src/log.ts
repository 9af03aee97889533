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
