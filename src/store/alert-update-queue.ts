// Queues a chat.update of an alert's post when alerts/alert-update.ts says one is needed: after events joined the
// alert or its state changed. Both the ingest and a state change do it, inside their transaction.
import { alertUpdateNeeded } from '../alerts/alert-update.js';
import type { Repositories } from './repositories/index.js';

export async function queueAlertUpdate(repos: Pick<Repositories, 'outbox'>, alertId: number, postId: number, now: string): Promise<void> {
  if (!alertUpdateNeeded(await repos.outbox.postProgress(alertId, postId))) return;
  await repos.outbox.insert({ kind: 'alert-update', alertId, parentId: postId, payload: {}, channel: null, now });
}
