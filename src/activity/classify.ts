// CloudTrail record -> Classification: is it root activity, and of which kind. Pure, never throws, and
// cheap (property reads and Map/Set lookups only: it runs on every record of an exported trail).
//
// Root activity is CIS AWS Foundations' definition (the metric filter of the "root account usage" control):
//   userIdentity.type = "Root" AND userIdentity.invokedBy NOT EXISTS AND eventType != "AwsServiceEvent"
// with one deliberate exception, `invokedBy: "signin.amazonaws.com"`: before about 2020 the console
// signed the calls a person made in it, so those records carry that invokedBy (sourceIPAddress and
// userAgent often say "signin.amazonaws.com" too). That is a person at the console as root, not a
// service acting for the account, so it alerts; CIS's filter would drop it. Any other invokedBy (ELB,
// Auto Scaling, "AWS Internal", …) is a service acting with the account's authority and does not alert.
//
// Kind, in order of precedence: console-login-success / console-login-failure (signin ConsoleLogin), then
// root-call-rules.ts: root-credential-change, root-logging-disabled, root-access-change, root-only-task (and
// account contact changes, a root-api-call that says IAM administrators can make it too); root-api-call (any
// other root record). Severity:
//   console sign-in without MFA          critical   (with MFA, or MFA unknown: high)
//   failed console sign-in               high; critical when it failed at the MFA step (MFAUsed Yes: the
//                                        password was right). Bursts are grouped by alerts/grouping.ts
//   root credential change               critical / high, per change (creating or re-enabling a way in is critical;
//                                        a failed password change is high)
//   turning off the record               critical (CloudTrail, GuardDuty, Security Hub, Config, flow logs)
//   IAM access change                    high; critical for full administrator access
//   root-only task                       medium, or high for closing accounts and the root email
//   root API call                        high; medium inside a centralized-root session (task-scoped, 15 min)
//                                        and for contact changes; low for sign-in steps other than ConsoleLogin
import type { AlertSeverity, Classification, RootEvent, RootEventKind } from './model.js';
import { isAssumedRootFlag, type CentralizedRootContext } from './centralized-root.js';
import { matchRootCall } from './root-call-rules.js';

export type ClassifyContext = CentralizedRootContext;

const SIGN_IN_SOURCE = 'signin.amazonaws.com';
/** invokedBy values that mean "a person in the AWS console", not a service. */
const CONSOLE_INVOKERS: ReadonlySet<string> = new Set([SIGN_IN_SOURCE]);

/** The fields we read, as CloudTrail names them; everything is unknown until checked. */
interface CloudTrailRecordFields {
  eventID?: unknown;
  eventTime?: unknown;
  eventType?: unknown;
  eventSource?: unknown;
  eventName?: unknown;
  awsRegion?: unknown;
  sourceIPAddress?: unknown;
  userAgent?: unknown;
  errorCode?: unknown;
  errorMessage?: unknown;
  requestParameters?: unknown;
  responseElements?: unknown;
  additionalEventData?: unknown;
  recipientAccountId?: unknown;
  userIdentity?: unknown;
}

interface UserIdentityFields {
  type?: unknown;
  invokedBy?: unknown;
  accountId?: unknown;
  principalId?: unknown;
  accessKeyId?: unknown;
  sessionContext?: unknown;
}

interface SessionContextFields {
  attributes?: { mfaAuthenticated?: unknown; creationDate?: unknown } | null;
  assumedRoot?: unknown;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "Yes"/"YES"/"No", "true"/"false": CloudTrail is not consistent about case. */
function yesNo(value: unknown): boolean | null {
  if (typeof value !== 'string') return null;
  switch (value) {
    case 'Yes':
    case 'true':
      return true;
    case 'No':
    case 'false':
      return false;
  }
  const lower = value.toLowerCase();
  if (lower === 'yes' || lower === 'true') return true;
  if (lower === 'no' || lower === 'false') return false;
  return null;
}

/** sourceIPAddress holds a service name when a service (or the old console) made the call: not an IP. */
function sourceIpOf(value: unknown): string | null {
  const address = text(value);
  if (address === null || address === 'AWS Internal' || address.endsWith('.amazonaws.com')) return null;
  return address;
}

function digitsAt(value: string, index: number): number {
  const tens = value.charCodeAt(index) - 48;
  const ones = value.charCodeAt(index + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

/**
 * CloudTrail writes eventTime as "2024-06-03T03:12:07Z": check that shape (and sane field ranges) by
 * character codes; only other spellings pay for Date.parse. Keeps the classifier near JSON.parse speed.
 */
function isCloudTrailTime(value: string): boolean {
  if (value.length !== 20 || value[4] !== '-' || value[7] !== '-' || value[10] !== 'T' || value[13] !== ':' || value[16] !== ':' || value[19] !== 'Z') return false;
  const month = digitsAt(value, 5);
  const day = digitsAt(value, 8);
  const hour = digitsAt(value, 11);
  const minute = digitsAt(value, 14);
  const second = digitsAt(value, 17);
  return digitsAt(value, 0) >= 0 && digitsAt(value, 2) >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 60;
}

function malformed(eventId: string | null, error: string): Classification {
  return { alert: false, eventId, reason: 'malformed', error };
}

/** Classifies one CloudTrail record (a log file's Records element, or a LookupEvents CloudTrailEvent, parsed). */
export function classifyRecord(record: unknown, context?: ClassifyContext): Classification {
  if (!isObject(record)) return malformed(null, record === null ? 'the record is null' : `the record is not a JSON object (${Array.isArray(record) ? 'array' : typeof record})`);
  const fields = record as CloudTrailRecordFields;
  const eventId = text(fields.eventID);
  if (eventId === null) return malformed(null, 'the record has no eventID');
  const eventTime = text(fields.eventTime);
  if (eventTime === null) return malformed(eventId, 'the record has no eventTime');
  if (!isCloudTrailTime(eventTime) && Number.isNaN(Date.parse(eventTime))) return malformed(eventId, `eventTime is not a date: ${eventTime.slice(0, 40)}`);
  if (!isObject(fields.userIdentity)) return malformed(eventId, 'the record has no userIdentity object');
  const identity = fields.userIdentity as UserIdentityFields;

  // The CIS filter, with the console exception explained at the top of this file.
  if (identity.type !== 'Root' || fields.eventType === 'AwsServiceEvent') return { alert: false, eventId, reason: 'not-root' };
  const invokedBy = identity.invokedBy;
  if (invokedBy !== undefined && invokedBy !== null && invokedBy !== '' && !(typeof invokedBy === 'string' && CONSOLE_INVOKERS.has(invokedBy))) {
    return { alert: false, eventId, reason: 'not-root' };
  }

  const eventSource = text(fields.eventSource) ?? '';
  const eventName = text(fields.eventName) ?? '';
  const accessKeyId = text(identity.accessKeyId);
  const sessionContext = isObject(identity.sessionContext) ? (identity.sessionContext as SessionContextFields) : null;
  const centralizedRootSession =
    (sessionContext !== null && isAssumedRootFlag(sessionContext.assumedRoot)) ||
    (accessKeyId !== null && context?.assumeRootAccessKeyIds?.has(accessKeyId) === true);

  let kind: Exclude<RootEventKind, 'none'>;
  let severity: AlertSeverity;
  let mfaUsed: boolean | null;
  let rootOnlyTask = false;
  let action: string | undefined;

  if (eventSource === SIGN_IN_SOURCE && eventName === 'ConsoleLogin') {
    const additional = isObject(fields.additionalEventData) ? fields.additionalEventData : null;
    mfaUsed = additional === null ? null : yesNo(additional.MFAUsed);
    const result = isObject(fields.responseElements) ? fields.responseElements.ConsoleLogin : undefined;
    const failed = result === 'Failure' || (result !== 'Success' && (text(fields.errorMessage) !== null || text(fields.errorCode) !== null));
    kind = failed ? 'console-login-failure' : 'console-login-success';
    // A failure with MFAUsed "Yes" failed at the MFA step: whoever it was knew the root password.
    severity = failed ? (mfaUsed === true ? 'critical' : 'high') : mfaUsed === false ? 'critical' : 'high';
  } else {
    mfaUsed = sessionMfa(sessionContext, accessKeyId, fields.additionalEventData);
    const match = matchRootCall(eventSource, eventName, fields.requestParameters, fields.responseElements);
    if (match !== null) {
      kind = match.kind;
      severity = match.severity;
      rootOnlyTask = match.rootOnlyTask;
      action = match.action;
    } else {
      kind = 'root-api-call';
      severity = eventSource === SIGN_IN_SOURCE ? 'low' : centralizedRootSession ? 'medium' : 'high';
    }
  }

  const event: RootEvent = {
    eventId,
    kind,
    severity,
    mfaUsed,
    rootOnlyTask,
    centralizedRootSession,
    accountId: text(identity.accountId) ?? text(fields.recipientAccountId) ?? text(identity.principalId) ?? '',
    eventName,
    eventSource,
    eventTime,
    region: text(fields.awsRegion) ?? '',
    sourceIp: sourceIpOf(fields.sourceIPAddress),
    userAgent: text(fields.userAgent),
    errorCode: text(fields.errorCode),
    errorMessage: text(fields.errorMessage),
    accessKeyId,
    sessionKey: sessionKeyOf(accessKeyId, sessionContext, kind, identity),
  };
  if (action !== undefined) event.action = action;
  return { alert: true, event };
}

/**
 * MFA for a call made with credentials: the session says it (mfaAuthenticated); a long-term AKIA key
 * never carries MFA; password events carry MFAUsed like a sign-in; otherwise the record cannot tell.
 */
function sessionMfa(sessionContext: SessionContextFields | null, accessKeyId: string | null, additionalEventData: unknown): boolean | null {
  const fromSession = sessionContext !== null && isObject(sessionContext.attributes) ? yesNo(sessionContext.attributes.mfaAuthenticated) : null;
  if (fromSession !== null) return fromSession;
  if (isObject(additionalEventData) && additionalEventData.MFAUsed !== undefined) return yesNo(additionalEventData.MFAUsed);
  if (accessKeyId?.startsWith('AKIA')) return false;
  return null;
}

/**
 * What ties calls of one session together: the access key (ASIA… for console and temporary sessions,
 * AKIA… for a long-term key), or, for old console records without a key, the session's creation time.
 * Sign-ins have none: they open sessions, they are not inside one.
 */
function sessionKeyOf(accessKeyId: string | null, sessionContext: SessionContextFields | null, kind: RootEventKind, identity: UserIdentityFields): string | null {
  if (kind === 'console-login-success' || kind === 'console-login-failure') return null;
  if (accessKeyId !== null) return accessKeyId;
  const creationDate = sessionContext !== null && isObject(sessionContext.attributes) ? text(sessionContext.attributes.creationDate) : null;
  if (creationDate === null) return null;
  return `console-session:${text(identity.accountId) ?? ''}:${creationDate}`;
}
