// Root calls that are "expected root use": tasks AWS lists as requiring the root user's credentials.
//
// Source: AWS IAM User Guide, "Tasks that require root user credentials"
//   https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html
//   (formerly https://docs.aws.amazon.com/accounts/latest/reference/root-user-tasks.html)
// The list: change account settings (account name, email address, root password, root access keys);
// restore IAM user permissions; activate IAM access to the Billing and Cost Management console; view
// certain tax invoices; close the AWS account; register as a seller in the Reserved Instance
// Marketplace; enable MFA delete on an S3 bucket; edit or delete an S3 bucket policy (or an SQS queue
// policy) that denies all principals; sign up for GovCloud; and, in older versions, change or cancel
// the AWS Support plan.
//
// Event names per task (where each is documented):
// - Billing console, eventType AwsConsoleAction, billingconsole.amazonaws.com ("AWS Billing CloudTrail
//   events", https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/logging-using-cloudtrail.html):
//   CloseAccount, SetAccountPreferences ("updates of the account name, email, and password"),
//   SetIAMAccessPreference ("only for customers with root access"), SetSecurityQuestions, SetTaxRegistration.
// - Account Management API, account.amazonaws.com: PutAccountName, Start/AcceptPrimaryEmailUpdate, CloseAccount.
//   Contact information and alternate contacts (PutContactInformation, PutAlternateContact, and the billing
//   console's SetContactAddress / SetAdditionalContacts) are not here: IAM principals can change them too
//   (account-contact-changes.ts).
// - Tax settings API, tax.amazonaws.com: PutTaxRegistration, BatchPutTaxRegistration, DeleteTaxRegistration.
// - Support plan: supportplans.amazonaws.com StartSupportPlanUpdate (recorded in us-west-2); before
//   August 2022 support-subscription.amazonaws.com UpdateSupportLevel.
// - Organizations from the management account's root: organizations.amazonaws.com CloseAccount (the
//   CloseAccountResult that follows is an AwsServiceEvent and never reaches this table).
// - S3: PutBucketVersioning that sets MFA delete (only root can, with its MFA device); DeleteBucketPolicy
//   (the lockout recovery, also what the S3UnlockBucketPolicy task policy of sts:AssumeRoot allows).
// - SQS: SetQueueAttributes that replaces the queue Policy (SQSUnlockQueuePolicy).
// - "Restore IAM user permissions" is not here: the record cannot tell a restore from a grant (an intruder adding
//   a back door looks the same), so root editing IAM is root-access-changes.ts, never expected root use.
// Not in CloudTrail as a distinct event, so not here: RI Marketplace seller registration, GovCloud
// sign-up, viewing tax invoices (a read).
import type { AlertSeverity } from './model.js';
import { objectField } from './rule-match.js';

export interface RootOnlyTask {
  /** The task in AWS's words, for the alert. */
  task: string;
  severity: AlertSeverity;
  /** Some calls are a root-only task only with certain parameters (MFA delete, a queue policy). */
  appliesTo?: (requestParameters: unknown) => boolean;
}

/** S3 logs the XML body: VersioningConfiguration.MfaDelete (the REST element), MFADelete in some tools. */
function setsMfaDelete(requestParameters: unknown): boolean {
  const versioning = objectField(requestParameters, 'VersioningConfiguration');
  return versioning !== undefined && (versioning.MfaDelete !== undefined || versioning.MFADelete !== undefined);
}

function setsQueuePolicy(requestParameters: unknown): boolean {
  const attributes = objectField(requestParameters, 'attributes');
  return attributes !== undefined && attributes.Policy !== undefined;
}

const ACCOUNT_SETTINGS = 'change the account settings (name, email, password)';
const CLOSE_ACCOUNT = 'close the AWS account';
const TAX = 'change the tax settings';
const SUPPORT_PLAN = 'change the AWS Support plan';

const task = (description: string, severity: AlertSeverity = 'medium', appliesTo?: RootOnlyTask['appliesTo']): RootOnlyTask =>
  appliesTo ? { task: description, severity, appliesTo } : { task: description, severity };

// Keyed by eventSource, then eventName: the same name (CloseAccount) means different things per service.
const TASKS_BY_SOURCE: ReadonlyMap<string, ReadonlyMap<string, RootOnlyTask>> = new Map<string, ReadonlyMap<string, RootOnlyTask>>([
  [
    'billingconsole.amazonaws.com',
    new Map([
      ['CloseAccount', task(CLOSE_ACCOUNT, 'high')],
      // Name, root email and root password: an email change hands the account to whoever owns the new address.
      ['SetAccountPreferences', task('change the account name, root email address or root password', 'high')],
      ['SetIAMAccessPreference', task('activate IAM access to the Billing and Cost Management console')],
      ['SetSecurityQuestions', task('change the account security questions')],
      ['SetTaxRegistration', task(TAX)],
    ]),
  ],
  [
    'account.amazonaws.com',
    new Map([
      ['PutAccountName', task(ACCOUNT_SETTINGS)],
      ['StartPrimaryEmailUpdate', task('change the root email address', 'high')],
      ['AcceptPrimaryEmailUpdate', task('change the root email address', 'high')],
      ['CloseAccount', task(CLOSE_ACCOUNT, 'high')],
    ]),
  ],
  [
    'tax.amazonaws.com',
    new Map([
      ['PutTaxRegistration', task(TAX)],
      ['BatchPutTaxRegistration', task(TAX)],
      ['DeleteTaxRegistration', task(TAX)],
    ]),
  ],
  ['supportplans.amazonaws.com', new Map([['StartSupportPlanUpdate', task(SUPPORT_PLAN)]])],
  ['support-subscription.amazonaws.com', new Map([['UpdateSupportLevel', task(SUPPORT_PLAN)]])],
  ['organizations.amazonaws.com', new Map([['CloseAccount', task('close a member account of the organization', 'high')]])],
  [
    's3.amazonaws.com',
    new Map([
      ['PutBucketVersioning', task('enable or disable MFA delete on an S3 bucket', 'medium', setsMfaDelete)],
      ['DeleteBucketPolicy', task('delete an S3 bucket policy that locks everyone out')],
    ]),
  ],
  ['sqs.amazonaws.com', new Map([['SetQueueAttributes', task('replace an SQS queue policy that locks everyone out', 'medium', setsQueuePolicy)]])],
]);

/** The root-only task a root call performs, or null when any IAM principal could have made it. */
export function findRootOnlyTask(eventSource: string, eventName: string, requestParameters: unknown): RootOnlyTask | null {
  const found = TASKS_BY_SOURCE.get(eventSource)?.get(eventName);
  if (found === undefined) return null;
  if (found.appliesTo !== undefined && !found.appliesTo(requestParameters)) return null;
  return found;
}
