// The JSON line `aws-root-guard classify` prints per record, and the glue from read items to it.
// Field order is part of the output (responders grep and diff it): keep it as the issue specifies.
import type { AlertSeverity, Classification, RootEventKind } from './model.js';
import { classifyRecord, type ClassifyContext } from './classify.js';
import type { ReadItem } from './read-records.js';

export interface ClassifyLine {
  eventId: string | null;
  alert: boolean;
  kind: RootEventKind;
  severity: AlertSeverity | null;
  mfaUsed: boolean | null;
  rootOnlyTask: boolean;
  centralizedRootSession: boolean;
  eventName: string | null;
  eventTime: string | null;
  region: string | null;
  sourceIp: string | null;
}

export interface MalformedClassifyLine {
  eventId: string | null;
  alert: false;
  kind: 'none';
  error: string;
}

function recordText(record: unknown, field: string): string | null {
  if (typeof record !== 'object' || record === null) return null;
  const value = (record as Record<string, unknown>)[field];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** The `classify` command's JSON object for one record; `record` fills the fields of a non-root record. */
export function toClassifyLine(classification: Classification, record?: unknown): ClassifyLine | MalformedClassifyLine {
  if (classification.alert) {
    const event = classification.event;
    return {
      eventId: event.eventId,
      alert: true,
      kind: event.kind,
      severity: event.severity,
      mfaUsed: event.mfaUsed,
      rootOnlyTask: event.rootOnlyTask,
      centralizedRootSession: event.centralizedRootSession,
      eventName: event.eventName,
      eventTime: event.eventTime,
      region: event.region,
      sourceIp: event.sourceIp,
    };
  }
  if (classification.reason === 'malformed') {
    return { eventId: classification.eventId, alert: false, kind: 'none', error: classification.error };
  }
  return {
    eventId: classification.eventId,
    alert: false,
    kind: 'none',
    severity: null,
    mfaUsed: null,
    rootOnlyTask: false,
    centralizedRootSession: false,
    eventName: recordText(record, 'eventName'),
    eventTime: recordText(record, 'eventTime'),
    region: recordText(record, 'awsRegion'),
    sourceIp: recordText(record, 'sourceIPAddress'),
  };
}

/** Classifies a read item: an unreadable one (broken CloudTrailEvent, bad file) is a malformed classification. */
export function classifyReadItem(item: ReadItem, context?: ClassifyContext): Classification {
  if ('error' in item) return { alert: false, eventId: item.eventId, reason: 'malformed', error: item.error };
  return classifyRecord(item.record, context);
}
