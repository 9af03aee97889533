// CloudTrail event history for the fake: seeding records and answering LookupEvents as CloudTrail does
// (CloudTrail API Reference, API_LookupEvents): one lookup attribute, StartTime/EndTime inclusive, at most
// 50 events a page, newest first, NextToken paging bound to the same query, 90 days of history.
import { createHash } from 'node:crypto';
import { AwsErrorReply } from './errors.js';
import type { LookupEventEnvelope } from './state.js';

const HISTORY_MS = 90 * 24 * 60 * 60 * 1000;
const ATTRIBUTE_KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'] as const;
type AttributeKey = (typeof ATTRIBUTE_KEYS)[number];

/** A CloudTrail record as delivered to S3 / shown in CloudTrailEvent (only the fields the envelope needs are typed). */
export interface CloudTrailRecord {
  eventID: string;
  eventName: string;
  eventSource: string;
  eventTime: string;
  readOnly?: boolean;
  userIdentity?: { type?: string; userName?: string; arn?: string; accessKeyId?: string; principalId?: string };
  resources?: Array<{ ARN?: string; type?: string; accountId?: string }>;
  [field: string]: unknown;
}

/** LookupEvents' Username: "root" for the root user, the user name for IAM users, the session name for assumed roles. */
function usernameOf(identity: CloudTrailRecord['userIdentity']): string | undefined {
  if (!identity) return undefined;
  if (identity.type === 'Root') return 'root';
  if (identity.type === 'AssumedRole' && identity.arn) return identity.arn.split('/').pop();
  return identity.userName;
}

/** The LookupEvents envelope CloudTrail builds around a record. */
export function envelopeFromRecord(record: CloudTrailRecord): LookupEventEnvelope {
  const accessKeyId = record.userIdentity?.accessKeyId;
  const resources = (record.resources ?? []).map((resource) => ({ ResourceType: resource.type, ResourceName: resource.ARN }));
  return {
    EventId: record.eventID,
    EventName: record.eventName,
    ReadOnly: String(record.readOnly ?? false),
    AccessKeyId: accessKeyId ? accessKeyId : undefined,
    EventTime: new Date(record.eventTime),
    EventSource: record.eventSource,
    Username: usernameOf(record.userIdentity),
    Resources: resources,
    CloudTrailEvent: JSON.stringify(record),
  };
}

function matches(event: LookupEventEnvelope, key: AttributeKey, value: string): boolean {
  switch (key) {
    case 'ResourceType':
      return (event.Resources ?? []).some((resource) => resource.ResourceType === value);
    case 'ResourceName':
      return (event.Resources ?? []).some((resource) => resource.ResourceName === value);
    default:
      return event[key] === value;
  }
}

export interface LookupEventsRequest {
  LookupAttributes?: Array<{ AttributeKey?: string; AttributeValue?: string }>;
  StartTime?: number;
  EndTime?: number;
  EventCategory?: string;
  MaxResults?: number;
  NextToken?: string;
}

/** Ties a NextToken to the query that issued it, as CloudTrail rejects a token reused with other parameters. */
function queryKey(request: LookupEventsRequest, region: string): string {
  const { NextToken: _ignored, ...query } = request;
  return createHash('sha256').update(region).update(JSON.stringify(query)).digest('hex').slice(0, 16);
}

export function lookupEvents(events: readonly LookupEventEnvelope[], request: LookupEventsRequest, region: string, now: Date): { Events: object[]; NextToken?: string } {
  const attributes = request.LookupAttributes ?? [];
  if (attributes.length > 1) throw new AwsErrorReply('InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute.', 400);
  const attribute = attributes[0];
  if (attribute && !ATTRIBUTE_KEYS.includes(attribute.AttributeKey as AttributeKey)) {
    throw new AwsErrorReply('InvalidLookupAttributesException', `Invalid lookup attribute key: ${attribute.AttributeKey}`, 400);
  }
  const maxResults = request.MaxResults ?? 50;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50) throw new AwsErrorReply('InvalidMaxResultsException', 'MaxResults must be between 1 and 50.', 400);
  const startMs = request.StartTime !== undefined ? request.StartTime * 1000 : now.getTime() - HISTORY_MS;
  const endMs = request.EndTime !== undefined ? request.EndTime * 1000 : now.getTime();
  if (startMs > endMs) throw new AwsErrorReply('InvalidTimeRangeException', 'Start time must be before end time.', 400);

  let offset = 0;
  const key = queryKey(request, region);
  if (request.NextToken) {
    const [tokenKey, tokenOffset] = Buffer.from(request.NextToken, 'base64').toString('utf8').split(':');
    if (tokenKey !== key || !/^\d+$/.test(tokenOffset ?? '')) throw new AwsErrorReply('InvalidNextTokenException', 'Invalid NextToken.', 400);
    offset = Number(tokenOffset);
  }

  const oldest = now.getTime() - HISTORY_MS;
  const selected = events
    .filter((event) => {
      const time = event.EventTime.getTime();
      return time >= startMs && time <= endMs && time >= oldest && (!attribute || matches(event, attribute.AttributeKey as AttributeKey, attribute.AttributeValue ?? ''));
    })
    .sort((a, b) => b.EventTime.getTime() - a.EventTime.getTime());
  const pageEvents = selected.slice(offset, offset + maxResults);
  const next = offset + maxResults;
  return {
    Events: pageEvents.map((event) => ({
      EventId: event.EventId,
      EventName: event.EventName,
      ReadOnly: event.ReadOnly,
      AccessKeyId: event.AccessKeyId,
      EventTime: event.EventTime.getTime() / 1000,
      EventSource: event.EventSource,
      Username: event.Username,
      Resources: event.Resources,
      CloudTrailEvent: event.CloudTrailEvent,
    })),
    NextToken: next < selected.length ? Buffer.from(`${key}:${next}`).toString('base64') : undefined,
  };
}
