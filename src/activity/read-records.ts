// Reads CloudTrail records out of what people actually have on disk or in a pipe:
// - `aws cloudtrail lookup-events` output: {"Events":[{"EventId", …, "CloudTrailEvent":"<record as a JSON string>"}]}
//   (the inner string is parsed; a broken one, or one that is no object, becomes an error item carrying the
//   envelope's EventId);
// - CloudTrail log files delivered to S3: {"Records":[record, …]}, gzipped (.json.gz) or not
//   (gzip is recognised by its magic bytes 1f 8b, whatever the file is called);
// - and, because responders paste what they have: a bare array of records or envelopes, one record,
//   an EventBridge "AWS API Call via CloudTrail" event ({"detail-type", "detail": record}), or JSON Lines.
// Nothing here throws on bad input: every problem is an error item, so one bad file or record does not
// stop a sweep of the rest.
import { gunzipSync } from 'node:zlib';

export type ReadItem = { record: unknown } | { error: string; eventId: string | null };

const GZIP_MAGIC_FIRST = 0x1f;
const GZIP_MAGIC_SECOND = 0x8b;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One LookupEvents envelope: parse its CloudTrailEvent string. */
function fromEnvelope(envelope: Record<string, unknown>, name: string): ReadItem {
  const envelopeEventId = typeof envelope.EventId === 'string' ? envelope.EventId : null;
  const inner = envelope.CloudTrailEvent;
  if (isObject(inner)) return { record: inner };
  if (typeof inner !== 'string' || inner.length === 0) {
    return { error: `${name}: event ${envelopeEventId ?? '(no EventId)'} has no CloudTrailEvent`, eventId: envelopeEventId };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(inner);
  } catch (error) {
    return { error: `${name}: the CloudTrailEvent of event ${envelopeEventId ?? '(no EventId)'} is not valid JSON: ${messageOf(error)}`, eventId: envelopeEventId };
  }
  // Valid JSON that is no record ("null", "[]", "42"): the classifier would know no event id; the envelope does.
  if (!isObject(parsed)) {
    const what = parsed === null ? 'JSON null' : Array.isArray(parsed) ? 'a JSON array' : `a JSON ${typeof parsed}`;
    return { error: `${name}: the CloudTrailEvent of event ${envelopeEventId ?? '(no EventId)'} is ${what}, not a record`, eventId: envelopeEventId };
  }
  return { record: parsed };
}

/** An element of an array: an envelope if it looks like one, else a record (the classifier judges it). */
function fromElement(element: unknown, name: string): ReadItem {
  if (isObject(element) && 'CloudTrailEvent' in element) return fromEnvelope(element, name);
  if (isObject(element) && isObject(element.detail) && typeof element['detail-type'] === 'string') return { record: element.detail };
  return { record: element };
}

function* fromDocument(document: unknown, name: string): Generator<ReadItem> {
  if (Array.isArray(document)) {
    for (const element of document) yield fromElement(element, name);
    return;
  }
  if (isObject(document)) {
    if (Array.isArray(document.Events)) {
      for (const element of document.Events) yield isObject(element) ? fromEnvelope(element, name) : { error: `${name}: an Events entry is not an object`, eventId: null };
      return;
    }
    if (Array.isArray(document.Records)) {
      for (const element of document.Records) yield { record: element };
      return;
    }
    if ('CloudTrailEvent' in document || (isObject(document.detail) && typeof document['detail-type'] === 'string') || 'eventID' in document || 'userIdentity' in document) {
      yield fromElement(document, name);
      return;
    }
  }
  yield { error: `${name}: not CloudTrail input: expected {"Events":[...]} (aws cloudtrail lookup-events) or {"Records":[...]} (a CloudTrail log file)`, eventId: null };
}

/** Gzip is recognised by its magic bytes 1f 8b, whatever the file is called. */
export function isGzipped(input: Buffer): boolean {
  return input.length >= 2 && input[0] === GZIP_MAGIC_FIRST && input[1] === GZIP_MAGIC_SECOND;
}

function decode(input: string | Buffer, name: string): string | { error: string } {
  if (typeof input === 'string') return input;
  if (isGzipped(input)) {
    try {
      return gunzipSync(input).toString('utf8');
    } catch (error) {
      return { error: `${name}: looks gzipped but could not be decompressed: ${messageOf(error)}` };
    }
  }
  return input.toString('utf8');
}

/** The records in one input (a file's bytes or text), in order, each a record or an error item. */
export function* readRecords(input: string | Buffer, name = 'input'): Generator<ReadItem> {
  const decoded = decode(input, name);
  if (typeof decoded !== 'string') {
    yield { error: decoded.error, eventId: null };
    return;
  }
  const content = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  if (content.trim().length === 0) {
    yield { error: `${name}: empty input`, eventId: null };
    return;
  }
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch (error) {
    yield* fromJsonLines(content, name, messageOf(error));
    return;
  }
  yield* fromDocument(document, name);
}

/** JSON Lines (one record or envelope per line), tried when the whole input is not one JSON document. */
function* fromJsonLines(content: string, name: string, wholeDocumentError: string): Generator<ReadItem> {
  const lines = content.split('\n');
  const firstLineIndex = lines.findIndex((line) => line.trim().length > 0);
  const firstLine = lines[firstLineIndex]?.trim() ?? '';
  let firstDocument: unknown;
  try {
    firstDocument = JSON.parse(firstLine);
  } catch {
    // Not JSON Lines either: one error for the whole input, not one per line of a broken pretty-printed file.
    yield { error: `${name}: not valid JSON: ${wholeDocumentError}`, eventId: null };
    return;
  }
  yield* fromDocument(firstDocument, `${name} line ${firstLineIndex + 1}`);
  for (let index = firstLineIndex + 1; index < lines.length; index += 1) {
    const line = (lines[index] as string).trim();
    if (line.length === 0) continue;
    let document: unknown;
    try {
      document = JSON.parse(line);
    } catch (error) {
      yield { error: `${name} line ${index + 1}: not valid JSON: ${messageOf(error)}`, eventId: null };
      continue;
    }
    yield* fromDocument(document, `${name} line ${index + 1}`);
  }
}
