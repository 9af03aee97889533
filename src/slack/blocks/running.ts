// The placeholder a user sees while the posture runs (a few seconds: AWS calls and the credential report).
import type { SlackMessage } from './message.js';
import { mrkdwn } from './text.js';

export interface RunningOptions {
  /** Where the report will land: said out loud, so a public run does not surprise anyone. */
  visibility?: 'ephemeral' | 'in_channel';
}

export function renderRunning(options: RunningOptions = {}): SlackMessage {
  const where = options.visibility === 'in_channel' ? 'the report will be posted in this channel' : 'the report will appear here';
  const text = `Checking the root user of the AWS account… ${where} in a few seconds.`;
  return { text, blocks: [{ type: 'context', elements: [mrkdwn(`:hourglass_flowing_sand: ${text}`)] }] };
}
