// pino, with every secret scrubbed before a line is written: by key, by token shape and by known value.
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

const SECRET_KEYS = /^(authorization|token|bottoken|apptoken|signingsecret|secretaccesskey|sessiontoken|aws_secret_access_key|aws_session_token|password|client_secret|x-slack-signature)$/i;

// Slack tokens, and AWS access key ids (kept to their last 4 characters so logs still tell keys apart).
const TOKEN_SHAPES: Array<[RegExp, (match: string) => string]> = [
  [/\bxox[abposre]-[A-Za-z0-9-]+/g, () => '[REDACTED slack token]'],
  [/\bxapp-[A-Za-z0-9-]+/g, () => '[REDACTED slack app token]'],
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, (key) => `${key.slice(0, 4)}…${key.slice(-4)}`],
];

export function scrubString(text: string, secretValues: readonly string[]): string {
  let scrubbed = text;
  for (const value of secretValues) {
    if (value.length >= 8) scrubbed = scrubbed.split(value).join('[REDACTED]');
  }
  for (const [shape, replace] of TOKEN_SHAPES) scrubbed = scrubbed.replace(shape, replace);
  return scrubbed;
}

function scrub(value: unknown, secretValues: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return scrubString(value, secretValues);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrubString(value.message, secretValues), stack: value.stack ? scrubString(value.stack, secretValues) : undefined, code: (value as { code?: unknown }).code };
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, secretValues, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEYS.test(key) ? '[REDACTED]' : scrub(item, secretValues, depth + 1);
  }
  return out;
}

/** Values from the environment that are secrets whatever their shape. */
export function secretValuesFromEnv(env: Record<string, string | undefined>): string[] {
  return ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']
    .map((name) => env[name])
    .filter((value): value is string => typeof value === 'string' && value.length > 0);
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
          const scrubbedArgs = args.map((arg) => (typeof arg === 'string' ? scrubString(arg, secretValues) : arg));
          method.apply(this, scrubbedArgs as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination(2),
  );
}
