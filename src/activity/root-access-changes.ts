// Root calls that change who can do what in the account: IAM policies attached, written or removed, users added
// to groups, policy versions, role trust policies, and new identities or ways into them (users, roles, access keys
// and console passwords for IAM users). Never "expected root use": AWS lists "restore IAM user permissions" as a
// root task, but the record cannot tell a lockout restore from a back door, and root attaching
// AdministratorAccess to a user its own session just created is the textbook persistence step (Panther's
// compromised-root-credentials scenario; Elastic "AWS IAM User Addition to Group", "AWS IAM CreateAccessKey for
// another user"; Sigma "AWS IAM Backdoor Users Keys"). High, and critical when the grant is full administrator
// access (the AWS managed AdministratorAccess policy, or a policy document allowing every action on every resource).
//
// Root's own credentials (CreateAccessKey, CreateLoginProfile without a userName, or for "AWS ROOT USER") are
// root-credential-changes.ts, read first; what reaches this file with a userName names an IAM user.
//
// Record shapes: IAM User Guide, "Logging IAM and AWS STS API calls with AWS CloudTrail"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html) and the IAM API Reference for the
// request parameters (userName, groupName, roleName, policyArn, policyName, policyDocument, versionId, setAsDefault).
import type { AlertSeverity } from './model.js';
import { booleanField, shortName, stringField, type RootCallMatch } from './rule-match.js';

const IAM_SOURCE = 'iam.amazonaws.com';
const ADMINISTRATOR_ACCESS_ARN_SUFFIX = ':policy/AdministratorAccess';

type Describe = (requestParameters: unknown) => { action: string; critical: boolean } | null;

/** "IAM user bob", "IAM group admins", "IAM role deploy": whom a call targets. */
function target(requestParameters: unknown): string {
  const userName = stringField(requestParameters, 'userName');
  if (userName !== undefined) return `IAM user ${userName}`;
  const groupName = stringField(requestParameters, 'groupName');
  if (groupName !== undefined) return `IAM group ${groupName}`;
  const roleName = stringField(requestParameters, 'roleName');
  if (roleName !== undefined) return `IAM role ${roleName}`;
  return 'an IAM identity';
}

function grantsAdministratorAccess(policyArn: string | undefined): boolean {
  return policyArn?.endsWith(ADMINISTRATOR_ACCESS_ARN_SUFFIX) === true;
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/**
 * A policy document (the JSON string CloudTrail logs, URL-encoded or not) with an Allow of "*" on "*": full
 * administrator access under any name. A document that does not parse is not judged (the call stays high).
 */
export function allowsEverything(policyDocument: unknown): boolean {
  if (typeof policyDocument !== 'string' || !policyDocument.includes('*')) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(policyDocument.trimStart().startsWith('%7B') ? decodeURIComponent(policyDocument) : policyDocument);
  } catch {
    return false;
  }
  const statements = typeof parsed === 'object' && parsed !== null ? asList((parsed as Record<string, unknown>).Statement) : [];
  return statements.some((statement) => {
    if (typeof statement !== 'object' || statement === null) return false;
    const fields = statement as Record<string, unknown>;
    return fields.Effect === 'Allow' && asList(fields.Action).includes('*') && asList(fields.Resource).includes('*');
  });
}

const attach: Describe = (parameters) => {
  const policyArn = stringField(parameters, 'policyArn');
  return { action: `attached ${policyArn ? shortName(policyArn) : 'a policy'} to ${target(parameters)}`, critical: grantsAdministratorAccess(policyArn) };
};
const putInline: Describe = (parameters) => {
  const policyName = stringField(parameters, 'policyName');
  const everything = allowsEverything(stringField(parameters, 'policyDocument'));
  return { action: `wrote the inline policy ${policyName ?? '(unnamed)'} on ${target(parameters)}${everything ? ', allowing every action on every resource' : ''}`, critical: everything };
};
const removal = (what: string): Describe => (parameters) => {
  const policy = stringField(parameters, 'policyArn') ?? stringField(parameters, 'policyName');
  return { action: `${what} ${policy ? shortName(policy) : 'a policy'} from ${target(parameters)} (lifts it, if it was a Deny)`, critical: false };
};

const DESCRIPTIONS: ReadonlyMap<string, Describe> = new Map<string, Describe>([
  ['AttachUserPolicy', attach],
  ['AttachGroupPolicy', attach],
  ['AttachRolePolicy', attach],
  ['PutUserPolicy', putInline],
  ['PutGroupPolicy', putInline],
  ['PutRolePolicy', putInline],
  ['DetachUserPolicy', removal('detached')],
  ['DetachGroupPolicy', removal('detached')],
  ['DetachRolePolicy', removal('detached')],
  ['DeleteUserPolicy', removal('deleted the inline policy')],
  ['DeleteGroupPolicy', removal('deleted the inline policy')],
  ['DeleteRolePolicy', removal('deleted the inline policy')],
  ['DeleteUserPermissionsBoundary', (parameters) => ({ action: `removed the permissions boundary of ${target(parameters)}`, critical: false })],
  ['DeleteRolePermissionsBoundary', (parameters) => ({ action: `removed the permissions boundary of ${target(parameters)}`, critical: false })],
  ['AddUserToGroup', (parameters) => ({ action: `added IAM user ${stringField(parameters, 'userName') ?? '?'} to IAM group ${stringField(parameters, 'groupName') ?? '?'}`, critical: false })],
  [
    'CreatePolicyVersion',
    (parameters) => {
      const policyArn = stringField(parameters, 'policyArn');
      const everything = allowsEverything(stringField(parameters, 'policyDocument'));
      const makesDefault = booleanField(parameters, 'setAsDefault') === true;
      return {
        action: `wrote a new version of the policy ${policyArn ? shortName(policyArn) : '?'}${makesDefault ? ' and made it the default' : ''}${everything ? ', allowing every action on every resource' : ''}`,
        critical: everything && makesDefault,
      };
    },
  ],
  ['SetDefaultPolicyVersion', (parameters) => ({ action: `made version ${stringField(parameters, 'versionId') ?? '?'} the default of the policy ${shortName(stringField(parameters, 'policyArn') ?? '?')}`, critical: false })],
  ['UpdateAssumeRolePolicy', (parameters) => ({ action: `changed who may assume ${target(parameters)} (its trust policy)`, critical: false })],
  ['CreateRole', (parameters) => ({ action: `created ${target(parameters)}`, critical: false })],
  ['CreateUser', (parameters) => ({ action: `created ${target(parameters)}`, critical: false })],
  // With a userName: for an IAM user (root's own credentials never reach this table).
  ['CreateAccessKey', (parameters) => ({ action: `created an access key for ${target(parameters)}`, critical: false })],
  ['CreateLoginProfile', (parameters) => ({ action: `created a console password for ${target(parameters)}`, critical: false })],
  ['UpdateLoginProfile', (parameters) => ({ action: `changed the console password of ${target(parameters)}`, critical: false })],
  ['UpdateAccessKey', (parameters) => (stringField(parameters, 'status') === 'Active' ? { action: `re-activated an access key of ${target(parameters)}`, critical: false } : null)],
  ['CreateServiceSpecificCredential', (parameters) => ({ action: `created a service-specific credential for ${target(parameters)}`, critical: false })],
  ['UploadSSHPublicKey', (parameters) => ({ action: `uploaded an SSH public key for ${target(parameters)}`, critical: false })],
]);

/** The IAM access change a root call makes, or null when it makes none. */
export function findRootAccessChange(eventSource: string, eventName: string, requestParameters: unknown): RootCallMatch | null {
  if (eventSource !== IAM_SOURCE) return null;
  const describe = DESCRIPTIONS.get(eventName);
  if (describe === undefined) return null;
  const described = describe(requestParameters);
  if (described === null) return null;
  const severity: AlertSeverity = described.critical ? 'critical' : 'high';
  return { kind: 'root-access-change', severity, action: described.action, rootOnlyTask: false };
}

/** The IAM event names this file judges (none of them is a root-only task). */
export const ROOT_ACCESS_CHANGE_EVENT_NAMES: readonly string[] = [...DESCRIPTIONS.keys()];
