import { describe, expect, it } from 'vitest';
import type { RootEvent } from '../../src/activity/model.js';
import { CollectingPollSink, formatScanLine, maskAccessKeyId, parseSince, scanJsonLine, SinceError } from '../../src/commands/scan.js';

const rootSignIn: RootEvent = {
  eventId: '3038ebd2-c98a-4c65-9b6e-e22506292313',
  kind: 'console-login-success',
  severity: 'critical',
  mfaUsed: false,
  rootOnlyTask: false,
  centralizedRootSession: false,
  accountId: '123456789012',
  eventName: 'ConsoleLogin',
  eventSource: 'signin.amazonaws.com',
  eventTime: '2026-11-28T03:12:04Z',
  region: 'us-east-1',
  sourceIp: '203.0.113.7',
  userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:120.0) Gecko/20100101 Firefox/120.0',
  errorCode: null,
  errorMessage: null,
  accessKeyId: null,
  sessionKey: null,
};

describe('--since', () => {
  it('reads minutes, hours and days', () => {
    expect(parseSince('90m')).toBe(90 * 60_000);
    expect(parseSince('24h')).toBe(24 * 3_600_000);
    expect(parseSince('7D')).toBe(7 * 86_400_000);
  });

  it('says what a duration looks like when it is not one', () => {
    for (const text of ['', '24', 'h', '1.5h', '-2h', '0h', '1w', 'yesterday']) {
      expect(() => parseSince(text)).toThrow(SinceError);
    }
    expect(() => parseSince('1w')).toThrow(/use a number and m, h or d, e\.g\. 90m, 24h or 7d/);
  });

  it('stops at CloudTrail\'s 90 days of history', () => {
    expect(parseSince('90d')).toBe(90 * 86_400_000);
    expect(() => parseSince('91d')).toThrow(/90 days/);
  });
});

describe('scan output', () => {
  it('writes a readable line with what a responder asks first', () => {
    const line = formatScanLine(rootSignIn);
    expect(line).toContain('2026-11-28T03:12:04Z');
    expect(line).toContain('CRITICAL');
    expect(line).toContain('root console sign-in: ConsoleLogin (signin.amazonaws.com)');
    expect(line).toContain('NO MFA');
    expect(line).toContain('from 203.0.113.7');
    expect(line).toContain('event 3038ebd2-c98a-4c65-9b6e-e22506292313');
  });

  it('marks expected root use, centralized root sessions and failed calls', () => {
    const task = formatScanLine({ ...rootSignIn, kind: 'root-only-task', severity: 'medium', eventName: 'PutAlternateContact', eventSource: 'account.amazonaws.com', rootOnlyTask: true, mfaUsed: true });
    expect(task).toContain('root-only task: PutAlternateContact');
    expect(task).toContain('expected root use');
    expect(task).not.toContain('MFA');
    const session = formatScanLine({ ...rootSignIn, kind: 'root-api-call', eventName: 'DeleteBucketPolicy', centralizedRootSession: true, errorCode: 'AccessDenied', accessKeyId: 'ASIAIOSFODNN7EXAMPLE' });
    expect(session).toContain('centralized root session');
    expect(session).toContain('error AccessDenied');
    expect(session).toContain('key ASIA…MPLE');
    expect(session).not.toContain('ASIAIOSFODNN7EXAMPLE');
  });

  it('names root turning off logging and IAM access changes, with what the call did, and never as expected root use', () => {
    const logging = formatScanLine({ ...rootSignIn, kind: 'root-logging-disabled', severity: 'critical', eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com', action: 'stopped logging on CloudTrail trail main' });
    expect(logging).toContain('ROOT TURNED OFF SECURITY LOGGING: StopLogging (cloudtrail.amazonaws.com)');
    expect(logging).toContain('stopped logging on CloudTrail trail main');
    const access = formatScanLine({ ...rootSignIn, kind: 'root-access-change', severity: 'critical', eventName: 'AttachUserPolicy', eventSource: 'iam.amazonaws.com', action: 'attached AdministratorAccess to IAM user bob' });
    expect(access).toContain('root changed IAM access: AttachUserPolicy (iam.amazonaws.com)');
    expect(access).not.toContain('expected root use');
  });

  it('writes JSON lines with the classify fields first and the key masked', () => {
    const parsed = JSON.parse(scanJsonLine({ ...rootSignIn, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' })) as Record<string, unknown>;
    expect(Object.keys(parsed).slice(0, 11)).toEqual(['eventId', 'alert', 'kind', 'severity', 'mfaUsed', 'rootOnlyTask', 'centralizedRootSession', 'eventName', 'eventTime', 'region', 'sourceIp']);
    expect(parsed).toMatchObject({ alert: true, kind: 'console-login-success', mfaUsed: false, accessKeyId: 'AKIA…MPLE' });
    expect(maskAccessKeyId(null)).toBeNull();
  });
});

describe('collecting sink', () => {
  it('keeps each event once and the cursor per Region', async () => {
    const sink = new CollectingPollSink();
    expect(await sink.readCursor('123456789012', 'us-east-1')).toBeNull();
    const later = { ...rootSignIn, eventId: 'b', eventTime: '2026-11-28T04:00:00Z' };
    expect(await sink.commitBatch({ accountId: '123456789012', region: 'us-east-1', cursor: '2026-11-28T05:00:00.000Z', events: [{ event: later, rawRecord: '{}' }, { event: rootSignIn, rawRecord: '{}' }], malformedCount: 1 })).toEqual({ inserted: 2, duplicates: 0 });
    expect(await sink.commitBatch({ accountId: '123456789012', region: 'us-east-1', cursor: '2026-11-28T05:01:00.000Z', events: [{ event: rootSignIn, rawRecord: '{}' }], malformedCount: 0 })).toEqual({ inserted: 0, duplicates: 1 });
    expect(await sink.readCursor('123456789012', 'us-east-1')).toBe('2026-11-28T05:01:00.000Z');
    expect(sink.events().map((event) => event.eventId)).toEqual([rootSignIn.eventId, 'b']);
    expect(sink.malformedCount).toBe(1);
  });
});
