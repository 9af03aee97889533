import { describe, expect, it } from 'vitest';
import { rootNotUsedRecently } from '../../../src/posture/checks/root-not-used-recently.js';
import { DEFAULT_CHECK_OPTIONS } from '../../../src/posture/run-posture.js';
import type { AccountFacts, CheckOptions } from '../../../src/posture/model.js';
import { accessKey, buildFacts, daysAgo, failed, noKey, rootRow, withRoot } from './facts-builder.js';

const evaluate = (facts: AccountFacts, options: CheckOptions = DEFAULT_CHECK_OPTIONS) => rootNotUsedRecently.evaluate(facts, options);

describe('root-not-used-recently', () => {
  it('passes when root was last used long ago', () => {
    expect(evaluate(buildFacts())).toEqual({ status: 'pass', evidence: `Root last used 200 days ago (${daysAgo(200)}) via password (console sign-in)` });
  });

  it('warns when root signed in within the warn window', () => {
    expect(evaluate(withRoot(rootRow({ passwordLastUsed: daysAgo(3) })))).toEqual({
      status: 'warn',
      evidence: `Root last used 3 days ago (${daysAgo(3)}) via password (console sign-in): within 90 days`,
    });
  });

  it('fails when a root access key was used within the fail window, naming region and service', () => {
    const row = rootRow({ passwordLastUsed: daysAgo(40), accessKeys: [noKey(1), accessKey(2, { lastUsedDate: daysAgo(5 / 24), lastUsedRegion: 'us-east-1', lastUsedService: 's3' })] });
    expect(evaluate(withRoot(row))).toEqual({
      status: 'fail',
      evidence: `Root last used 5 hours ago (${daysAgo(5 / 24)}) via access key 2 in us-east-1 (s3): within 1 day(s)`,
    });
  });

  it('takes the most recent of the three dates, not the first one present', () => {
    const row = rootRow({
      passwordLastUsed: daysAgo(150),
      accessKeys: [accessKey(1, { lastUsedDate: daysAgo(120), lastUsedRegion: 'eu-west-1', lastUsedService: 'ec2' }), accessKey(2, { lastUsedDate: daysAgo(2), lastUsedRegion: 'us-east-1', lastUsedService: 'sts' })],
    });
    const result = evaluate(withRoot(row));
    expect(result.status).toBe('warn');
    expect(result.evidence).toContain('via access key 2 in us-east-1 (sts)');
    expect(result.evidence).toContain('2 days ago');
  });

  it('takes the password date when it is the most recent', () => {
    const row = rootRow({ passwordLastUsed: daysAgo(0.5), accessKeys: [accessKey(1, { lastUsedDate: daysAgo(30) }), accessKey(2, { lastUsedDate: daysAgo(60) })] });
    const result = evaluate(withRoot(row));
    expect(result.status).toBe('fail');
    expect(result.evidence).toContain('12 hours ago');
    expect(result.evidence).toContain('via password (console sign-in)');
  });

  it('passes when every date is N/A or no_information (parsed as null)', () => {
    const row = rootRow({ passwordLastUsed: null, accessKeys: [accessKey(1, { lastUsedDate: null }), noKey(2)] });
    expect(evaluate(withRoot(row))).toEqual({ status: 'pass', evidence: 'No recorded root use: password and access keys never used (N/A or no_information in the credential report)' });
  });

  it('honours configured thresholds', () => {
    const facts = withRoot(rootRow({ passwordLastUsed: daysAgo(5) }));
    expect(evaluate(facts, { rootUsedFailDays: 7, rootUsedWarnDays: 30 }).status).toBe('fail');
    expect(evaluate(facts, { rootUsedFailDays: 1, rootUsedWarnDays: 4 }).status).toBe('pass');
  });

  it('counts the threshold day itself as within the window', () => {
    expect(evaluate(withRoot(rootRow({ passwordLastUsed: daysAgo(90) }))).status).toBe('warn');
    expect(evaluate(withRoot(rootRow({ passwordLastUsed: daysAgo(90.01) }))).status).toBe('pass');
    expect(evaluate(withRoot(rootRow({ passwordLastUsed: daysAgo(1) }))).status).toBe('fail');
  });

  it('treats a use stamped after gathering (clock skew) as just now', () => {
    expect(evaluate(withRoot(rootRow({ passwordLastUsed: daysAgo(-0.01) }))).status).toBe('fail');
  });

  it('is an error naming iam:GetCredentialReport when the report is denied', () => {
    expect(evaluate(buildFacts({ credentialReport: failed('iam:GetCredentialReport') }))).toEqual({
      status: 'error',
      evidence: "Could not tell: iam:GetCredentialReport was denied (AccessDenied): grant it in the bot's IAM policy",
    });
  });

  it('is an error when the report has no <root_account> row', () => {
    expect(evaluate(withRoot(null))).toEqual({ status: 'error', evidence: 'Could not tell: the credential report (iam:GetCredentialReport) has no <root_account> row' });
  });
});
