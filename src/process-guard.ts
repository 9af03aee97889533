// What the serving process does with an error nothing caught. Bolt 5.1.0 (the newest release) throws outside any
// handler for a signed `payload=null` (its HTTPReceiver reads `body.ssl_check` from the parsed null), as an
// unhandled rejection, which by default ends the process.
//   - An unhandled rejection is logged and the bot keeps serving: it is a promise nobody awaited (a request's own
//     work), and every state change the bot makes is one store transaction, so none is left half-done by it.
//   - An uncaught exception stops the bot cleanly (exit code 1) for its supervisor to restart: a synchronous throw
//     unwound some stack mid-way, so in-memory state (timers, leases, caches) may be broken; the store and the
//     outbox make a restart lose nothing.
import type { Logger } from './log.js';

export interface ProcessGuards {
  /** Resolves with the uncaught exception that means the bot should stop. */
  fatal: Promise<Error>;
  uninstall(): void;
}

export function installProcessGuards(logger: Logger, target: NodeJS.Process = process): ProcessGuards {
  const log = logger.child({ component: 'process' });
  let reportFatal: (error: Error) => void = () => undefined;
  const fatal = new Promise<Error>((resolve) => {
    reportFatal = resolve;
  });
  const onRejection = (reason: unknown) => {
    log.error({ err: reason }, 'unhandled promise rejection: logged, the bot keeps serving');
  };
  const onException = (error: Error) => {
    log.fatal({ err: error }, 'uncaught exception: stopping cleanly so that a supervisor starts the bot again');
    reportFatal(error);
  };
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return {
    fatal,
    uninstall() {
      target.off('unhandledRejection', onRejection);
      target.off('uncaughtException', onException);
    },
  };
}
