// "Run checks now" under the weekly summary: the same posture run as the command, answered privately to the
// person who pressed it; the summary in the channel stays as it was.
import { SUMMARY_RUN_CHECKS_ACTION_ID } from '../../blocks/summary.js';
import type { ListenerDeps } from '../../deps.js';
import { errorDetails } from '../../errors.js';
import { authorizeOrRefuse, replyPrivately } from '../allowlist.js';
import { runPostureForUser } from '../posture-run.js';
import type { BlockActionListenerArgs } from './posture-run-again.js';
import { deferredChild } from '../../../log.js';

export { SUMMARY_RUN_CHECKS_ACTION_ID };

export function summaryRunChecks(deps: ListenerDeps): (args: BlockActionListenerArgs) => Promise<void> {
  return async ({ ack, body, respond, client }) => {
    await ack();
    const userId = body.user.id;
    const channelId = body.channel?.id ?? null;
    const log = deferredChild(deps.logger, { action: SUMMARY_RUN_CHECKS_ACTION_ID, userId, channelId });
    await deps.afterAck(async () => {
      try {
        if (!(await authorizeOrRefuse(deps, userId, client, { use: deps.command, log, tell: replyPrivately(respond) }))) return;
        await runPostureForUser(deps, { trigger: 'button', userId, channelId, visibility: 'ephemeral', replaceOriginal: false, respond, client });
      } catch (error) {
        log.error(errorDetails(error), 'summary button listener failed');
      }
    });
  };
}
