// `aws-root-guard serve`: runs the bot until SIGINT or SIGTERM, then shuts down cleanly. A bot that cannot
// go on (its database file deleted or replaced) is stopped too, and the exit code says so.
import type { Env } from '../config.js';
import { startBot } from '../main.js';
import { installProcessGuards } from '../process-guard.js';

/** Exit code when the bot stopped itself because it could not go on. */
const EXIT_FATAL = 1;

export async function runServeCommand(env: Env): Promise<number> {
  const bot = await startBot(env);
  // Unhandled rejections are logged and serving goes on; an uncaught exception stops the bot (process-guard.ts).
  const guards = installProcessGuards(bot.logger);
  const signalled = new Promise<'signal'>((resolve) => {
    const shutdown = (signal: NodeJS.Signals) => {
      bot.logger.info({ signal }, 'shutting down');
      resolve('signal');
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  const outcome = await Promise.race([signalled, bot.fatal, guards.fatal]);
  await bot.stop();
  guards.uninstall();
  return outcome === 'signal' ? 0 : EXIT_FATAL;
}
