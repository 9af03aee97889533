// The rule sets behind the kinds root-access-change, root-logging-disabled and the contact changes, on variants of
// the real-format fixtures: what narrows logging and what does not, when an IAM grant is full administrator access,
// and that none of them is ever "expected root use".
import { describe, expect, it } from 'vitest';
import { classifyRecord } from '../../src/activity/classify.js';
import type { RootEvent } from '../../src/activity/model.js';
import { ROOT_ACCESS_CHANGE_EVENT_NAMES } from '../../src/activity/root-access-changes.js';
import { fixtureRecord } from '../fixtures/cloudtrail/load.js';

function classified(name: string, changes: Record<string, unknown> = {}): RootEvent {
  const record = { ...fixtureRecord(name), ...changes };
  const classification = classifyRecord(record);
  if (!classification.alert) throw new Error(`expected an alert, got ${JSON.stringify(classification)}`);
  return classification.event;
}

const kindAndSeverity = (event: RootEvent) => ({ kind: event.kind, severity: event.severity, rootOnlyTask: event.rootOnlyTask });

describe('root IAM access changes', () => {
  it('every IAM call root may use to grant access or make an identity is its own kind, never expected root use', () => {
    for (const eventName of ROOT_ACCESS_CHANGE_EVENT_NAMES) {
      const event = classified('root-iam-add-user-to-group', { eventName, requestParameters: { userName: 'deploy-bot', groupName: 'Admins', roleName: 'ops', policyArn: 'arn:aws:iam::111122223333:policy/ops', status: 'Active' } });
      expect({ eventName, ...kindAndSeverity(event) }).toEqual({ eventName, kind: 'root-access-change', severity: 'high', rootOnlyTask: false });
    }
    expect(ROOT_ACCESS_CHANGE_EVENT_NAMES).toEqual(expect.arrayContaining(['AttachUserPolicy', 'PutUserPolicy', 'AttachRolePolicy', 'PutRolePolicy', 'AttachGroupPolicy', 'PutGroupPolicy', 'AddUserToGroup', 'CreatePolicyVersion', 'SetDefaultPolicyVersion', 'UpdateAssumeRolePolicy', 'CreateUser', 'CreateAccessKey', 'CreateLoginProfile']));
  });

  it('full administrator access is critical: the AWS managed policy on a user, group or role, or a policy allowing * on *', () => {
    const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
    expect(kindAndSeverity(classified('root-iam-add-user-to-group', { eventName: 'AttachRolePolicy', requestParameters: { roleName: 'ops', policyArn: admin } }))).toEqual({ kind: 'root-access-change', severity: 'critical', rootOnlyTask: false });
    expect(classified('root-iam-add-user-to-group', { eventName: 'AttachGroupPolicy', requestParameters: { groupName: 'Admins', policyArn: admin } }).action).toBe('attached AdministratorAccess to IAM group Admins');
    expect(classified('root-iam-add-user-to-group', { eventName: 'AttachUserPolicy', requestParameters: { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } }).severity).toBe('high');
    const allowAll = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['*'], Resource: '*' }] });
    const versioned = (setAsDefault: boolean) => classified('root-iam-add-user-to-group', { eventName: 'CreatePolicyVersion', requestParameters: { policyArn: 'arn:aws:iam::111122223333:policy/ops', policyDocument: allowAll, setAsDefault } });
    expect(versioned(true)).toMatchObject({ severity: 'critical', action: 'wrote a new version of the policy ops and made it the default, allowing every action on every resource' });
    expect(versioned(false).severity).toBe('high');
    // URL-encoded, as some records carry it.
    expect(classified('root-iam-put-user-policy-allow-all', { requestParameters: { userName: 'bob', policyName: 'p', policyDocument: encodeURIComponent(allowAll) } }).severity).toBe('critical');
    // A Deny of everything, or * on one bucket, is no grant of everything.
    expect(classified('root-iam-put-user-policy-allow-all', { requestParameters: { userName: 'bob', policyName: 'p', policyDocument: JSON.stringify({ Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] }) } }).severity).toBe('high');
    expect(classified('root-iam-put-user-policy-allow-all', { requestParameters: { userName: 'bob', policyName: 'p', policyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b/*' }] }) } }).severity).toBe('high');
    expect(classified('root-iam-put-user-policy-allow-all', { requestParameters: { userName: 'bob', policyName: 'p', policyDocument: '{not json *' } }).severity).toBe('high');
  });

  it('removing a policy says it lifts a Deny, if it was one; deactivating an IAM user key is no access change', () => {
    expect(classified('root-iam-add-user-to-group', { eventName: 'DetachUserPolicy', requestParameters: { userName: 'alice', policyArn: 'arn:aws:iam::111122223333:policy/DenyAll' } }).action).toBe('detached DenyAll from IAM user alice (lifts it, if it was a Deny)');
    expect(classified('root-iam-add-user-to-group', { eventName: 'UpdateAccessKey', requestParameters: { userName: 'alice', accessKeyId: 'AKIAI44QH8DHBEXAMPLE', status: 'Inactive' } }).kind).toBe('root-api-call');
  });

  it('a failed IAM change (an SCP denied it) is still an access change, titled as an attempt by the renderers', () => {
    const event = classified('root-iam-attach-admin-to-created-user', { errorCode: 'AccessDenied', errorMessage: 'explicit deny in a service control policy' });
    expect(kindAndSeverity(event)).toEqual({ kind: 'root-access-change', severity: 'critical', rootOnlyTask: false });
  });
});

describe('root turning off the record', () => {
  it('UpdateTrail alerts as logging turned off only when it narrows the trail', () => {
    const update = (requestParameters: Record<string, unknown>) => classified('root-cloudtrail-update-trail-single-region', { requestParameters: { name: 'management-events', ...requestParameters } });
    expect(update({ includeGlobalServiceEvents: false })).toMatchObject({ kind: 'root-logging-disabled', action: 'changed CloudTrail trail management-events: stopped it logging global service events (IAM, STS, sign-in)' });
    expect(update({ s3BucketName: 'someone-elses-bucket' })).toMatchObject({ kind: 'root-logging-disabled', action: 'changed CloudTrail trail management-events: sent its logs to the S3 bucket someone-elses-bucket' });
    expect(update({ enableLogFileValidation: false }).kind).toBe('root-logging-disabled');
    expect(update({ isMultiRegionTrail: true, enableLogFileValidation: true }).kind).toBe('root-api-call');
    expect(update({ kmsKeyId: 'alias/trail' }).kind).toBe('root-api-call');
  });

  it('PutEventSelectors: basic and advanced selectors that drop management events, reads or writes, or a source', () => {
    const put = (requestParameters: Record<string, unknown>) => classified('root-cloudtrail-put-event-selectors-all-management', { requestParameters: { trailName: 'main', ...requestParameters } }).kind;
    expect(put({ eventSelectors: [{ readWriteType: 'WriteOnly', includeManagementEvents: true }] })).toBe('root-logging-disabled');
    expect(put({ eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true, excludeManagementEventSources: ['kms.amazonaws.com'] }] })).toBe('root-logging-disabled');
    expect(put({ eventSelectors: [] })).toBe('root-logging-disabled');
    expect(put({ advancedEventSelectors: [{ name: 'data only', fieldSelectors: [{ field: 'eventCategory', equals: ['Data'] }, { field: 'resources.type', equals: ['AWS::S3::Object'] }] }] })).toBe('root-logging-disabled');
    expect(put({ advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }, { field: 'readOnly', equals: ['false'] }] }] })).toBe('root-logging-disabled');
    expect(put({ advancedEventSelectors: [{ fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] }, { fieldSelectors: [{ field: 'eventCategory', equals: ['Data'] }] }] })).toBe('root-api-call');
  });

  it('Insights turned off, GuardDuty suspended, and the calls that switch things back on', () => {
    expect(classified('root-cloudtrail-stop-logging', { eventName: 'PutInsightSelectors', requestParameters: { trailName: 'main', insightSelectors: [] } }).kind).toBe('root-logging-disabled');
    expect(classified('root-cloudtrail-stop-logging', { eventName: 'PutInsightSelectors', requestParameters: { trailName: 'main', insightSelectors: [{ insightType: 'ApiCallRateInsight' }] } }).kind).toBe('root-api-call');
    expect(classified('root-cloudtrail-stop-logging', { eventName: 'StartLogging' }).kind).toBe('root-api-call');
    expect(classified('root-guardduty-delete-detector', { eventName: 'UpdateDetector', requestParameters: { detectorId: 'd', enable: false } })).toMatchObject({ kind: 'root-logging-disabled', action: 'suspended the GuardDuty detector' });
    expect(classified('root-guardduty-delete-detector', { eventName: 'UpdateDetector', requestParameters: { detectorId: 'd', enable: true } }).kind).toBe('root-api-call');
    expect(classified('root-config-stop-configuration-recorder', { eventName: 'DeleteConfigurationRecorder' }).action).toBe('deleted the AWS Config recorder');
    // The same event name means nothing in another service.
    expect(classified('root-guardduty-delete-detector', { eventSource: 'ec2.amazonaws.com', eventName: 'DeleteDetector' }).kind).toBe('root-api-call');
  });
});

describe('root password events and contact changes', () => {
  it('failed password recovery steps are attempts, high; successful ones critical changes', () => {
    for (const eventName of ['PasswordRecoveryRequested', 'PasswordRecoveryCompleted', 'PasswordUpdated']) {
      const failed = classified('root-password-updated', { eventName, responseElements: { [eventName]: 'Failure' } });
      expect(failed.severity).toBe('high');
      expect(failed.action).toMatch(/^tried to .*: failed$/);
      expect(classified('root-password-updated', { eventName, responseElements: { [eventName]: 'Success' } }).severity).toBe('critical');
    }
  });

  it('contact changes say IAM administrators can make them too, and are not root-only tasks', () => {
    for (const [eventSource, eventName] of [['account.amazonaws.com', 'PutContactInformation'], ['account.amazonaws.com', 'PutAlternateContact'], ['account.amazonaws.com', 'DeleteAlternateContact'], ['billingconsole.amazonaws.com', 'SetContactAddress'], ['billingconsole.amazonaws.com', 'SetAdditionalContacts']]) {
      const event = classified('root-account-put-alternate-contact', { eventSource, eventName });
      expect({ eventName, ...kindAndSeverity(event) }).toEqual({ eventName, kind: 'root-api-call', severity: 'medium', rootOnlyTask: false });
      expect(event.action).toContain('IAM administrators can make this change too');
    }
    // The account name and the root email stay root-only tasks.
    expect(classified('root-account-put-account-name').rootOnlyTask).toBe(true);
  });
});
