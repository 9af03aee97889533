// The "Acknowledge — expected" modal: an optional reason, then one acknowledgment recorded on submission.
import type { ModalView } from '@slack/types';
import type { AlertDeps, ListenerDeps } from '../../deps.js';
import { setAlertState } from '../../../alerts/index.js';
import { errorDetails } from '../../errors.js';
import type { UsergroupDirectory } from '../../authorize.js';

export const ACKNOWLEDGE_REASON_CALLBACK_ID = 'alert_acknowledge_reason';
const REASON_BLOCK_ID = 'reason';
const REASON_ACTION_ID = 'reason_input';

export function acknowledgeReasonView(alertId: number): ModalView {
  return {
    type: 'modal',
    callback_id: ACKNOWLEDGE_REASON_CALLBACK_ID,
    private_metadata: JSON.stringify({ alertId }),
    title: { type: 'plain_text', text: 'Acknowledge alert' },
    submit: { type: 'plain_text', text: 'Acknowledge' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: REASON_BLOCK_ID,
        optional: true,
        label: { type: 'plain_text', text: 'Why was this root use expected?' },
        element: { type: 'plain_text_input', action_id: REASON_ACTION_ID, multiline: true, max_length: 500, placeholder: { type: 'plain_text', text: 'e.g. closing a test account' } },
      },
    ],
  };
}

interface ViewSubmissionArgs {
  ack: (response?: { response_action: 'errors'; errors: Record<string, string> }) => Promise<void>;
  body: { user: { id: string } };
  client: UsergroupDirectory;
  view: { private_metadata?: string; state: { values: Record<string, Record<string, { value?: string | null }>> } };
}

export function alertAcknowledgeReason(deps: ListenerDeps, alerts: AlertDeps) {
  return async ({ ack, body, view, client }: ViewSubmissionArgs): Promise<void> => {
    let alertId: number | null = null;
    try {
      alertId = Number((JSON.parse(view.private_metadata ?? '{}') as { alertId?: unknown }).alertId);
    } catch {
      alertId = null;
    }
    if (!alertId || !Number.isInteger(alertId)) {
      await ack({ response_action: 'errors', errors: { [REASON_BLOCK_ID]: 'This form lost track of its alert: press the button again.' } });
      return;
    }
    const decision = await deps.authorizer.authorize(body.user.id, client);
    if (!decision.allowed) {
      await ack({ response_action: 'errors', errors: { [REASON_BLOCK_ID]: 'You are not allowed to acknowledge alerts.' } });
      return;
    }
    await ack();
    const reason = view.state.values[REASON_BLOCK_ID]?.[REASON_ACTION_ID]?.value ?? null;
    try {
      const result = setAlertState(alerts.store, alertId, 'acknowledge', body.user.id, reason);
      deps.logger.info({ alertId, userId: body.user.id, changed: result.changed }, 'alert acknowledgment submitted');
      if (result.changed) alerts.wakeSender();
    } catch (error) {
      deps.logger.error({ ...errorDetails(error), alertId }, 'could not record the acknowledgment');
    }
  };
}
