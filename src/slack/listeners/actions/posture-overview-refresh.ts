// The "Refresh" button under the organization overview: a fresh run of every watched account, through the same
// coordinator as the command (accounts already running or checked in the last minute are not run again; one user
// cannot refresh again and again), then the overview, re-read from the store, replaces the message.
import type { BlockAction, RespondFn } from '@slack/bolt';
import { POSTURE_OVERVIEW_REFRESH_ACTION_ID, renderCooldown, type OverviewScope } from '../../blocks/index.js';
import type { ListenerDeps, OrganizationDeps } from '../../deps.js';
import { errorDetails } from '../../errors.js';
import { authorizeOrRefuse, replyPrivately } from '../allowlist.js';
import { replyWithOverview } from '../overview-reply.js';
import type { Visibility } from '../slack-client.js';
import type { BlockActionListenerArgs } from './posture-run-again.js';
import { deferredChild } from '../../../log.js';

export { POSTURE_OVERVIEW_REFRESH_ACTION_ID };

function scopeOf(body: BlockAction): OverviewScope {
  const button = body.actions.find((action) => action.action_id === POSTURE_OVERVIEW_REFRESH_ACTION_ID);
  return button && 'value' in button && button.value === 'failing' ? 'failing' : 'all';
}

export function postureOverviewRefresh(deps: ListenerDeps, organization: OrganizationDeps): (args: BlockActionListenerArgs) => Promise<void> {
  return async ({ ack, body, respond, client }) => {
    await ack();
    const userId = body.user.id;
    const log = deferredChild(deps.logger, { action: POSTURE_OVERVIEW_REFRESH_ACTION_ID, userId });
    // What the refreshed overview reads of the payload (which holds the whole message); the payload is let go.
    const view = { scope: scopeOf(body), visibility: body.container?.is_ephemeral === true ? ('ephemeral' as const) : ('in_channel' as const) };
    await deps.afterAck(async () => {
      try {
        if (!(await authorizeOrRefuse(deps, userId, client, { use: deps.command, log, tell: replyPrivately(respond) }))) return;
        const accountIds = organization.watchedAccounts().map((account) => account.id);
        const runs = deps.postureRuns.requestMany(accountIds, userId);
        if (runs.kind === 'cooldown') {
          await replyPrivately(respond)(renderCooldown({ retryInMs: runs.retryInMs }));
          return;
        }
        const settled = await Promise.allSettled(runs.results);
        const failed = settled.filter((result) => result.status === 'rejected').length;
        log.info({ accounts: accountIds.length, failed }, 'organization refreshed');
        await refreshed(deps, organization, respond, view);
      } catch (error) {
        log.error(errorDetails(error), 'refresh button listener failed');
      }
    });
  };
}

async function refreshed(deps: ListenerDeps, organization: OrganizationDeps, respond: RespondFn, view: { scope: OverviewScope; visibility: Visibility }): Promise<void> {
  // Read, rendered and posted in its turn in the delivery queue, behind the acks, as the command's overview.
  await deps.deliveries.run(() => replyWithOverview({ secretValues: deps.secretValues, organization }, { ...view, replaceOriginal: true, reply: respond, now: new Date() }));
}
