// The whole bot as main.ts wires it with EVENTS_QUEUE_URL on moto's SQS, the fake AWS and the fake Slack: what the
// whole-bot tests of the events queue share (start, and stop in the reverse order).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startBot, type RunningBot } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import type { FakeAws } from '../fakes/aws/index.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { MOTO_CREDENTIALS, type startMoto } from '../fakes/moto.js';
import { botEnvironment } from './bot.js';

type Moto = NonNullable<Awaited<ReturnType<typeof startMoto>>>;

export interface QueueBot {
  bot: RunningBot;
  slack: FakeSlack;
  sqs: SQSClient;
  queueUrl: string;
  dataDir: string;
  /** The bot's environment (also set on process.env, where the SDK reads the AWS variables). */
  env: Record<string, string>;
  /** Puts one message body on the events queue. */
  send(body: string): Promise<void>;
  stop(): Promise<void>;
}

/** `deadLetterQueue`: make the queue as deploy/org-events.yaml does, with `<name>-dlq` as its RedrivePolicy's target. */
export async function startQueueBot(options: { moto: Moto; fakeAws: FakeAws; queueName: string; signingSecret: string; env?: Record<string, string>; deadLetterQueue?: boolean }): Promise<QueueBot> {
  const savedEnv = { ...process.env };
  const slack = await startFakeSlack();
  const sqs = new SQSClient({ region: 'us-east-1', endpoint: options.moto.url, credentials: MOTO_CREDENTIALS });
  let redrivePolicy: Record<string, string> = {};
  if (options.deadLetterQueue) {
    const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${options.queueName}-dlq` }))).QueueUrl!;
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    redrivePolicy = { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }) };
  }
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: options.queueName, Attributes: redrivePolicy }))).QueueUrl!;
  const dataDir = mkdtempSync(join(tmpdir(), `root-guard-${options.queueName}-`));
  // The SDK's own per-service endpoint variables point the queue's clients (SQS, and CloudWatch for its oldest
  // message) at moto; everything else at the fake AWS.
  const env = { ...botEnvironment({ slack, aws: options.fakeAws, dataDir, signingSecret: options.signingSecret }), EVENTS_QUEUE_URL: queueUrl, AWS_ENDPOINT_URL_SQS: options.moto.url, AWS_ENDPOINT_URL_CLOUDWATCH: options.moto.url, ...options.env };
  for (const [name, value] of Object.entries(env)) process.env[name] = value;
  const bot = await startBot(env, { listen: { port: 0, host: '127.0.0.1' }, logger: createLogger({ level: 'warn', secretValues: [], destination: { write: () => undefined } }) });
  return {
    bot,
    slack,
    sqs,
    queueUrl,
    dataDir,
    env,
    send: async (body) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    },
    stop: async () => {
      await bot.stop();
      await slack.close();
      sqs.destroy();
      rmSync(dataDir, { recursive: true, force: true });
      process.env = savedEnv;
    },
  };
}
