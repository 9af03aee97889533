// sts:AssumeRoot calls as root activity (pure). The call is made in the management account (or the IAM
// delegated administrator) by a role or user, so the CIS classifier (classify.ts) rightly says "not root"; but
// it opens a privileged root session on a member, so it is alerted on its own: "Root session opened on member …".
// The member-side calls made with the issued key (responseElements.credentials.accessKeyId) carry that key and
// sessionContext.assumedRoot "true"; alerts/grouping.ts threads them under the AssumeRoot alert by that key.
// The bot's own audit sessions (keys its AssumeRoot recorder kept) are marked auditByThisBot: stored, not alerted.
//
// Record fields (IAM User Guide, "Track privileged tasks in AWS CloudTrail"): eventSource sts.amazonaws.com,
// eventName AssumeRoot, requestParameters.targetPrincipal and taskPolicyArn.arn, responseElements.credentials.
import { isAssumedRootFlag } from './centralized-root.js';
import { classifyRecord } from './classify.js';
import type { AlertSeverity, Classification, RootEvent } from './model.js';

/** The task policy of the bot's own audits, and of any read-only look at a member's root credentials. */
const AUDIT_TASK_POLICY = 'IAMAuditRootUserCredentials';

export interface ActivityClassifyContext {
  /** Whether a key was issued to this bot by its own AssumeRoot audit (the store's audit_sessions). */
  isBotAuditAccessKey?: (accessKeyId: string) => boolean;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials" -> "IAMDeleteRootUserCredentials". */
function taskPolicyName(requestParameters: unknown): string | null {
  const arn = text(field(field(requestParameters, 'taskPolicyArn'), 'arn')) ?? text(field(requestParameters, 'taskPolicyArn'));
  return arn ? arn.slice(arn.lastIndexOf('/') + 1) : null;
}

/** The RootEvent of an sts:AssumeRoot record, or null when the record is not one. */
export function assumeRootEvent(record: unknown): RootEvent | null {
  if (field(record, 'eventSource') !== 'sts.amazonaws.com' || field(record, 'eventName') !== 'AssumeRoot') return null;
  const eventId = text(field(record, 'eventID'));
  const eventTime = text(field(record, 'eventTime'));
  if (!eventId || !eventTime) return null;
  const identity = field(record, 'userIdentity');
  const requestParameters = field(record, 'requestParameters');
  const taskPolicy = taskPolicyName(requestParameters);
  const issuedAccessKeyId = text(field(field(field(record, 'responseElements'), 'credentials'), 'accessKeyId'));
  const errorCode = text(field(record, 'errorCode'));
  // Every root session is worth a look; a read-only audit less urgently than one that can delete or create credentials.
  const severity: AlertSeverity = taskPolicy === AUDIT_TASK_POLICY && errorCode === null ? 'medium' : 'high';
  const mfa = text(field(field(field(identity, 'sessionContext'), 'attributes'), 'mfaAuthenticated'));
  const sourceIp = text(field(record, 'sourceIPAddress'));
  return {
    eventId,
    kind: 'root-session-opened',
    severity,
    mfaUsed: mfa === null ? null : mfa.toLowerCase() === 'true',
    rootOnlyTask: false,
    centralizedRootSession: false,
    accountId: text(field(record, 'recipientAccountId')) ?? text(field(identity, 'accountId')) ?? '',
    eventName: 'AssumeRoot',
    eventSource: 'sts.amazonaws.com',
    eventTime,
    region: text(field(record, 'awsRegion')) ?? '',
    sourceIp,
    userAgent: text(field(record, 'userAgent')),
    errorCode,
    errorMessage: text(field(record, 'errorMessage')),
    accessKeyId: text(field(identity, 'accessKeyId')),
    // The issued key is what ties the member-side calls to this alert.
    sessionKey: issuedAccessKeyId,
    rootSession: { targetAccountId: text(field(requestParameters, 'targetPrincipal')), callerArn: text(field(identity, 'arn')), taskPolicy, issuedAccessKeyId },
  };
}

/**
 * The classifier the activity sources use: AssumeRoot calls as root sessions opened, everything else by the CIS
 * classifier; events of the bot's own audit sessions are marked so the store records them without an alert.
 */
export function classifyActivityRecord(record: unknown, context: ActivityClassifyContext = {}): Classification {
  const classification = rootActivityClassification(record);
  const botKey = context.isBotAuditAccessKey ? rootSessionKeyOf(classification, record) : null;
  return botKey && context.isBotAuditAccessKey?.(botKey) ? markedAsBotAudit(classification) : classification;
}

/** classifyActivityRecord with the audit keys looked up in the store (asynchronously): only for a root session's key. */
export async function classifyActivityRecordWithStore(record: unknown, isBotAuditAccessKey: (accessKeyId: string) => Promise<boolean>): Promise<Classification> {
  const classification = rootActivityClassification(record);
  const botKey = rootSessionKeyOf(classification, record);
  return botKey && (await isBotAuditAccessKey(botKey)) ? markedAsBotAudit(classification) : classification;
}

function rootActivityClassification(record: unknown): Classification {
  const opened = assumeRootEvent(record);
  return opened ? { alert: true, event: opened } : classifyRecord(record);
}

/** The key of the root session an event opened or was made in, which may be one of the bot's audits; else null. */
function rootSessionKeyOf(classification: Classification, record: unknown): string | null {
  if (!classification.alert) return null;
  const event = classification.event;
  const key = event.kind === 'root-session-opened' ? event.rootSession?.issuedAccessKeyId : event.centralizedRootSession || isAssumedRootFlag(field(field(field(record, 'userIdentity'), 'sessionContext'), 'assumedRoot')) ? event.accessKeyId : null;
  return key ?? null;
}

function markedAsBotAudit(classification: Classification): Classification {
  return classification.alert ? { alert: true, event: { ...classification.event, auditByThisBot: true } } : classification;
}
