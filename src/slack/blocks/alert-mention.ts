// Mentions in alert messages. Pure.
import { escapeMrkdwn } from './text.js';

/** A Slack user id as a mention; anything that is not one is shown as text (it could not notify anyone). */
export function userMention(userId: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/** A mention already built elsewhere (the store's reminder payload): kept only if it is a user group mention. */
export function storedUsergroupMention(mention: unknown): string | null {
  return typeof mention === 'string' && /^<!subteam\^S[A-Z0-9]{2,}(\|[^<>]*)?>$/.test(mention) ? mention : null;
}
