// One test per real-format fixture: what the classifier makes of it.
import { describe, expect, it } from 'vitest';
import { classifyRecord } from '../../src/activity/classify.js';
import { collectAssumeRootAccessKeyIds } from '../../src/activity/centralized-root.js';
import type { AlertSeverity, RootEvent, RootEventKind } from '../../src/activity/model.js';
import { fixtureNames, fixtureRecord } from '../fixtures/cloudtrail/load.js';

interface ExpectedAlert {
  kind: Exclude<RootEventKind, 'none'>;
  severity: AlertSeverity;
  mfaUsed: boolean | null;
  rootOnlyTask: boolean;
  centralizedRootSession: boolean;
  /** Classify with the keys issued by the AssumeRoot fixture (an organization trail holds both). */
  withAssumeRootContext?: boolean;
  /** Further fields to check. */
  also?: Partial<RootEvent>;
}

const alert = (
  kind: ExpectedAlert['kind'],
  severity: AlertSeverity,
  mfaUsed: boolean | null,
  flags: { rootOnlyTask?: boolean; centralized?: boolean; withAssumeRootContext?: boolean } = {},
  also?: Partial<RootEvent>,
): ExpectedAlert => ({
  kind,
  severity,
  mfaUsed,
  rootOnlyTask: flags.rootOnlyTask ?? false,
  centralizedRootSession: flags.centralized ?? false,
  ...(flags.withAssumeRootContext ? { withAssumeRootContext: true } : {}),
  ...(also ? { also } : {}),
});

const EXPECTED_ALERTS: Record<string, ExpectedAlert> = {
  // Sign-in
  'root-console-login-success-no-mfa': alert('console-login-success', 'critical', false, {}, { sourceIp: '192.0.2.0', sessionKey: null, accessKeyId: null, region: 'us-east-1' }),
  'root-console-login-success-alias-mfa-uppercase': alert('console-login-success', 'high', true, {}, { accountId: '111122223333', sourceIp: '203.0.113.7' }),
  'root-console-login-failure': alert('console-login-failure', 'high', false, {}, { errorMessage: 'Failed authentication', errorCode: null }),
  'root-console-login-failure-at-mfa-step': alert('console-login-failure', 'critical', true),
  'root-check-mfa': alert('root-api-call', 'low', null),
  // Root credential changes
  'root-password-recovery-requested': alert('root-credential-change', 'critical', false),
  'root-password-recovery-completed': alert('root-credential-change', 'critical', false),
  'root-password-updated': alert('root-credential-change', 'critical', false, {}, { action: 'changed the root password' }),
  // PasswordUpdated "Failure" (no errorCode): an attempt, not a change.
  'root-password-updated-failure': alert('root-credential-change', 'high', false, {}, { action: 'tried to change the root password: failed', errorCode: null }),
  'root-create-access-key-self': alert('root-credential-change', 'critical', false, {}, { sessionKey: 'ASIAQ3EGSK7ZEXAMPLE1' }),
  'root-enable-mfa-device': alert('root-credential-change', 'high', false),
  'root-deactivate-mfa-device': alert('root-credential-change', 'critical', true),
  'root-upload-signing-certificate': alert('root-credential-change', 'critical', false, {}, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }),
  // Root-only tasks ("expected root use")
  'root-billing-set-account-preferences': alert('root-only-task', 'high', true, { rootOnlyTask: true }, { eventSource: 'billingconsole.amazonaws.com' }),
  'root-billing-close-account': alert('root-only-task', 'high', true, { rootOnlyTask: true }),
  'root-account-put-account-name': alert('root-only-task', 'medium', true, { rootOnlyTask: true }),
  'root-tax-put-tax-registration': alert('root-only-task', 'medium', true, { rootOnlyTask: true }),
  'root-supportplans-start-update': alert('root-only-task', 'medium', true, { rootOnlyTask: true }, { region: 'us-west-2' }),
  'root-s3-put-bucket-versioning-mfa-delete': alert('root-only-task', 'medium', false, { rootOnlyTask: true }),
  'root-s3-delete-bucket-policy': alert('root-only-task', 'medium', false, { rootOnlyTask: true }),
  'root-organizations-close-account': alert('root-only-task', 'high', true, { rootOnlyTask: true }),
  // Root changing IAM access: never expected root use (a lockout restore and a back door look the same).
  // Panther's compromised-root-credentials scenario: CreateUser, AdministratorAccess on it, a key for it.
  'root-iam-create-user': alert('root-access-change', 'high', false, {}, { action: 'created IAM user support-backup', sessionKey: 'ASIAQ3EGSK7ZEXAMPLE2' }),
  'root-iam-attach-admin-to-created-user': alert('root-access-change', 'critical', false, {}, { action: 'attached AdministratorAccess to IAM user support-backup' }),
  'root-iam-create-access-key-for-created-user': alert('root-access-change', 'high', false, {}, { action: 'created an access key for IAM user support-backup' }),
  'root-iam-create-login-profile-for-user': alert('root-access-change', 'high', false, {}, { action: 'created a console password for IAM user support-backup' }),
  'root-iam-restore-user-permissions': alert('root-access-change', 'critical', true, {}, { action: 'attached AdministratorAccess to IAM user admin-alice' }),
  'root-iam-put-user-policy-allow-all': alert('root-access-change', 'critical', false, {}, { action: 'wrote the inline policy ops on IAM user deploy-bot, allowing every action on every resource' }),
  'root-iam-add-user-to-group': alert('root-access-change', 'high', false, {}, { action: 'added IAM user deploy-bot to IAM group Admins' }),
  'root-iam-update-assume-role-policy': alert('root-access-change', 'high', false, {}, { action: 'changed who may assume IAM role OrganizationAccountAccessRole (its trust policy)' }),
  'root-create-access-key-for-iam-user': alert('root-access-change', 'high', false, {}, { action: 'created an access key for IAM user deploy-bot' }),
  // Root turning off the record: critical.
  'root-cloudtrail-stop-logging': alert('root-logging-disabled', 'critical', false, {}, { action: 'stopped logging on CloudTrail trail management-events' }),
  'root-cloudtrail-delete-trail': alert('root-logging-disabled', 'critical', false, {}, { action: 'deleted CloudTrail trail management-events' }),
  'root-cloudtrail-put-event-selectors-no-management': alert('root-logging-disabled', 'critical', false, {}, { action: 'changed the event selectors of CloudTrail trail sample-cloudtrail-name so it no longer logs every management event' }),
  'root-cloudtrail-update-trail-single-region': alert('root-logging-disabled', 'critical', false, {}, { action: 'changed CloudTrail trail management-events: made it log one Region only' }),
  'root-guardduty-delete-detector': alert('root-logging-disabled', 'critical', false, {}, { action: 'deleted the GuardDuty detector (GuardDuty is off in this Region)' }),
  'root-securityhub-disable': alert('root-logging-disabled', 'critical', false, {}, { action: 'turned Security Hub off' }),
  'root-config-stop-configuration-recorder': alert('root-logging-disabled', 'critical', false, {}, { action: 'stopped the AWS Config recorder' }),
  // An SCP denied it: still someone with root's credentials trying to blind the account.
  'root-api-call-access-denied': alert('root-logging-disabled', 'critical', false, {}, { errorCode: 'AccessDenied', eventSource: 'cloudtrail.amazonaws.com' }),
  // Other root API calls
  // Widening logging, and contact changes IAM administrators can make too: root use, not a root-only task.
  'root-cloudtrail-put-event-selectors-all-management': alert('root-api-call', 'high', false),
  'root-account-put-contact-information': alert('root-api-call', 'medium', true, {}, { action: "changed the account's contact information; IAM administrators can make this change too, so it need not be root" }),
  'root-account-put-alternate-contact': alert('root-api-call', 'medium', false, {}, { action: "changed the account's security alternate contact; IAM administrators can make this change too, so it need not be root" }),
  'root-s3-put-bucket-versioning-plain': alert('root-api-call', 'high', false),
  'root-api-call-access-key': alert('root-api-call', 'high', false, {}, { region: 'eu-west-1', sessionKey: 'AKIAIOSFODNN7EXAMPLE', sourceIp: '198.51.100.77' }),
  // A person at the console as root, logged the pre-2020 way (invokedBy signin): alerts; "signin.amazonaws.com" is no IP.
  'root-console-call-invokedby-signin': alert('root-api-call', 'high', false, {}, { sourceIp: null, userAgent: 'signin.amazonaws.com', sessionKey: 'ASIAEXAMPLEOLDCONSOLE' }),
  'root-console-call-new-style': alert('root-api-call', 'high', true, {}, { sessionKey: 'ASIAQ3EGSK7ZEXAMPLE1' }),
  // Centralized root sessions (sts:AssumeRoot) in the member account
  'centralized-root-delete-bucket-policy': alert('root-only-task', 'medium', false, { rootOnlyTask: true, centralized: true }, { accountId: '222222222222' }),
  'centralized-root-list-access-keys': alert('root-api-call', 'medium', false, { centralized: true }),
  'centralized-root-create-login-profile': alert('root-credential-change', 'critical', false, { centralized: true, withAssumeRootContext: true }),
};

/** Records that must never alert. */
const NEAR_MISSES = [
  'near-miss-iam-user-named-root-admin',
  'near-miss-assumed-role-session-named-root',
  'near-miss-service-invoked-for-root',
  'near-miss-service-event-close-account-result',
  'near-miss-iam-user-console-login',
  'near-miss-federated-user-root-issuer',
  'near-miss-failed-sign-in-hidden-user-name',
  'assume-root-management-account',
];

const assumeRootContext = { assumeRootAccessKeyIds: collectAssumeRootAccessKeyIds([fixtureRecord('assume-root-management-account')]) };

describe('classifyRecord on real-format fixtures', () => {
  it('has an expectation for every fixture file, and a file for every expectation', () => {
    const covered = [...Object.keys(EXPECTED_ALERTS), ...NEAR_MISSES].sort();
    expect(fixtureNames()).toEqual(covered);
  });

  for (const [name, expected] of Object.entries(EXPECTED_ALERTS)) {
    it(`${name} -> ${expected.kind}, ${expected.severity}`, () => {
      const record = fixtureRecord(name);
      const classification = classifyRecord(record, expected.withAssumeRootContext ? assumeRootContext : undefined);
      if (!classification.alert) throw new Error(`expected an alert, got ${JSON.stringify(classification)}`);
      const event = classification.event;
      expect({
        kind: event.kind,
        severity: event.severity,
        mfaUsed: event.mfaUsed,
        rootOnlyTask: event.rootOnlyTask,
        centralizedRootSession: event.centralizedRootSession,
      }).toEqual({
        kind: expected.kind,
        severity: expected.severity,
        mfaUsed: expected.mfaUsed,
        rootOnlyTask: expected.rootOnlyTask,
        centralizedRootSession: expected.centralizedRootSession,
      });
      // The identifying fields come straight from the record.
      expect(event.eventId).toBe(record.eventID);
      expect(event.eventTime).toBe(record.eventTime);
      expect(event.eventName).toBe(record.eventName);
      expect(event.region).toBe(record.awsRegion);
      if (expected.also) expect(event).toMatchObject(expected.also);
    });
  }

  for (const name of NEAR_MISSES) {
    it(`${name} does not alert`, () => {
      const record = fixtureRecord(name);
      expect(classifyRecord(record)).toEqual({ alert: false, eventId: record.eventID, reason: 'not-root' });
    });
  }

  it('labels the AssumeRoot session only when the issuing key is known or the record says assumedRoot', () => {
    const record = fixtureRecord('centralized-root-create-login-profile');
    const alone = classifyRecord(record);
    const withContext = classifyRecord(record, assumeRootContext);
    expect(alone.alert && alone.event.centralizedRootSession).toBe(false);
    expect(withContext.alert && withContext.event.centralizedRootSession).toBe(true);
    expect(withContext.alert && withContext.event.kind).toBe('root-credential-change');
  });
});
