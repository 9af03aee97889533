// The classifier's rules one by one, on variants of real fixtures: malformed input, MFA spellings,
// the CIS filter's parts, precedence, sessions, and the classify command's JSON line.
import { describe, expect, it } from 'vitest';
import { classifyRecord } from '../../src/activity/classify.js';
import { assumeRootIssuedAccessKeyId, collectAssumeRootAccessKeyIds } from '../../src/activity/centralized-root.js';
import { classifyReadItem, toClassifyLine } from '../../src/activity/classify-line.js';
import type { Classification, RootEvent } from '../../src/activity/model.js';
import { fixtureNames, fixtureRecord } from '../fixtures/cloudtrail/load.js';

function eventOf(classification: Classification): RootEvent {
  if (!classification.alert) throw new Error(`expected an alert, got ${JSON.stringify(classification)}`);
  return classification.event;
}

/** A fixture record with some fields replaced (undefined deletes the field). */
function variant(name: string, changes: Record<string, unknown>, identityChanges: Record<string, unknown> = {}): Record<string, unknown> {
  const record = fixtureRecord(name);
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) delete record[field];
    else record[field] = value;
  }
  const identity = record.userIdentity as Record<string, unknown>;
  for (const [field, value] of Object.entries(identityChanges)) {
    if (value === undefined) delete identity[field];
    else identity[field] = value;
  }
  return record;
}

describe('classifyRecord: input it cannot read', () => {
  const cases: [string, unknown, string | null, string][] = [
    ['null', null, null, 'the record is null'],
    ['undefined', undefined, null, 'not a JSON object (undefined)'],
    ['a string', '{"eventID":"x"}', null, 'not a JSON object (string)'],
    ['a number', 42, null, 'not a JSON object (number)'],
    ['an array', [fixtureRecord('root-console-login-failure')], null, 'not a JSON object (array)'],
    ['an empty object', {}, null, 'no eventID'],
    ['no eventID', variant('root-console-login-failure', { eventID: undefined }), null, 'no eventID'],
    ['an empty eventID', variant('root-console-login-failure', { eventID: '' }), null, 'no eventID'],
    ['no eventTime', variant('root-console-login-failure', { eventTime: undefined }), 'a4fbbe77-91a0-4238-804a-64314184edb6', 'no eventTime'],
    ['an eventTime that is no date', variant('root-console-login-failure', { eventTime: 'yesterday' }), 'a4fbbe77-91a0-4238-804a-64314184edb6', 'not a date'],
    ['no userIdentity', variant('root-console-login-failure', { userIdentity: undefined }), 'a4fbbe77-91a0-4238-804a-64314184edb6', 'no userIdentity'],
    ['a userIdentity string', variant('root-console-login-failure', { userIdentity: 'Root' }), 'a4fbbe77-91a0-4238-804a-64314184edb6', 'no userIdentity'],
  ];
  for (const [label, input, eventId, error] of cases) {
    it(`${label} -> malformed, no throw`, () => {
      const classification = classifyRecord(input);
      expect(classification).toMatchObject({ alert: false, eventId, reason: 'malformed' });
      expect(classification.alert === false && classification.reason === 'malformed' && classification.error).toContain(error);
    });
  }
});

describe('classifyRecord: eventTime', () => {
  for (const eventTime of ['2018-08-25T18:10:29Z', '2018-08-25T18:10:29.123Z', '2018-08-25T18:10:29+00:00', '2018-08-25T11:10:29-07:00']) {
    it(`accepts ${eventTime}`, () => {
      expect(classifyRecord(variant('root-console-login-failure', { eventTime })).alert).toBe(true);
    });
  }
  for (const eventTime of ['2018-13-25T18:10:29Z', '2018-08-25T25:10:29Z', '2018-08-25T18:61:29Z', '32/13/2018']) {
    it(`rejects ${eventTime}`, () => {
      expect(classifyRecord(variant('root-console-login-failure', { eventTime }))).toMatchObject({ alert: false, reason: 'malformed' });
    });
  }
});

describe('classifyRecord: MFA', () => {
  const spellings: [unknown, boolean | null][] = [
    ['Yes', true],
    ['YES', true],
    ['yes', true],
    ['No', false],
    ['NO', false],
    ['no', false],
    ['maybe', null],
    [undefined, null],
  ];
  for (const [spelling, mfaUsed] of spellings) {
    it(`MFAUsed ${JSON.stringify(spelling)} -> mfaUsed ${mfaUsed}; a success without MFA is critical`, () => {
      const record = fixtureRecord('root-console-login-success-no-mfa');
      const additional = record.additionalEventData as Record<string, unknown>;
      if (spelling === undefined) delete additional.MFAUsed;
      else additional.MFAUsed = spelling;
      const event = eventOf(classifyRecord(record));
      expect(event.mfaUsed).toBe(mfaUsed);
      expect(event.severity).toBe(mfaUsed === false ? 'critical' : 'high');
    });
  }

  it('a sign-in record without additionalEventData cannot tell', () => {
    expect(eventOf(classifyRecord(variant('root-console-login-success-no-mfa', { additionalEventData: undefined }))).mfaUsed).toBeNull();
  });

  it('reads mfaAuthenticated of a console session without case ("TRUE")', () => {
    const record = fixtureRecord('root-console-call-new-style');
    ((record.userIdentity as { sessionContext: { attributes: Record<string, unknown> } }).sessionContext.attributes).mfaAuthenticated = 'TRUE';
    expect(eventOf(classifyRecord(record)).mfaUsed).toBe(true);
  });

  it('a call with a session key and no session attributes cannot tell', () => {
    const record = variant('root-console-call-new-style', {}, { sessionContext: undefined });
    expect(eventOf(classifyRecord(record)).mfaUsed).toBeNull();
  });
});

describe('classifyRecord: the CIS filter', () => {
  it('a root record with eventType AwsServiceEvent is not root activity', () => {
    const record = variant('root-api-call-access-key', { eventType: 'AwsServiceEvent' });
    expect(classifyRecord(record)).toEqual({ alert: false, eventId: record.eventID, reason: 'not-root' });
  });

  for (const invokedBy of ['AWS Internal', 'elasticloadbalancing.amazonaws.com', 'config.amazonaws.com', { service: 'x' }]) {
    it(`a root record invoked by ${JSON.stringify(invokedBy)} is a service acting for root: no alert`, () => {
      const record = variant('root-api-call-access-key', {}, { invokedBy });
      expect(classifyRecord(record)).toMatchObject({ alert: false, reason: 'not-root' });
    });
  }

  it('invokedBy "signin.amazonaws.com" is a person at the console: it alerts', () => {
    const record = variant('root-api-call-access-key', {}, { invokedBy: 'signin.amazonaws.com' });
    expect(eventOf(classifyRecord(record)).kind).toBe('root-api-call');
  });

  it('decides on userIdentity.type only: a root ARN with another type does not alert, Username is never read', () => {
    const record = variant('root-api-call-access-key', {}, { type: 'IAMUser', userName: 'root' });
    expect(classifyRecord(record)).toMatchObject({ alert: false, reason: 'not-root' });
  });

  it('every near-miss fixture becomes an alert when only its type is changed to Root (the type is what excludes it)', () => {
    const typeOnlyNearMisses = fixtureNames().filter((name) => name === 'near-miss-iam-user-named-root-admin' || name === 'near-miss-assumed-role-session-named-root' || name === 'near-miss-federated-user-root-issuer');
    expect(typeOnlyNearMisses).toHaveLength(3);
    for (const name of typeOnlyNearMisses) expect(classifyRecord(variant(name, {}, { type: 'Root' })).alert).toBe(true);
  });
});

describe('classifyRecord: kinds and precedence', () => {
  it('a ConsoleLogin without responseElements but with an errorMessage is a failure', () => {
    const record = variant('root-console-login-failure', { responseElements: null });
    expect(eventOf(classifyRecord(record)).kind).toBe('console-login-failure');
  });

  it('root CreateAccessKey is a credential change for itself, an IAM access change for an IAM user, and a credential change for userName "AWS ROOT USER"', () => {
    expect(eventOf(classifyRecord(variant('root-create-access-key-self', { requestParameters: null }))).kind).toBe('root-credential-change');
    expect(eventOf(classifyRecord(variant('root-create-access-key-self', { requestParameters: {} }))).kind).toBe('root-credential-change');
    expect(eventOf(classifyRecord(variant('root-create-access-key-self', { requestParameters: { userName: 'deploy-bot' } }))).kind).toBe('root-access-change');
    expect(eventOf(classifyRecord(variant('root-create-access-key-self', { requestParameters: { userName: 'AWS ROOT USER' } }))).kind).toBe('root-credential-change');
  });

  it('MFA calls on an IAM user by root are root API calls', () => {
    const record = variant('root-deactivate-mfa-device', { requestParameters: { userName: 'alice', serialNumber: 'arn:aws:iam::111122223333:mfa/alice' } });
    expect(eventOf(classifyRecord(record)).kind).toBe('root-api-call');
  });

  it('re-activating a root access key is critical, deactivating it is high', () => {
    const update = (status: string) => variant('root-create-access-key-self', { eventName: 'UpdateAccessKey', requestParameters: { accessKeyId: 'AKIAI44QH8DHBEXAMPLE', status }, responseElements: null });
    expect(eventOf(classifyRecord(update('Active')))).toMatchObject({ kind: 'root-credential-change', severity: 'critical' });
    expect(eventOf(classifyRecord(update('Inactive')))).toMatchObject({ kind: 'root-credential-change', severity: 'high' });
  });

  it('a credential change beats a root-only task (the same call cannot be both)', () => {
    // A failed CreateAccessKey (an SCP denies root) is still an attempt on root's credentials.
    const record = variant('root-create-access-key-self', { errorCode: 'AccessDenied', errorMessage: 'explicit deny in a service control policy', responseElements: null });
    expect(eventOf(classifyRecord(record))).toMatchObject({ kind: 'root-credential-change', errorCode: 'AccessDenied', severity: 'critical' });
  });

  it('an event name of the task table under another eventSource is a plain root API call', () => {
    const record = variant('root-billing-close-account', { eventSource: 'ec2.amazonaws.com', eventType: 'AwsApiCall' });
    expect(eventOf(classifyRecord(record))).toMatchObject({ kind: 'root-api-call', rootOnlyTask: false });
  });

  it('SetQueueAttributes is a root-only task only when it replaces the queue policy', () => {
    const base = { eventSource: 'sqs.amazonaws.com', eventName: 'SetQueueAttributes', awsRegion: 'us-east-1' };
    const withPolicy = variant('root-api-call-access-key', { ...base, requestParameters: { queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/orders', attributes: { Policy: '' } } });
    const withTimeout = variant('root-api-call-access-key', { ...base, requestParameters: { queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/orders', attributes: { VisibilityTimeout: '60' } } });
    expect(eventOf(classifyRecord(withPolicy)).kind).toBe('root-only-task');
    expect(eventOf(classifyRecord(withTimeout)).kind).toBe('root-api-call');
  });

  it('falls back to recipientAccountId, then principalId, for the account', () => {
    const record = variant('root-api-call-access-key', { recipientAccountId: '444455556666' }, { accountId: undefined });
    expect(eventOf(classifyRecord(record)).accountId).toBe('444455556666');
  });

  it('keys an old console session without an access key by its creation time', () => {
    const record = variant('root-console-call-invokedby-signin', {}, { accessKeyId: undefined });
    expect(eventOf(classifyRecord(record)).sessionKey).toBe('console-session:111122223333:2019-03-14T21:39:40Z');
  });
});

describe('centralized root sessions', () => {
  it('accepts assumedRoot as a JSON boolean too', () => {
    const record = fixtureRecord('centralized-root-list-access-keys');
    (record.userIdentity as { sessionContext: Record<string, unknown> }).sessionContext.assumedRoot = true;
    expect(eventOf(classifyRecord(record)).centralizedRootSession).toBe(true);
  });

  it('finds the issued key in an AssumeRoot record, and only there', () => {
    expect(assumeRootIssuedAccessKeyId(fixtureRecord('assume-root-management-account'))).toBe('ASIAIOSFODNN7EXAMPLE');
    expect(assumeRootIssuedAccessKeyId(variant('assume-root-management-account', { responseElements: null }))).toBeNull();
    expect(assumeRootIssuedAccessKeyId(variant('assume-root-management-account', { errorCode: 'AccessDenied', responseElements: null }))).toBeNull();
    expect(assumeRootIssuedAccessKeyId(fixtureRecord('root-api-call-access-key'))).toBeNull();
    expect(assumeRootIssuedAccessKeyId('AssumeRoot')).toBeNull();
    const keys = collectAssumeRootAccessKeyIds(fixtureNames().map(fixtureRecord));
    expect([...keys]).toEqual(['ASIAIOSFODNN7EXAMPLE']);
  });

  it('a key issued to someone else does not make a session centralized', () => {
    const record = fixtureRecord('root-console-call-new-style');
    expect(eventOf(classifyRecord(record, { assumeRootAccessKeyIds: new Set(['ASIAIOSFODNN7EXAMPLE']) })).centralizedRootSession).toBe(false);
  });
});

describe('toClassifyLine', () => {
  it('prints the issue\'s fields, in its order, for an alert', () => {
    const record = fixtureRecord('root-console-login-success-no-mfa');
    const line = toClassifyLine(classifyRecord(record), record);
    expect(Object.keys(line)).toEqual(['eventId', 'alert', 'kind', 'severity', 'mfaUsed', 'rootOnlyTask', 'centralizedRootSession', 'eventName', 'eventTime', 'region', 'sourceIp']);
    expect(line).toEqual({
      eventId: 'deb1e1f9-c99b-4612-8e9f-21f93b5d79c0',
      alert: true,
      kind: 'console-login-success',
      severity: 'critical',
      mfaUsed: false,
      rootOnlyTask: false,
      centralizedRootSession: false,
      eventName: 'ConsoleLogin',
      eventTime: '2018-08-29T16:24:34Z',
      region: 'us-east-1',
      sourceIp: '192.0.2.0',
    });
  });

  it('fills a non-root line from the record', () => {
    const record = fixtureRecord('near-miss-assumed-role-session-named-root');
    expect(toClassifyLine(classifyRecord(record), record)).toEqual({
      eventId: '8f9a0b1c-2d3e-4f4a-9b5c-6d7e8f9a0b1c',
      alert: false,
      kind: 'none',
      severity: null,
      mfaUsed: null,
      rootOnlyTask: false,
      centralizedRootSession: false,
      eventName: 'TerminateInstances',
      eventTime: '2024-06-03T07:05:00Z',
      region: 'us-east-1',
      sourceIp: '198.51.100.5',
    });
  });

  it('prints only eventId, alert, kind and error for a malformed record', () => {
    const line = toClassifyLine(classifyRecord(variant('root-console-login-failure', { userIdentity: undefined })));
    expect(line).toEqual({ eventId: 'a4fbbe77-91a0-4238-804a-64314184edb6', alert: false, kind: 'none', error: 'the record has no userIdentity object' });
    expect(Object.keys(line)).toEqual(['eventId', 'alert', 'kind', 'error']);
  });

  it('turns an unreadable read item into a malformed line carrying the envelope EventId', () => {
    const classification = classifyReadItem({ error: 'input: the CloudTrailEvent of event e-1 is not valid JSON', eventId: 'e-1' });
    expect(toClassifyLine(classification)).toEqual({ eventId: 'e-1', alert: false, kind: 'none', error: 'input: the CloudTrailEvent of event e-1 is not valid JSON' });
  });
});
