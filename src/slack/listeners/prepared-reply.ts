// A reply built, masked and serialized once, then posted to many response_urls: a coalesced posture run hands the
// same report to every requester (issue 10: 500 commands, one run), so its JSON is written once, not 500 times.
// Frozen all the way down, so no delivery can change what the others send. The JSON is kept UTF-8 encoded: a string
// body is encoded again on every socket write (about 10 KB of garbage per post of a typical report), a Buffer is
// written as it is.
import type { RespondArguments } from '@slack/bolt';

const JSON_BODY = Symbol('aws-root-guard.jsonBody');

export type PreparedReply<T extends RespondArguments = RespondArguments> = Readonly<T> & { readonly [JSON_BODY]: Buffer };

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

export function prepareReply<T extends RespondArguments>(reply: T): PreparedReply<T> {
  const json = Buffer.from(JSON.stringify(reply), 'utf8');
  // Not enumerable and a symbol: spreads, JSON.stringify, deepFreeze and Bolt's respond() see only the message.
  Object.defineProperty(reply, JSON_BODY, { value: json, enumerable: false });
  return deepFreeze(reply) as PreparedReply<T>;
}

/** The JSON a response_url gets for `message`: the prepared one when there is one. */
export function jsonBodyOf(message: string | RespondArguments): Buffer {
  if (typeof message === 'string') return Buffer.from(JSON.stringify({ text: message }), 'utf8');
  return (message as Partial<PreparedReply>)[JSON_BODY] ?? Buffer.from(JSON.stringify(message), 'utf8');
}
