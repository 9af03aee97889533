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
  // Everything becomes one string, the shape log.ts's hook scrubs for tokens and secret values. Bolt logs several
  // debug lines per request: formatted only when the level is on, so the ack path does no work for them.
  const write = (level: 'debug' | 'info' | 'warn' | 'error', messages: unknown[]) => {
    if (current.isLevelEnabled(level)) current[level](format(...messages));
  };
  return {
    debug: (...messages: unknown[]) => write('debug', messages),
    info: (...messages: unknown[]) => write('info', messages),
    warn: (...messages: unknown[]) => write('warn', messages),
    error: (...messages: unknown[]) => write('error', messages),
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
