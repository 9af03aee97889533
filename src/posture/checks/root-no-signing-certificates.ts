// An X.509 signing certificate is another long-term root credential, easy to forget because nothing shows it in the console.
import type { Check, FactError } from '../model.js';
import { couldNotTell } from './support/fact-errors.js';
import { awsDocumentation } from './support/references.js';
import { activeCertificates, lookUpRootRow } from './support/root-credentials.js';
import { describeWhen } from './support/time.js';

export const rootNoSigningCertificates: Check = {
  id: 'root-no-signing-certificates',
  title: 'Root user has no X.509 signing certificates',
  severity: 'high',
  // No CIS recommendation or Security Hub control covers root signing certificates; AWS documents removing them.
  references: [
    awsDocumentation('AWS account root user', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html'),
    awsDocumentation('DeleteSigningCertificate (works on root credentials)', 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteSigningCertificate.html'),
  ],
  remediation: {
    text: 'With root credentials (or a centralized root session), list the certificates with `aws iam list-signing-certificates` and delete each with `aws iam delete-signing-certificate --certificate-id <id>`.',
    url: 'https://docs.aws.amazon.com/cli/latest/reference/iam/delete-signing-certificate.html',
  },
  evaluate(facts) {
    const rootRow = lookUpRootRow(facts);
    const certificatesPresent = facts.accountSummary.ok ? facts.accountSummary.value.accountSigningCertificatesPresent : null;

    if (rootRow.ok) {
      const active = activeCertificates(rootRow.row);
      if (active.length > 0) {
        const described = active.map((certificate) =>
          certificate.lastRotated ? `root signing certificate ${certificate.slot} active, created ${describeWhen(certificate.lastRotated, facts.gatheredAt)}` : `root signing certificate ${certificate.slot} active`,
        );
        return { status: 'fail', evidence: described.join('; ') };
      }
    }
    if (rootRow.ok && rootRow.row.source === 'root-session' && rootRow.row.certificates.length > 0) {
      return { status: 'warn', evidence: `Root has ${rootRow.row.certificates.length} inactive signing certificate(s) (iam:ListSigningCertificates in a root audit session): delete them, they can be re-activated` };
    }
    if (certificatesPresent === true) {
      if (rootRow.ok) {
        return { status: 'warn', evidence: 'Root has a signing certificate (GetAccountSummary AccountSigningCertificatesPresent=1), inactive per the credential report: delete it, it can be re-activated' };
      }
      return { status: 'fail', evidence: `Root has a signing certificate (GetAccountSummary AccountSigningCertificatesPresent=1); whether it is active is unknown: ${rootRow.problem}` };
    }
    if (certificatesPresent === false) return { status: 'pass', evidence: 'Root has no signing certificates (GetAccountSummary AccountSigningCertificatesPresent=0)' };
    if (rootRow.ok) return { status: 'pass', evidence: rootRow.row.source === 'root-session' ? 'Root has no signing certificates (iam:ListSigningCertificates in a root audit session)' : 'The credential report shows no active root signing certificates' };

    const errors: FactError[] = [];
    if (!facts.accountSummary.ok) errors.push(facts.accountSummary.error);
    if (rootRow.error) errors.push(rootRow.error);
    return couldNotTell(errors, rootRow.error ? undefined : rootRow.problem);
  },
};
