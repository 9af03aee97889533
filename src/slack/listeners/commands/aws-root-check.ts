// /aws-root-check [public|help]: ack at once (Slack allows 3 s; no AWS call happens before), then check who asks,
// then run the posture and deliver the report through the response_url.
import type { SlackCommandMiddlewareArgs } from '@slack/bolt';
import { renderRefusal, renderRunning, renderUsage } from '../../blocks/index.js';
import type { ListenerDeps } from '../../deps.js';
import { errorDetails } from '../../errors.js';
import { runPostureForUser } from '../posture-run.js';
import type { SlackClient } from '../slack-client.js';
import { parseSubcommand } from './subcommand.js';

export const AWS_ROOT_CHECK_COMMAND = '/aws-root-check';

export type CommandListenerArgs = Pick<SlackCommandMiddlewareArgs, 'command' | 'ack' | 'respond'> & { client: SlackClient };

export function awsRootCheck(deps: ListenerDeps): (args: CommandListenerArgs) => Promise<void> {
  return async ({ command, ack, respond, client }) => {
    const log = deps.logger.child({ command: command.command, userId: command.user_id, channelId: command.channel_id });
    // Whatever can be answered without a Slack or AWS call goes in the ack itself: one HTTP answer, no extra
    // response_url post, and the ack stays as fast as a bare one (bench/ack-latency.ts).
    const subcommand = parseSubcommand(command.text);
    if (subcommand.kind !== 'report') {
      const usage = renderUsage({ command: command.command, unknownSubcommand: subcommand.kind === 'unknown' ? subcommand.text : undefined });
      await ack({ response_type: 'ephemeral', ...usage });
      return;
    }
    const quickDecision = deps.authorizer.decideWithoutSlack?.(command.user_id) ?? null;
    if (quickDecision && !quickDecision.allowed) {
      log.warn({ reason: quickDecision.reason }, 'refused: user is not in the allowlist');
      await ack({ response_type: 'ephemeral', ...renderRefusal({ command: command.command, reason: quickDecision.reason }) });
      return;
    }
    if (quickDecision) await ack({ response_type: 'ephemeral', ...renderRunning({ visibility: subcommand.visibility }) });
    else await ack();
    try {
      const decision = quickDecision ?? (await deps.authorizer.authorize(command.user_id, client));
      if (!decision.allowed) {
        log.warn({ reason: decision.reason }, 'refused: user is not in the allowlist');
        await respond({ response_type: 'ephemeral', ...renderRefusal({ command: command.command, reason: decision.reason }) });
        return;
      }
      log.info({ via: decision.via, usergroupId: decision.usergroupId, visibility: subcommand.visibility }, 'posture run requested');
      await runPostureForUser(deps, {
        trigger: 'command',
        userId: command.user_id,
        channelId: command.channel_id || null,
        visibility: subcommand.visibility,
        replaceOriginal: false,
        respond: deps.responder && command.response_url ? deps.responder(command.response_url) : respond,
        client,
        runningShownInAck: quickDecision !== null,
      });
    } catch (error) {
      // Already acked: whatever failed here (a refused response_url for usage) is logged, never thrown at Bolt.
      log.error(errorDetails(error), 'slash command listener failed');
    }
  };
}
