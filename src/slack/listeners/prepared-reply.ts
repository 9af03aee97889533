// A reply built, masked and serialized once, then posted to many response_urls: a coalesced posture run hands the
// same report to every requester (issue 10: 500 commands, one run), so its JSON is written once, not 500 times.
// Frozen all the way down, so no delivery can change what the others send.
import type { RespondArguments } from '@slack/bolt';

const JSON_BODY = Symbol('aws-root-guard.jsonBody');

export type PreparedReply<T extends RespondArguments = RespondArguments> = Readonly<T> & { readonly [JSON_BODY]: string };

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

export function prepareReply<T extends RespondArguments>(reply: T): PreparedReply<T> {
  const json = JSON.stringify(reply);
  // Not enumerable and a symbol: spreads, JSON.stringify and Bolt's respond() see only the message.
  Object.defineProperty(reply, JSON_BODY, { value: json, enumerable: false });
  return deepFreeze(reply) as PreparedReply<T>;
}

/** The JSON a response_url gets for `message`: the prepared one when there is one. */
export function jsonBodyOf(message: string | RespondArguments): string {
  if (typeof message === 'string') return JSON.stringify({ text: message });
  const prepared = (message as Partial<PreparedReply>)[JSON_BODY];
  return typeof prepared === 'string' ? prepared : JSON.stringify(message);
}
