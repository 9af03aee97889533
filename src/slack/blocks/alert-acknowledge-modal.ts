// The "Acknowledge — expected" modal: one optional reason. Its private_metadata carries the alert id and where the
// alert message is, so the submission knows what it acknowledges and where to answer privately.
import type { ModalView } from '@slack/types';
import { mrkdwn, untrustedMrkdwn } from './text.js';

export const ACKNOWLEDGE_REASON_CALLBACK_ID = 'alert_acknowledge_reason';
export const ACKNOWLEDGE_REASON_BLOCK_ID = 'reason';
export const ACKNOWLEDGE_REASON_ACTION_ID = 'reason_input';
/** What the input accepts; the audit keeps up to 3000 (MAX_REASON_LENGTH). */
const ACKNOWLEDGE_REASON_MAX_LENGTH = 1000;

export interface AcknowledgeModalMetadata {
  alertId: number;
  /** The alert message the button was on (absent if the payload did not say). */
  channel: string | null;
  messageTs: string | null;
}

/** `headline`: plain text (alertHeadline), shown so the presser sees what they acknowledge. */
export function acknowledgeModal(metadata: AcknowledgeModalMetadata, headline: string): ModalView {
  return {
    type: 'modal',
    callback_id: ACKNOWLEDGE_REASON_CALLBACK_ID,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: 'Acknowledge alert' },
    submit: { type: 'plain_text', text: 'Acknowledge' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: mrkdwn(untrustedMrkdwn(headline, 2900)) },
      {
        type: 'input',
        block_id: ACKNOWLEDGE_REASON_BLOCK_ID,
        optional: true,
        label: { type: 'plain_text', text: 'Why was this root use expected?' },
        element: {
          type: 'plain_text_input',
          action_id: ACKNOWLEDGE_REASON_ACTION_ID,
          multiline: true,
          max_length: ACKNOWLEDGE_REASON_MAX_LENGTH,
          placeholder: { type: 'plain_text', text: 'e.g. closing a test account' },
        },
      },
    ],
  };
}

const CHANNEL_ID = /^[CGD][A-Z0-9]+$/;
const MESSAGE_TS = /^\d+\.\d+$/;

/** Reads private_metadata back; null when it is not ours (then the submission cannot say what it acknowledges). */
export function parseAcknowledgeModalMetadata(privateMetadata: string | undefined): AcknowledgeModalMetadata | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(privateMetadata ?? '');
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object') return null;
  const { alertId, channel, messageTs } = parsed as Record<string, unknown>;
  if (typeof alertId !== 'number' || !Number.isSafeInteger(alertId) || alertId <= 0) return null;
  return {
    alertId,
    channel: typeof channel === 'string' && CHANNEL_ID.test(channel) ? channel : null,
    messageTs: typeof messageTs === 'string' && MESSAGE_TS.test(messageTs) ? messageTs : null,
  };
}
