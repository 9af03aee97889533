// A user asked for a fresh run moments after starting one: say when they can, instead of starting hundreds.
import type { SlackMessage } from './message.js';
import { mrkdwn } from './text.js';

export interface CooldownOptions {
  retryInMs: number;
}

export function renderCooldown(options: CooldownOptions): SlackMessage {
  const seconds = Math.max(1, Math.ceil(options.retryInMs / 1000));
  const text = `You started a posture check moments ago: a new one can start in ${seconds} s. Runs already going, and results under a minute old, are shared with everyone who asks.`;
  return { text, blocks: [{ type: 'context', elements: [mrkdwn(`:hourglass: ${text}`)] }] };
}
