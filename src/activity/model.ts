// Plain data for root activity: what the classifier makes of one CloudTrail record.

export type RootEventKind =
  | 'console-login-success'
  | 'console-login-failure'
  | 'root-credential-change'
  | 'root-logging-disabled'
  | 'root-access-change'
  | 'root-only-task'
  | 'root-api-call'
  | 'root-session-opened'
  | 'none';

export type AlertSeverity = 'critical' | 'high' | 'medium' | 'low';

/** A CloudTrail record that is root activity, in our own words. */
export interface RootEvent {
  eventId: string;
  kind: Exclude<RootEventKind, 'none'>;
  severity: AlertSeverity;
  /** true / false, or null when the record cannot tell. */
  mfaUsed: boolean | null;
  /** A task only root can do: "expected root use". Never set for IAM access changes or turning logging off. */
  rootOnlyTask: boolean;
  /**
   * What the call did, in words, when a rule knows ("attached AdministratorAccess to IAM user bob", "tried to change
   * the root password: failed"). Absent on sign-ins, plain API calls, and events stored before it existed.
   */
  action?: string;
  /** An action inside a centralized-root sts:AssumeRoot session, not a person signed in as root. */
  centralizedRootSession: boolean;
  accountId: string;
  eventName: string;
  eventSource: string;
  /** ISO time of the event. */
  eventTime: string;
  region: string;
  sourceIp: string | null;
  userAgent: string | null;
  /** CloudTrail errorCode (e.g. AccessDenied) when the call failed. */
  errorCode: string | null;
  errorMessage: string | null;
  /** Root access key id used, if any (ASIA… for sessions, AKIA… for long-term keys). Shown masked only. */
  accessKeyId: string | null;
  /** Console/session identity to group a burst of calls from one session. */
  sessionKey: string | null;
  /** For an sts:AssumeRoot call (kind root-session-opened): the privileged root session it opened on a member. */
  rootSession?: RootSessionOpened | null;
  /** Made by (or with the credentials of) one of this bot's own AssumeRoot audit sessions: recorded, never alerted. */
  auditByThisBot?: boolean;
}

/** What an sts:AssumeRoot record says about the root session it opened. */
export interface RootSessionOpened {
  /** The member account (requestParameters.targetPrincipal). */
  targetAccountId: string | null;
  /** Who called AssumeRoot (userIdentity.arn). */
  callerArn: string | null;
  /** The task policy's name, e.g. IAMDeleteRootUserCredentials. */
  taskPolicy: string | null;
  /** The key the member-side calls are signed with (responseElements.credentials.accessKeyId); null when the call failed. */
  issuedAccessKeyId: string | null;
}

/** The result of classifying one record: an event, a non-root record, or a record we could not read. */
export type Classification =
  | { alert: true; event: RootEvent }
  | { alert: false; eventId: string | null; reason: 'not-root' }
  | { alert: false; eventId: string | null; reason: 'malformed'; error: string };

/** What a source classifies each record with: pure, or awaiting the store (the bot's own audit keys). */
export type RecordClassifier = (record: unknown) => Classification | Promise<Classification>;
