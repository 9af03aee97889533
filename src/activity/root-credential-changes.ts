// Which root calls change the root user's own credentials: access keys, MFA devices, password,
// signing certificates, password recovery. Pure table lookups, no regexes (this runs per record).
//
// Record shapes (see test/fixtures/cloudtrail/README.md for the pages):
// - IAM calls on the caller's own credentials carry no `userName`: root CreateAccessKey for itself has
//   `requestParameters: null`; with a `userName` it acted on an IAM user (a root API call, not this).
// - Root MFA device calls carry `userName: "AWS ROOT USER"`.
// - Password events come from signin.amazonaws.com: PasswordRecoveryRequested is emitted only by the
//   root "forgot password" flow; PasswordRecoveryCompleted and PasswordUpdated follow it. Their result is
//   `responseElements.<eventName>`: "Success" or "Failure", and a failure has no errorCode (CloudTrail User
//   Guide, "AWS Management Console sign-in events"), so "Failure" is read there: someone tried, and failed.
// - Centralized root sessions (sts:AssumeRoot task policies IAMCreateRootUserPassword and
//   IAMDeleteRootUserCredentials) call CreateLoginProfile / DeleteLoginProfile / DeleteAccessKey /
//   DeactivateMFADevice / DeleteSigningCertificate without a userName: the member account's root.
import type { AlertSeverity } from './model.js';
import { stringField } from './rule-match.js';

export type RootCredential = 'access key' | 'MFA device' | 'password' | 'signing certificate';

export interface RootCredentialChange {
  credential: RootCredential;
  /** What happened, for the alert ("created a root access key"). */
  action: string;
  severity: AlertSeverity;
}

/** The user name IAM logs for the root user in MFA device calls. */
export const ROOT_MFA_USER_NAME = 'AWS ROOT USER';

const SIGN_IN_SOURCE = 'signin.amazonaws.com';
const IAM_SOURCE = 'iam.amazonaws.com';

/** signin.amazonaws.com events about the root password: always root's own credential. */
const SIGN_IN_PASSWORD_EVENTS: ReadonlyMap<string, RootCredentialChange> = new Map([
  ['PasswordRecoveryRequested', { credential: 'password', action: 'requested a root password reset (forgot password)', severity: 'critical' }],
  ['PasswordRecoveryCompleted', { credential: 'password', action: 'reset the root password through password recovery', severity: 'critical' }],
  ['PasswordUpdated', { credential: 'password', action: 'changed the root password', severity: 'critical' }],
] as const);

// Creating or re-enabling a way in is critical; removing one (or adding MFA) is a change to know about.
const IAM_OWN_CREDENTIAL_EVENTS: ReadonlyMap<string, RootCredentialChange> = new Map([
  ['CreateAccessKey', { credential: 'access key', action: 'created a root access key', severity: 'critical' }],
  ['UpdateAccessKey', { credential: 'access key', action: 'changed the status of a root access key', severity: 'high' }],
  ['DeleteAccessKey', { credential: 'access key', action: 'deleted a root access key', severity: 'high' }],
  ['UploadSigningCertificate', { credential: 'signing certificate', action: 'uploaded a root signing certificate', severity: 'critical' }],
  ['UpdateSigningCertificate', { credential: 'signing certificate', action: 'changed the status of a root signing certificate', severity: 'high' }],
  ['DeleteSigningCertificate', { credential: 'signing certificate', action: 'deleted a root signing certificate', severity: 'high' }],
  ['EnableMFADevice', { credential: 'MFA device', action: 'enabled a root MFA device', severity: 'high' }],
  ['DeactivateMFADevice', { credential: 'MFA device', action: 'deactivated a root MFA device', severity: 'critical' }],
  ['ResyncMFADevice', { credential: 'MFA device', action: 'resynchronized a root MFA device', severity: 'high' }],
  // No userName parameter exists on these two: a root caller managing virtual MFA devices is treated as
  // managing its own (an IAM user's device deleted by root would also land here; rare, and still worth an alert).
  ['CreateVirtualMFADevice', { credential: 'MFA device', action: 'created a virtual MFA device', severity: 'high' }],
  ['DeleteVirtualMFADevice', { credential: 'MFA device', action: 'deleted a virtual MFA device', severity: 'critical' }],
  ['CreateLoginProfile', { credential: 'password', action: 'created a root console password', severity: 'critical' }],
  ['UpdateLoginProfile', { credential: 'password', action: 'changed the root console password', severity: 'critical' }],
  ['DeleteLoginProfile', { credential: 'password', action: 'deleted the root console password', severity: 'high' }],
  ['ChangePassword', { credential: 'password', action: 'changed the root password', severity: 'critical' }],
] as const);

const REACTIVATED_ACCESS_KEY: RootCredentialChange = { credential: 'access key', action: 're-activated a root access key', severity: 'critical' };
const REACTIVATED_SIGNING_CERTIFICATE: RootCredentialChange = { credential: 'signing certificate', action: 're-activated a root signing certificate', severity: 'critical' };

/** The IAM call targets the caller (root) itself: no userName, or IAM's name for the root user. */
function targetsRootItself(requestParameters: unknown): boolean {
  const userName = stringField(requestParameters, 'userName');
  return userName === undefined || userName === ROOT_MFA_USER_NAME;
}

/** A password event whose result is "Failure": the attempt, not the change. */
const FAILED_SIGN_IN_PASSWORD_EVENTS: ReadonlyMap<string, RootCredentialChange> = new Map([
  ['PasswordRecoveryRequested', { credential: 'password', action: 'tried to request a root password reset (forgot password): failed', severity: 'high' }],
  ['PasswordRecoveryCompleted', { credential: 'password', action: 'tried to reset the root password through password recovery: failed', severity: 'high' }],
  ['PasswordUpdated', { credential: 'password', action: 'tried to change the root password: failed', severity: 'high' }],
] as const);

/** The root credential change a root call makes, or null when the call is something else. */
export function findRootCredentialChange(eventSource: string, eventName: string, requestParameters: unknown, responseElements?: unknown): RootCredentialChange | null {
  if (eventSource === SIGN_IN_SOURCE) {
    if (stringField(responseElements, eventName) === 'Failure') return FAILED_SIGN_IN_PASSWORD_EVENTS.get(eventName) ?? null;
    return SIGN_IN_PASSWORD_EVENTS.get(eventName) ?? null;
  }
  if (eventSource !== IAM_SOURCE) return null;
  const change = IAM_OWN_CREDENTIAL_EVENTS.get(eventName);
  if (change === undefined || !targetsRootItself(requestParameters)) return null;
  if (eventName === 'UpdateAccessKey' || eventName === 'UpdateSigningCertificate') {
    // Re-activating a key or certificate reopens a door: as serious as creating one.
    const status = stringField(requestParameters, 'status');
    if (status === 'Active') return eventName === 'UpdateAccessKey' ? REACTIVATED_ACCESS_KEY : REACTIVATED_SIGNING_CERTIFICATE;
  }
  return change;
}
