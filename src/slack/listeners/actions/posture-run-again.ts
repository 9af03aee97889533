// The "Run again" button under a report (and "Try again" under a failed run): same allowlist as the command;
// the new report replaces the message that held the button, wherever it is (ephemeral or in the channel).
import type { BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { accountIdFromRunAgainValue, POSTURE_RUN_AGAIN_ACTION_ID } from '../../blocks/index.js';
import type { ListenerDeps } from '../../deps.js';
import { errorDetails } from '../../errors.js';
import { authorizeOrRefuse, replyPrivately } from '../allowlist.js';
import { runPostureForUser } from '../posture-run.js';
import { watchedAccounts } from '../posture-target.js';
import type { SlackClient } from '../slack-client.js';
import { deferredChild } from '../../../log.js';

export { POSTURE_RUN_AGAIN_ACTION_ID };

export type BlockActionListenerArgs = Pick<SlackActionMiddlewareArgs<BlockAction>, 'ack' | 'body' | 'respond'> & { client: SlackClient };

export function postureRunAgain(deps: ListenerDeps): (args: BlockActionListenerArgs) => Promise<void> {
  return async ({ ack, body, respond, client }) => {
    await ack();
    const userId = body.user.id;
    const channelId = body.channel?.id ?? (typeof body.container?.channel_id === 'string' ? body.container.channel_id : null);
    const log = deferredChild(deps.logger, { action: POSTURE_RUN_AGAIN_ACTION_ID, userId, channelId });
    // What the work after the ack reads of the payload (which holds the whole message); the payload is let go.
    const isEphemeral = body.container?.is_ephemeral === true;
    // The button names the account its report is about; an account no longer watched is not run.
    const button = body.actions.find((action) => action.action_id === POSTURE_RUN_AGAIN_ACTION_ID);
    const accountId = accountIdFromRunAgainValue(button && 'value' in button ? button.value : undefined);
    // The pooled responder, as for the command: a flood of presses is as many report posts.
    const reply = deps.responder && body.response_url ? deps.responder(body.response_url) : respond;
    await deps.afterAck(async () => {
      try {
        // Refused: the report stays; only the clicker sees the refusal.
        const decision = await authorizeOrRefuse(deps, userId, client, { use: deps.command, log, tell: replyPrivately(respond) });
        if (!decision) return;
        const account = accountId ? watchedAccounts(deps).find((watched) => watched.id === accountId) : undefined;
        if (accountId && !account) {
          await replyPrivately(respond)({ text: `Account ${accountId} is no longer watched by the bot, so it was not checked again.` });
          return;
        }
        log.debug({ via: decision.via, usergroupId: decision.usergroupId, accountId }, 'posture run requested again');
        await runPostureForUser(deps, {
          trigger: 'button',
          userId,
          channelId,
          visibility: isEphemeral ? 'ephemeral' : 'in_channel',
          replaceOriginal: true,
          respond: reply,
          client,
          ...(account ? { account } : {}),
        });
      } catch (error) {
        log.error(errorDetails(error), 'button listener failed');
      }
    });
  };
}
