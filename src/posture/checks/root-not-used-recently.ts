// Root should sit unused in a safe: any recent sign-in or key use is either a task that needed root, or someone who should not have it.
import type { Check } from '../model.js';
import { couldNotTell } from './support/fact-errors.js';
import { awsDocumentation, cisAwsFoundations } from './support/references.js';
import { lookUpRootRow } from './support/root-credentials.js';
import { DAY_MS, ageMs, formatAge } from './support/time.js';

interface RootUse {
  at: string;
  ageMs: number;
  how: string;
}

export const rootNotUsedRecently: Check = {
  id: 'root-not-used-recently',
  title: 'Root user has not been used recently',
  severity: 'high',
  references: [
    cisAwsFoundations('3.0', '1.7'),
    cisAwsFoundations('7.0', '2.7'),
    awsDocumentation('Tasks that require root user credentials', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html'),
  ],
  remediation: {
    text: 'Confirm who used root and why (CloudTrail shows the calls). Use root only for the tasks that require it; do everything else through IAM roles. If the use is unexplained, change the root password, delete root access keys and review the account.',
    url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html',
  },
  evaluate(facts, options) {
    const rootRow = lookUpRootRow(facts);
    if (!rootRow.ok) return couldNotTell(rootRow.error ? [rootRow.error] : [], rootRow.error ? undefined : rootRow.problem);
    const { row } = rootRow;

    // Every recorded use; the most recent one decides, whichever column it is in.
    const uses: RootUse[] = [];
    if (row.passwordLastUsed) {
      const age = ageMs(row.passwordLastUsed, facts.gatheredAt);
      if (age !== null) uses.push({ at: row.passwordLastUsed, ageMs: age, how: 'password (console sign-in)' });
    }
    for (const key of row.accessKeys) {
      if (!key.lastUsedDate) continue;
      const age = ageMs(key.lastUsedDate, facts.gatheredAt);
      if (age === null) continue;
      const where = [key.lastUsedRegion ? ` in ${key.lastUsedRegion}` : '', key.lastUsedService ? ` (${key.lastUsedService})` : ''].join('');
      uses.push({ at: key.lastUsedDate, ageMs: age, how: `access key ${key.slot}${where}` });
    }
    if (uses.length === 0) {
      if (row.source === 'root-session') return { status: 'pass', evidence: 'No recorded root use: no password use (iam:GetUser) and no access key use (iam:GetAccessKeyLastUsed) in the root audit session' };
      return { status: 'pass', evidence: 'No recorded root use: password and access keys never used (N/A or no_information in the credential report)' };
    }

    const latest = uses.reduce((newest, use) => (use.ageMs < newest.ageMs ? use : newest));
    const evidence = `Root last used ${formatAge(latest.ageMs)} (${latest.at}) via ${latest.how}`;
    if (latest.ageMs <= options.rootUsedFailDays * DAY_MS) return { status: 'fail', evidence: `${evidence}: within ${options.rootUsedFailDays} day(s)` };
    if (latest.ageMs <= options.rootUsedWarnDays * DAY_MS) return { status: 'warn', evidence: `${evidence}: within ${options.rootUsedWarnDays} days` };
    return { status: 'pass', evidence };
  },
};
