// The acknowledge modal submitted: ack at once (the modal closes), check who submits, then record the
// acknowledgment with its reason through the alerts service. The store queues the chat.update and the audit row in
// the same transaction; the service wakes the sender to send it. A submission that lost (someone acknowledged meanwhile, or
// the same person submitted twice) records nothing, and its author is told privately in the alert's channel.
import type { SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ACKNOWLEDGE_REASON_ACTION_ID, ACKNOWLEDGE_REASON_BLOCK_ID, ACKNOWLEDGE_REASON_CALLBACK_ID, parseAcknowledgeModalMetadata } from '../../blocks/index.js';
import type { AlertDeps, ListenerDeps } from '../../deps.js';
import { errorDetails } from '../../errors.js';
import { alreadyDoneText, pressAllowlist, type AlertSlackClient } from '../actions/alert-action.js';
import { authorizeOrRefuse, type PrivateMessage } from '../allowlist.js';
import { deferredChild } from '../../../log.js';

export { ACKNOWLEDGE_REASON_CALLBACK_ID };

export type ViewSubmissionArgs = Pick<SlackViewMiddlewareArgs<ViewSubmitAction>, 'ack' | 'body' | 'view'> & { client: AlertSlackClient };

export function alertAcknowledgeReason(deps: ListenerDeps, alerts: AlertDeps): (args: ViewSubmissionArgs) => Promise<void> {
  const allowlist = pressAllowlist(deps, alerts, true);
  return async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const metadata = parseAcknowledgeModalMetadata(view.private_metadata);
    if (!metadata) {
      // Answered in the modal itself: without its alert id this form cannot do anything.
      await ack({ response_action: 'errors', errors: { [ACKNOWLEDGE_REASON_BLOCK_ID]: 'This form lost track of its alert: close it and press Acknowledge again.' } });
      deps.logger.warn({ userId, callbackId: view.callback_id }, 'acknowledge modal submitted without readable private_metadata');
      return;
    }
    await ack();
    const log = deferredChild(deps.logger, { view: ACKNOWLEDGE_REASON_CALLBACK_ID, alertId: metadata.alertId, userId });
    // A view submission has no response_url: private answers go to the alert's channel as ephemeral messages. The
    // channel comes from the alert's stored post, never from the modal's private_metadata, which the submitter's
    // client sends back and could have changed.
    const channel = await alerts.service.postChannelOf(metadata.alertId);
    const tell = async (message: PrivateMessage): Promise<void> => {
      if (!channel) {
        log.warn({ text: message.text }, 'cannot answer the submitter: the alert has no stored post to reply beside');
        return;
      }
      await client.chat.postEphemeral({ channel, user: userId, ...message });
    };
    try {
      if (!(await authorizeOrRefuse(allowlist, userId, client, { use: allowlist.use, allowlist: allowlist.allowlist, log, tell }))) return;
      const reason = view.state.values[ACKNOWLEDGE_REASON_BLOCK_ID]?.[ACKNOWLEDGE_REASON_ACTION_ID]?.value ?? null;
      const result = await alerts.service.acknowledge(metadata.alertId, userId, reason);
      if (result.changed) {
        log.info({ auditId: result.audit.id, withReason: result.audit.reason !== null }, 'alert acknowledged');
        return;
      }
      log.info({ state: result.current?.state ?? null, stateBy: result.current?.stateBy ?? null }, 'acknowledgment submitted, nothing changed');
      await tell({ text: alreadyDoneText(result.current, userId) });
    } catch (error) {
      log.error(errorDetails(error), 'could not record the acknowledgment');
      await tell({ text: 'The bot could not record your acknowledgment (the details are in its log). Press Acknowledge again in a moment.' }).catch(() => undefined);
    }
  };
}
