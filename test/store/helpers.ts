// Shared test helpers for the store and alerts tests: RootEvents and raw records in the real shapes,
// temporary data directories, a controllable clock and a logger that keeps its lines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RootEvent } from '../../src/activity/model.js';
import type { IngestedRootEvent } from '../../src/activity/ingest.js';
import type { PollBatch } from '../../src/activity/poll-sink.js';
import { createLogger, type Logger } from '../../src/log.js';

export const ACCOUNT = '123456789012';
export const OTHER_ACCOUNT = '210987654321';

let eventCounter = 0;

/** A RootEvent as the classifier makes it; eventId is a fresh UUID-shaped id unless given. */
export function rootEvent(overrides: Partial<RootEvent> = {}): RootEvent {
  eventCounter += 1;
  return {
    eventId: `${String(eventCounter).padStart(8, '0')}-0000-4000-8000-000000000000`,
    kind: 'root-api-call',
    severity: 'medium',
    mfaUsed: null,
    rootOnlyTask: false,
    centralizedRootSession: false,
    accountId: ACCOUNT,
    eventName: 'ListBuckets',
    eventSource: 's3.amazonaws.com',
    eventTime: '2026-11-02T03:12:00Z',
    region: 'us-east-1',
    sourceIp: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:132.0) Gecko/20100101 Firefox/132.0',
    errorCode: null,
    errorMessage: null,
    accessKeyId: null,
    sessionKey: null,
    ...overrides,
  };
}

/** The CloudTrail record behind an event, in CloudTrail's record format (the CloudTrailEvent string). */
export function rawRecordFor(event: RootEvent): string {
  return JSON.stringify({
    eventVersion: '1.10',
    userIdentity: { type: 'Root', principalId: event.accountId, arn: `arn:aws:iam::${event.accountId}:root`, accountId: event.accountId, accessKeyId: event.accessKeyId ?? '' },
    eventTime: event.eventTime,
    eventSource: event.eventSource,
    eventName: event.eventName,
    awsRegion: event.region,
    sourceIPAddress: event.sourceIp,
    userAgent: event.userAgent,
    requestParameters: null,
    responseElements: null,
    eventID: event.eventId,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: event.accountId,
    eventCategory: 'Management',
  });
}

export function polled(event: RootEvent): IngestedRootEvent {
  return { event, rawRecord: rawRecordFor(event) };
}

export function batch(events: RootEvent[], overrides: Partial<PollBatch> = {}): PollBatch {
  return { accountId: ACCOUNT, region: 'us-east-1', cursor: '2026-11-02T04:00:00.000Z', events: events.map(polled), malformedCount: 0, ...overrides };
}

export function tempDir(prefix = 'arg-store-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A clock the test moves by hand. */
export function manualClock(startIso = '2026-11-02T04:00:00.000Z'): { now: () => Date; advance(ms: number): void; set(iso: string): void } {
  let nowMs = Date.parse(startIso);
  return {
    now: () => new Date(nowMs),
    advance: (ms) => {
      nowMs += ms;
    },
    set: (iso) => {
      nowMs = Date.parse(iso);
    },
  };
}

export interface CapturedLog {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A real (redacting) logger whose JSON lines the test can read. */
export function capturingLogger(): { logger: Logger; lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  // pino accepts any object with a synchronous write(): each call is one JSON line.
  const destination = {
    write(text: string) {
      for (const line of text.split('\n')) if (line.trim()) lines.push(JSON.parse(line) as CapturedLog);
    },
  };
  return { logger: createLogger({ level: 'debug', secretValues: [], destination }), lines };
}
