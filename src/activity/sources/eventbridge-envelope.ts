// Reading one SQS message body as an EventBridge event that carries a CloudTrail record (pure, never throws).
// EventBridge delivers CloudTrail management events as
//   { "version": "0", "id", "detail-type": "AWS API Call via CloudTrail" | "AWS Console Sign In via CloudTrail",
//     "source": "aws.<service>", "account", "time", "region", "resources": [], "detail": <the CloudTrail record> }
// (EventBridge User Guide, "Events from AWS services delivered via AWS CloudTrail"); `detail` is an object,
// not a string. Anything else is unreadable, with the reason.

export const CLOUDTRAIL_DETAIL_TYPES: ReadonlySet<string> = new Set(['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail']);

export type EnvelopeReading =
  | { readable: true; record: Record<string, unknown>; eventId: string; envelopeId: string | null }
  | { readable: false; reason: string; eventId: string | null };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readEventBridgeMessage(body: string | undefined): EnvelopeReading {
  if (typeof body !== 'string' || body.length === 0) return { readable: false, reason: 'the message has no body', eventId: null };
  let envelope: unknown;
  try {
    envelope = JSON.parse(body);
  } catch (error) {
    return { readable: false, reason: `the message body is not JSON (${error instanceof Error ? error.message : String(error)})`, eventId: null };
  }
  if (!isObject(envelope)) return { readable: false, reason: 'the message body is not a JSON object', eventId: null };
  const detailType = envelope['detail-type'];
  const detail = envelope.detail;
  const eventId = isObject(detail) && typeof detail.eventID === 'string' && detail.eventID.length > 0 ? detail.eventID : null;
  if (typeof detailType !== 'string') return { readable: false, reason: 'not an EventBridge event: no "detail-type" (is the rule\'s target input transformed, or the queue fed by something else?)', eventId };
  if (!CLOUDTRAIL_DETAIL_TYPES.has(detailType)) return { readable: false, reason: `not a CloudTrail event: detail-type "${detailType.slice(0, 100)}"`, eventId };
  if (!isObject(detail)) return { readable: false, reason: `the "${detailType}" event has no detail object`, eventId };
  if (eventId === null) return { readable: false, reason: `the "${detailType}" event's detail has no eventID`, eventId };
  return { readable: true, record: detail, eventId, envelopeId: typeof envelope.id === 'string' ? envelope.id : null };
}
