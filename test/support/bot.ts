// What the whole-bot tests share: the environment that points the bot at the fake AWS and the fake Slack,
// and polling for something to happen.
import { FAKE_CREDENTIALS, type FakeAws } from '../fakes/aws/index.js';
import type { FakeSlack } from '../fakes/slack/index.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ALERT_CHANNEL = 'C0SECURITY';

/** Variables for `serve` against the fakes; the SDK reads the AWS ones from the process environment. */
export function botEnvironment(options: { slack: FakeSlack; aws: FakeAws | { url: string }; dataDir: string; signingSecret: string }): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: options.slack.botToken,
    SLACK_SIGNING_SECRET: options.signingSecret,
    SLACK_API_URL: options.slack.apiUrl,
    ALERT_CHANNEL,
    AWS_ENDPOINT_URL: options.aws.url,
    AWS_REGION: 'us-east-1',
    AWS_REGIONS: 'us-east-1',
    AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ROOT_GUARD_NO_DOTENV: '1',
    DATA_DIR: options.dataDir,
  };
}

export async function waitFor<T>(read: () => T | undefined | null | false | Promise<T | undefined | null | false>, what = 'a condition', timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Awaited: a condition that reads the store is async.
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for a child process to listen on, or to find closed). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
