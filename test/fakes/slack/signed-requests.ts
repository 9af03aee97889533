// Real signed requests to a Bolt HTTP receiver, as Slack sends them (../shared/SLACK-TESTING.md):
// X-Slack-Request-Timestamp + X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:" + ts + ":" + rawBody)), over the
// exact bytes sent; content type exactly application/x-www-form-urlencoded (no charset: Bolt answers 400 to it),
// so the body goes out as a string, never a URLSearchParams.
import { createHmac } from 'node:crypto';

export interface SignedRequestOptions {
  /** Unix seconds; default now. Older than 5 minutes makes Bolt answer 401. */
  timestamp?: number;
  /** Overrides the computed signature (to send a forged one). */
  signature?: string;
}

export interface ReceiverAnswer {
  status: number;
  body: string;
}

export function slackSignature(signingSecret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

async function postSigned(url: string, signingSecret: string, rawBody: string, options: SignedRequestOptions): Promise<ReceiverAnswer> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Slack-Request-Timestamp': String(timestamp),
      'X-Slack-Signature': options.signature ?? slackSignature(signingSecret, timestamp, rawBody),
    },
    body: rawBody,
  });
  return { status: response.status, body: await response.text() };
}

/** A slash command: flat form fields (command, text, user_id, channel_id, response_url, trigger_id, ...). */
export function signedSlashCommand(url: string, signingSecret: string, fields: Record<string, string>, options: SignedRequestOptions = {}): Promise<ReceiverAnswer> {
  return postSigned(url, signingSecret, new URLSearchParams(fields).toString(), options);
}

/** An interaction (block_actions, view_submission, ...): one form field `payload` holding the JSON. */
export function signedInteraction(url: string, signingSecret: string, payload: unknown, options: SignedRequestOptions = {}): Promise<ReceiverAnswer> {
  return postSigned(url, signingSecret, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), options);
}
