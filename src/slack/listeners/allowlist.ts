// Who may act, asked the same way by every listener (the command, its buttons, the alert buttons and the modal): the
// allowlist decides, and a refusal is logged and shown to the asker alone through whatever channel the listener has
// (its ack, the response_url, an ephemeral message). Nothing runs for a refused user.
import type { RespondFn } from '@slack/bolt';
import type { LogLines } from '../../log.js';
import type { AuthorizationDecision, UsergroupDirectory } from '../authorize.js';
import { renderRefusal, type SlackMessage } from '../blocks/index.js';
import type { ListenerDeps } from '../deps.js';

export type AllowedDecision = Extract<AuthorizationDecision, { allowed: true }>;
type RefusedDecision = Extract<AuthorizationDecision, { allowed: false }>;

/** A message for one person: its text, and blocks when it has them. */
export type PrivateMessage = Pick<SlackMessage, 'text'> & Partial<Pick<SlackMessage, 'blocks'>>;

export interface Refusal {
  /** What was refused, as the message names it: the slash command, or "the alert buttons". */
  use: string;
  /** Which allowlist refused (default: the command's). */
  allowlist?: 'users' | 'responders';
  log: LogLines;
  /** Shows the refusal to the asker alone. */
  tell(message: PrivateMessage): Promise<unknown>;
}

export async function refuse(decision: RefusedDecision, refusal: Refusal): Promise<void> {
  refusal.log.warn({ reason: decision.reason, use: refusal.use, allowlist: refusal.allowlist ?? 'users' }, 'refused: user is not in the allowlist');
  await refusal.tell(renderRefusal({ command: refusal.use, reason: decision.reason, allowlist: refusal.allowlist }));
}

/** The decision when `userId` may go on; otherwise the refusal is logged and told, and null. */
export async function authorizeOrRefuse(deps: Pick<ListenerDeps, 'authorizer'>, userId: string, directory: UsergroupDirectory, refusal: Refusal): Promise<AllowedDecision | null> {
  const decision = await deps.authorizer.authorize(userId, directory);
  if (decision.allowed) return decision;
  await refuse(decision, refusal);
  return null;
}

/** Answers whoever pressed a button, privately; the message that held the button stays as it is. */
export function replyPrivately(respond: RespondFn): (message: PrivateMessage) => Promise<unknown> {
  return (message) => respond({ response_type: 'ephemeral', replace_original: false, ...message });
}
