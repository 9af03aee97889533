// Centralized root access lets the organization delete member accounts' root credentials and block their recovery.
import type { Check } from '../model.js';
import { couldNotTell } from './support/fact-errors.js';
import { awsDocumentation, cisAwsFoundations } from './support/references.js';

const CREDENTIALS_MANAGEMENT = 'RootCredentialsManagement';
const ROOT_SESSIONS = 'RootSessions';

export const rootCredentialsCentralized: Check = {
  id: 'root-credentials-centralized',
  title: "Organization manages member accounts' root credentials centrally",
  severity: 'medium',
  // CIS v3.0 predates the feature (November 2024); v7.0 added 2.1.1. No Security Hub control yet.
  references: [
    cisAwsFoundations('7.0', '2.1.1'),
    awsDocumentation('Centrally manage root access for member accounts', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html'),
  ],
  remediation: {
    text: 'From the management account, enable trusted access for IAM in Organizations, then `aws iam enable-organizations-root-credentials-management` and `aws iam enable-organizations-root-sessions`; then delete member accounts\' root credentials.',
    url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html',
  },
  evaluate(facts) {
    if (!facts.organizationsFeatures.ok) {
      const { error } = facts.organizationsFeatures;
      // IAM's wire codes for these carry the Exception suffix. ListOrganizationsFeatures answers only in the
      // management account or the IAM delegated administrator.
      if (error.code === 'AccountNotManagementOrDelegatedAdministratorException') {
        return { status: 'not-applicable', evidence: 'Member account: centralized root access is an organization setting, readable only from the management account or the IAM delegated administrator (iam:ListOrganizationsFeatures: AccountNotManagementOrDelegatedAdministrator)' };
      }
      if (error.code === 'ServiceAccessNotEnabledException') {
        return { status: 'fail', evidence: 'Trusted access for IAM is not enabled in AWS Organizations, so centralized root access is off (iam:ListOrganizationsFeatures: ServiceAccessNotEnabled)' };
      }
      if (error.code === 'OrganizationNotInAllFeaturesModeException') {
        return { status: 'fail', evidence: 'The organization runs consolidated billing only; centralized root access needs all features enabled (iam:ListOrganizationsFeatures: OrganizationNotInAllFeaturesMode)' };
      }
      return couldNotTell([error]);
    }
    const features = facts.organizationsFeatures.value;
    if (!features.inOrganization) return { status: 'not-applicable', evidence: 'Standalone account: not a member of AWS Organizations' };

    const organization = features.organizationId ?? 'the organization';
    const credentialsManaged = features.enabledFeatures.includes(CREDENTIALS_MANAGEMENT);
    const sessionsEnabled = features.enabledFeatures.includes(ROOT_SESSIONS);
    if (credentialsManaged && sessionsEnabled) return { status: 'pass', evidence: `${CREDENTIALS_MANAGEMENT} and ${ROOT_SESSIONS} are enabled for ${organization}` };
    if (credentialsManaged) {
      return { status: 'warn', evidence: `${CREDENTIALS_MANAGEMENT} is enabled for ${organization} but ${ROOT_SESSIONS} is not: root-only tasks in member accounts still need their root credentials` };
    }
    if (sessionsEnabled) {
      return { status: 'fail', evidence: `${ROOT_SESSIONS} is enabled for ${organization} but ${CREDENTIALS_MANAGEMENT} is not: member accounts keep their own root credentials` };
    }
    return { status: 'fail', evidence: `Centralized root access is off for ${organization}: every member account keeps its own root password and can recover it` };
  },
};
