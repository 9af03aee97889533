// AWS sends abuse and compromise notices to the security contact; without one they land in the root mailbox, often unread.
import type { Check } from '../model.js';
import { couldNotTell } from './support/fact-errors.js';
import { cisAwsFoundations, securityHubControl } from './support/references.js';

export const securityContact: Check = {
  id: 'security-contact',
  title: 'A security alternate contact is registered',
  severity: 'medium',
  references: [cisAwsFoundations('3.0', '1.2'), cisAwsFoundations('7.0', '2.3'), securityHubControl('Account.1')],
  remediation: {
    text: 'Set it to a monitored team address: `aws account put-alternate-contact --alternate-contact-type SECURITY --name <team> --title <title> --email-address <list> --phone-number <phone>`.',
    url: 'https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-alternate.html',
  },
  evaluate(facts) {
    if (!facts.securityContact.ok) return couldNotTell([facts.securityContact.error]);
    const contact = facts.securityContact.value;
    if (contact === null) return { status: 'fail', evidence: 'No SECURITY alternate contact is set: AWS security notices go only to the root email address' };
    if (!contact.emailAddress) return { status: 'warn', evidence: `Security contact ${contact.name ?? '(unnamed)'} has no email address` };
    const who = contact.name ? `${contact.name} <${contact.emailAddress}>` : contact.emailAddress;
    return { status: 'pass', evidence: `Security contact: ${who}` };
  },
};
