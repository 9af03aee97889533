// When an alert's post needs a chat.update (pure): messages are rendered when they are sent, so a post Slack has not
// been handed yet shows the latest state anyway, and one update still pending covers every change before it.
import type { OutboxState } from './model.js';

export interface AlertPostProgress {
  /** The alert post's outbox row, or null if it is missing. */
  post: { state: OutboxState; uncertain: boolean } | null;
  /** An 'alert-update' of this alert is already waiting to be sent. */
  updatePending: boolean;
}

/** Whether a change to the alert must queue an 'alert-update' of its post. */
export function alertUpdateNeeded(progress: AlertPostProgress): boolean {
  // Not handed to Slack yet (and not possibly sent by a process that died): it will be rendered with this change.
  if (progress.post !== null && progress.post.state === 'pending' && !progress.post.uncertain) return false;
  return !progress.updatePending;
}
