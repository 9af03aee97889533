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
  'root-password-updated': alert('root-credential-change', 'critical', false),
  'root-create-access-key-self': alert('root-credential-change', 'critical', false, {}, { sessionKey: 'ASIAQ3EGSK7ZEXAMPLE1' }),
  'root-enable-mfa-device': alert('root-credential-change', 'high', false),
  'root-deactivate-mfa-device': alert('root-credential-change', 'critical', true),
  'root-upload-signing-certificate': alert('root-credential-change', 'critical', false, {}, { accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }),
  // Root-only tasks ("expected root use")
  'root-billing-set-account-preferences': alert('root-only-task', 'high', true, { rootOnlyTask: true }, { eventSource: 'billingconsole.amazonaws.com' }),
  'root-billing-close-account': alert('root-only-task', 'high', true, { rootOnlyTask: true }),
  'root-account-put-account-name': alert('root-only-task', 'medium', true, { rootOnlyTask: true }),
  'root-account-put-contact-information': alert('root-only-task', 'medium', true, { rootOnlyTask: true }),
  'root-tax-put-tax-registration': alert('root-only-task', 'medium', true, { rootOnlyTask: true }),
  'root-supportplans-start-update': alert('root-only-task', 'medium', true, { rootOnlyTask: true }, { region: 'us-west-2' }),
  'root-s3-put-bucket-versioning-mfa-delete': alert('root-only-task', 'medium', false, { rootOnlyTask: true }),
  'root-s3-delete-bucket-policy': alert('root-only-task', 'medium', false, { rootOnlyTask: true }),
  'root-organizations-close-account': alert('root-only-task', 'high', true, { rootOnlyTask: true }),
  'root-iam-restore-user-permissions': alert('root-only-task', 'high', true, { rootOnlyTask: true }),
  // Other root API calls
  'root-create-access-key-for-iam-user': alert('root-api-call', 'high', false),
  'root-s3-put-bucket-versioning-plain': alert('root-api-call', 'high', false),
  'root-api-call-access-key': alert('root-api-call', 'high', false, {}, { region: 'eu-west-1', sessionKey: 'AKIAIOSFODNN7EXAMPLE', sourceIp: '198.51.100.77' }),
  'root-api-call-access-denied': alert('root-api-call', 'high', false, {}, { errorCode: 'AccessDenied', eventSource: 'cloudtrail.amazonaws.com' }),
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
