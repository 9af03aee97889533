// A run that failed as a whole (no AWS credentials, AWS unreachable, a bug): what failed and what to do, and a way
// to try again. The message comes from the error's user-facing side; the details stay in the log.
import type { SlackMessage } from './message.js';
import { POSTURE_RUN_AGAIN_ACTION_ID, runAgainValue } from './action-ids.js';
import { BLOCK_KIT_LIMITS } from './limits.js';
import { maskSecrets } from './mask.js';
import { mrkdwn, oneLine, plainText, truncate, untrustedMrkdwn } from './text.js';

const MESSAGE_MAX = 1500;

/** `accountId`: the watched account the run was about, so "Try again" runs that one again. */
export function renderError(message: string, accountId?: string): SlackMessage {
  const shown = message.trim() ? message : 'an unexpected error; the details are in the bot\'s log.';
  return {
    text: truncate(`The AWS root posture check failed: ${oneLine(maskSecrets(shown))}`, MESSAGE_MAX + 40),
    blocks: [
      { type: 'section', text: mrkdwn(`:warning: *The AWS root posture check failed.*\n${untrustedMrkdwn(shown, MESSAGE_MAX)}`) },
      {
        type: 'actions',
        elements: [{ type: 'button', action_id: POSTURE_RUN_AGAIN_ACTION_ID, text: plainText('Try again', BLOCK_KIT_LIMITS.buttonText), value: runAgainValue(accountId) }],
      },
    ],
  };
}
