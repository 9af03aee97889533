// `aws-root-guard serve`: runs the bot until SIGINT or SIGTERM, then shuts down cleanly.
import type { Env } from '../config.js';
import { startBot } from '../main.js';

export async function runServeCommand(env: Env): Promise<number> {
  const bot = await startBot(env);
  await new Promise<void>((resolve) => {
    const shutdown = (signal: NodeJS.Signals) => {
      bot.logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  await bot.stop();
  return 0;
}
