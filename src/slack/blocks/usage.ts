// Usage of the slash command: for `help`, and for any text it does not understand.
import type { KnownBlock } from '@slack/types';
import { maskSecrets } from './mask.js';
import type { SlackMessage } from './message.js';
import { mrkdwn, oneLine, truncate, untrustedMrkdwn } from './text.js';

export const DEFAULT_COMMAND = '/aws-root-check';
const ECHO_MAX = 80;

export interface UsageOptions {
  /** The command as the workspace knows it (an admin may rename it in the manifest). */
  command?: string;
  /** The text the user typed that is not a subcommand: echoed back, so they see what was not understood. */
  unknownSubcommand?: string;
}

export function renderUsage(options: UsageOptions = {}): SlackMessage {
  const command = options.command ?? DEFAULT_COMMAND;
  const lines = [
    `• \`${command}\`  checks the root user of the AWS account the bot watches (with several accounts: the organization overview); only you see it`,
    `• \`${command} public\`  posts it in this channel for everyone`,
    `• \`${command} <account id | alias | name>\`  one watched account's full report`,
    `• \`${command} failing\`  only the accounts with failing checks`,
    `• \`${command} alerts\`  lists the root activity alerts nobody has acknowledged yet`,
    `• \`${command} summary\`  shows this week's hygiene summary so far`,
    `• \`${command} status\`  shows which accounts and Regions are watched, by which source, and what could not be read`,
    `• \`${command} help\`  shows this help`,
  ];
  const blocks: KnownBlock[] = [];
  let text = `How to use ${command}: ${command} for a private report, ${command} public to post it in the channel.`;
  if (options.unknownSubcommand !== undefined) {
    const echoed = untrustedMrkdwn(options.unknownSubcommand.replace(/`/g, "'"), ECHO_MAX);
    blocks.push({ type: 'section', text: mrkdwn(`:thinking_face: Unknown subcommand \`${echoed}\`.`) });
    text = `Unknown subcommand "${truncate(oneLine(options.unknownSubcommand), ECHO_MAX)}". ${text}`;
  }
  blocks.push({ type: 'section', text: mrkdwn(`*How to use ${command}*\n${lines.join('\n')}`) });
  return { text: maskSecrets(text), blocks };
}
