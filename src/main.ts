// Composition root: config -> logger -> AWS -> Slack app -> schedules, wired once; graceful shutdown.
import { loadServeConfig, type Env, type ServeConfig } from './config.js';
import { createLogger, secretValuesFromEnv, type Logger } from './log.js';
import { createAwsClients, describeFatalAwsError } from './aws/index.js';
import { assessAccount } from './posture/index.js';
import { createAuthorizer, createSlackApp, startSlackApp } from './slack/index.js';
import { writeHeartbeat } from './heartbeat.js';

const HEARTBEAT_INTERVAL_MS = 30_000;

export interface RunningBot {
  config: ServeConfig;
  logger: Logger;
  /** The HTTP port (HTTP mode) or null (Socket Mode). */
  port: number | null;
  stop(): Promise<void>;
}

export interface StartBotOptions {
  /** Listen address override (tests: port 0 on 127.0.0.1). */
  listen?: { port?: number; host?: string };
  logger?: Logger;
}

export async function startBot(env: Env, options: StartBotOptions = {}): Promise<RunningBot> {
  const config = loadServeConfig(env);
  const secretValues = secretValuesFromEnv(env);
  const logger = options.logger ?? createLogger({ level: config.logLevel, secretValues });

  const aws = createAwsClients({ region: config.aws.region });
  const authorizer = createAuthorizer({
    allowedUserIds: config.slack.allowedUserIds,
    allowedUsergroupIds: config.slack.allowedUsergroupIds,
    logger: logger.child({ component: 'authorizer' }),
  });
  const app = createSlackApp(config.slack, {
    logger,
    authorizer,
    secretValues,
    runPosture: () => assessAccount(aws, config.posture),
    describeRunError: describeFatalAwsError,
  });
  const started = await startSlackApp(app, config.slack, options.listen);
  logger.info({ mode: started.mode, port: started.port }, 'aws-root-guard is running');

  writeHeartbeat(config.dataDir, new Date());
  const heartbeat = setInterval(() => {
    try {
      writeHeartbeat(config.dataDir, new Date());
    } catch (error) {
      logger.warn({ err: error }, 'could not write the heartbeat file');
    }
  }, HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();

  let stopping: Promise<void> | null = null;
  return {
    config,
    logger,
    port: started.port,
    stop() {
      stopping ??= (async () => {
        clearInterval(heartbeat);
        await app.stop();
        aws.destroy();
        logger.info('aws-root-guard stopped');
      })();
      return stopping;
    },
  };
}
