// A root access key is a permanent, MFA-less credential for the whole account. Inactive keys fail too: one call re-activates them.
import type { Check, FactError } from '../model.js';
import { couldNotTell } from './support/fact-errors.js';
import { cisAwsFoundations, securityHubControl } from './support/references.js';
import { describeAccessKey, existingAccessKeys, lookUpRootRow, rowSource } from './support/root-credentials.js';

export const rootNoAccessKeys: Check = {
  id: 'root-no-access-keys',
  title: 'Root user has no access keys',
  severity: 'critical',
  references: [cisAwsFoundations('3.0', '1.4'), cisAwsFoundations('7.0', '2.4'), securityHubControl('IAM.4')],
  remediation: {
    text: 'Move whatever uses the key to an IAM role, then sign in as root and delete every root access key (deactivating is not enough: an inactive key can be re-activated).',
    url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user_manage_delete-key',
  },
  evaluate(facts) {
    const rootRow = lookUpRootRow(facts);
    // AccountAccessKeysPresent counts inactive keys too: the authoritative yes/no. The report adds which key and its use.
    const keysPresent = facts.accountSummary.ok ? facts.accountSummary.value.accountAccessKeysPresent : null;
    const keys = rootRow.ok ? existingAccessKeys(rootRow.row) : [];

    if (keys.length > 0) {
      // Active keys first: they are the ones to chase down.
      const ordered = [...keys].sort((a, b) => Number(b.active) - Number(a.active) || a.slot - b.slot);
      return { status: 'fail', evidence: ordered.map((key) => describeAccessKey(key, facts.gatheredAt)).join('; ') };
    }
    if (keysPresent === true) {
      const detail = rootRow.ok ? `none is active in ${rowSource(rootRow.row)}, and an inactive key can be re-activated` : `details unknown: ${rootRow.problem}`;
      return { status: 'fail', evidence: `Root has an access key (GetAccountSummary AccountAccessKeysPresent=1); ${detail}` };
    }
    if (keysPresent === false) {
      return { status: 'pass', evidence: rootRow.ok ? `Root has no access keys (AccountAccessKeysPresent=0, and ${rowSource(rootRow.row)} agrees)` : 'Root has no access keys (GetAccountSummary AccountAccessKeysPresent=0)' };
    }
    if (rootRow.ok) return { status: 'pass', evidence: rootRow.row.source === 'root-session' ? 'Root has no access keys, active or inactive (iam:ListAccessKeys in a root audit session)' : 'The credential report shows no root access keys, active or inactive' };

    const errors: FactError[] = [];
    if (!facts.accountSummary.ok) errors.push(facts.accountSummary.error);
    if (rootRow.error) errors.push(rootRow.error);
    return couldNotTell(errors, rootRow.error ? undefined : rootRow.problem);
  },
};
