// Bolt's and @slack/web-api's logger interface on top of our pino logger, so their lines go through the same
// redaction (log.ts scrubs string arguments) and the same destination as ours.
import { format } from 'node:util';
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../log.js';

export function boltLogLevel(pinoLevel: string): LogLevel {
  switch (pinoLevel) {
    case 'trace':
    case 'debug':
      return LogLevel.DEBUG;
    case 'info':
      return LogLevel.INFO;
    case 'warn':
      return LogLevel.WARN;
    default:
      return LogLevel.ERROR;
  }
}

const PINO_LEVEL: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

export function boltLoggerFrom(logger: Logger): BoltLogger {
  let current = logger.child({ component: 'slack' });
  // Everything becomes one string, the shape log.ts's hook scrubs for tokens and secret values.
  const line = (messages: unknown[]) => format(...messages);
  return {
    debug: (...messages: unknown[]) => current.debug(line(messages)),
    info: (...messages: unknown[]) => current.info(line(messages)),
    warn: (...messages: unknown[]) => current.warn(line(messages)),
    error: (...messages: unknown[]) => current.error(line(messages)),
    setLevel: (level: LogLevel) => {
      current.level = PINO_LEVEL[level] ?? current.level;
    },
    getLevel: () => boltLogLevel(current.level),
    setName: (name: string) => {
      const level = current.level;
      current = logger.child({ component: name });
      current.level = level;
    },
  };
}
