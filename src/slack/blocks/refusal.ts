// What a user outside the allowlist sees: why, and who can change it. Nothing ran.
import type { SlackMessage } from './message.js';
import { DEFAULT_COMMAND } from './usage.js';
import { mrkdwn } from './text.js';

export type RefusalReason =
  /** The user is in neither ALLOWED_USERS nor a group of ALLOWED_USERGROUPS. */
  | 'not-allowed'
  /** Group membership could not be read from Slack (missing usergroups:read, rate limit): refused to be safe. */
  | 'membership-unknown';

export interface RefusalOptions {
  command?: string;
  reason?: RefusalReason;
  /** Which allowlist refused: the command's (ALLOWED_USERS / ALLOWED_USERGROUPS) or the responders' (ALLOWED_RESPONDERS). */
  allowlist?: 'users' | 'responders';
}

export function renderRefusal(options: RefusalOptions = {}): SlackMessage {
  const command = options.command ?? DEFAULT_COMMAND;
  const text = options.reason === 'membership-unknown'
    ? `You may not be allowed to use ${command}: your user group membership could not be checked right now. Try again in a minute, or ask the bot's admin.`
    : options.allowlist === 'responders'
      ? `You are not allowed to ${command}. The bot's admin can add you, or a user group of yours, to ALLOWED_RESPONDERS.`
      : `You are not allowed to use ${command}. The bot's admin can add you to ALLOWED_USERS, or to a user group listed in ALLOWED_USERGROUPS.`;
  return { text, blocks: [{ type: 'section', text: mrkdwn(`:no_entry: ${text}`) }] };
}
