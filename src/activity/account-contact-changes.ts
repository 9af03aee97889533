// Account contact changes: the account's address and phone, and its alternate (billing, operations, security)
// contacts. Once root-only, they can now be made by IAM principals too (account:PutContactInformation,
// account:PutAlternateContact; the billing console's SetContactAddress / SetAdditionalContacts with the matching
// permissions), so root doing them is root use an IAM administrator could have done: the alert says so rather
// than calling them root-only tasks. Medium: a changed security contact redirects AWS's abuse notices.
//
// Sources: AWS Account Management Reference, "Update the alternate contacts" and "Update the primary contact"
// (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact.html) and "Logging AWS Account
// Management API calls using AWS CloudTrail"; Billing User Guide, "Logging Billing and Cost Management API calls
// with AWS CloudTrail" (SetContactAddress, SetAdditionalContacts).
import { stringField, type RootCallMatch } from './rule-match.js';

const IAM_ADMINS_TOO = 'IAM administrators can make this change too, so it need not be root';

const contactChange = (what: string): RootCallMatch => ({ kind: 'root-api-call', severity: 'medium', action: `${what}; ${IAM_ADMINS_TOO}`, rootOnlyTask: false });

const ALTERNATE_CONTACT_TYPES: Readonly<Record<string, string>> = { BILLING: 'billing', OPERATIONS: 'operations', SECURITY: 'security' };

function alternateContact(verb: string, requestParameters: unknown): RootCallMatch {
  const type = ALTERNATE_CONTACT_TYPES[stringField(requestParameters, 'alternateContactType') ?? ''];
  return contactChange(`${verb} the account's ${type ? `${type} ` : ''}alternate contact`);
}

/** The contact change a root call makes, or null when it is something else. */
export function findAccountContactChange(eventSource: string, eventName: string, requestParameters: unknown): RootCallMatch | null {
  if (eventSource === 'account.amazonaws.com') {
    if (eventName === 'PutContactInformation') return contactChange("changed the account's contact information");
    if (eventName === 'PutAlternateContact') return alternateContact('changed', requestParameters);
    if (eventName === 'DeleteAlternateContact') return alternateContact('deleted', requestParameters);
  } else if (eventSource === 'billingconsole.amazonaws.com') {
    if (eventName === 'SetContactAddress') return contactChange("changed the account's contact address");
    if (eventName === 'SetAdditionalContacts') return contactChange("changed the account's alternate contacts");
  }
  return null;
}
