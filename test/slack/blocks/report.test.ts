import { describe, expect, it } from 'vitest';
import type { KnownBlock, SectionBlock } from '@slack/types';
import { checkBlockKitLimits, POSTURE_RUN_AGAIN_ACTION_ID, renderPostureReport } from '../../../src/slack/blocks/index.js';
import { syntheticReport, typicalReport } from '../report-fixture.js';

const FULL_ACCESS_KEY_ID = /(?:AKIA|ASIA)[A-Z0-9]{16}/;
const SLACK_TOKEN = /xox[abposre]-|xapp-/;

function sectionTexts(blocks: KnownBlock[]): string[] {
  return blocks.filter((block): block is SectionBlock => block.type === 'section').map((block) => block.text?.text ?? '');
}

describe('renderPostureReport', () => {
  it('renders header with account and alias, score, every finding in the given order, and a Run again button', () => {
    const report = typicalReport();
    const message = renderPostureReport(report);

    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'AWS root posture: 123456789012 (acme-prod)', emoji: true } });
    const texts = sectionTexts(message.blocks);
    expect(texts[0]).toContain('*Score: 4/8 passed*');
    expect(texts[0]).toContain('2 failing');
    expect(texts[0]).toContain('1 could not be checked');

    const findingTexts = texts.slice(1);
    expect(findingTexts).toHaveLength(report.findings.length);
    report.findings.forEach((finding, index) => expect(findingTexts[index]).toContain(`*${finding.title.replace(/>/g, '&gt;')}*`));
    expect(findingTexts[0]).toMatch(/^:x: \*Root user has no access keys\*  ·  Critical  ·  Fail\n/);
    expect(findingTexts[0]).toContain('*Fix:* Delete the root access keys');
    expect(findingTexts[0]).toContain('<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html|AWS docs>');
    expect(findingTexts[0]).toContain('_CIS AWS Foundations v3.0 1.4 · CIS AWS Foundations v7.0 2.3 · AWS Security Hub IAM.4_');
    expect(findingTexts[2]).toMatch(/^:grey_question: /);
    expect(findingTexts[3]).toMatch(/^:warning: /);
    expect(findingTexts[4]).toMatch(/^:white_check_mark: /);
    expect(findingTexts[8]).toMatch(/^:heavy_minus_sign: /);
    // Passing findings link the docs but do not tell the user to fix anything.
    expect(findingTexts[4]).not.toContain('*Fix:*');

    const last = message.blocks.at(-1);
    expect(last).toMatchObject({ type: 'actions', elements: [{ type: 'button', action_id: POSTURE_RUN_AGAIN_ACTION_ID, text: { text: 'Run again' } }] });
    expect(message.text).toBe('AWS root posture for 123456789012 (acme-prod): 4/8 passed, 2 failing, 1 warning, 1 could not be checked, 1 not applicable');
  });

  it('masks access key ids to their first and last four characters in evidence and in the fallback', () => {
    const message = renderPostureReport(typicalReport());
    const serialized = JSON.stringify(message);
    expect(serialized).not.toMatch(FULL_ACCESS_KEY_ID);
    expect(sectionTexts(message.blocks)[1]).toContain('root access key AKIA…MPLE active, last used 3 days ago in us-east-1');
  });

  it('never lets a token or secret from evidence, titles or the alias reach a block', () => {
    const report = syntheticReport(3, {
      evidence: (index) =>
        [
          'AWS said: xoxb-1111-2222-abcdefABCDEF leaked',
          'key ASIAZZZZZZZZZZZZZZZZ and aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          'see https://hooks.slack.com/services/T000/B000/XXXXXXXX and xapp-1-A111-222-abc',
        ][index]!,
    });
    report.account.alias = 'alias-with-AKIAABCDEFGHIJKLMNOP';
    report.findings[0]!.title = 'title xoxp-9999-8888';
    const serialized = JSON.stringify(renderPostureReport(report));
    expect(serialized).not.toMatch(FULL_ACCESS_KEY_ID);
    expect(serialized).not.toMatch(SLACK_TOKEN);
    expect(serialized).not.toContain('wJalrXUtnFEMI');
    expect(serialized).not.toContain('hooks.slack.com');
  });

  it('escapes mrkdwn control characters from AWS text so they cannot forge links or mentions', () => {
    const report = syntheticReport(1, { evidence: () => 'trail <!channel> & <https://evil.example|click>' });
    const text = sectionTexts(renderPostureReport(report).blocks)[1]!;
    expect(text).toContain('trail &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(text).not.toContain('<!channel>');
  });

  it('only links http(s) remediation URLs', () => {
    const report = syntheticReport(1, { statusOf: () => 'fail' });
    report.findings[0]!.remediation.url = 'javascript:alert(1)';
    const text = sectionTexts(renderPostureReport(report).blocks)[1]!;
    expect(text).not.toContain('<javascript:');
    expect(text).toContain('AWS docs');
  });

  it.each([0, 1, 9, 45, 46, 200])('stays within Block Kit limits with %i findings', (count) => {
    const message = renderPostureReport(syntheticReport(count));
    expect(checkBlockKitLimits(message)).toEqual([]);
    expect(message.text.trim()).not.toBe('');
  });

  it('says so when no check ran', () => {
    const message = renderPostureReport(syntheticReport(0));
    expect(sectionTexts(message.blocks)[0]).toContain('No checks ran');
    expect(message.text).toContain('0/0 passed');
  });

  it('with 200 findings shows what needs attention first, folds passing ones, and counts what is left out', () => {
    const report = syntheticReport(200);
    const message = renderPostureReport(report);
    expect(message.blocks).toHaveLength(50);
    const texts = sectionTexts(message.blocks);
    const attention = report.findings.filter((finding) => finding.status === 'fail' || finding.status === 'warn' || finding.status === 'error');
    // 45 slots for findings: 43 shown one per section, one "… and N more", one folded summary.
    expect(texts.filter((text) => /^:(x|warning|grey_question): /.test(text))).toHaveLength(43);
    expect(texts.some((text) => text.startsWith(`… and ${attention.length - 43} more findings needing attention`))).toBe(true);
    const folded = texts.find((text) => text.includes('folded to fit'));
    expect(folded).toContain(':white_check_mark: *40 passed* and :heavy_minus_sign: *40 not applicable*');
    expect(folded).toContain('`synthetic-check-3`');
  });

  it('with many passing findings keeps every failing one and folds the passing ones', () => {
    const report = syntheticReport(120, { statusOf: (index) => (index < 5 ? 'fail' : 'pass') });
    const message = renderPostureReport(report);
    expect(checkBlockKitLimits(message)).toEqual([]);
    const texts = sectionTexts(message.blocks);
    expect(texts.filter((text) => text.startsWith(':x: '))).toHaveLength(5);
    const folded = texts.find((text) => text.includes('folded to fit'))!;
    expect(folded).toContain('*115 passed*');
    expect(folded.length).toBeLessThanOrEqual(3000);
    expect(folded).toMatch(/… and \d+ more$|`synthetic-check-119`$/);
  });

  it('keeps very long evidence, titles and remediation within the section limit', () => {
    const report = syntheticReport(9, { evidence: (index) => `${'x'.repeat(3000)} evidence ${index} ${'&'.repeat(500)}` });
    for (const finding of report.findings) {
      finding.title = 'T'.repeat(1000);
      finding.remediation.text = '<'.repeat(3000);
    }
    report.account.alias = 'a'.repeat(300);
    const message = renderPostureReport(report);
    expect(checkBlockKitLimits(message)).toEqual([]);
    const evidenceLine = sectionTexts(message.blocks)[1]!.split('\n')[1]!;
    expect(evidenceLine.endsWith('…')).toBe(true);
    // A cut never leaves half an entity such as "&am".
    expect(JSON.stringify(message)).not.toMatch(/&[a-z]{0,3}…/);
  });

  it('turns multi-line evidence into one line', () => {
    const report = syntheticReport(1, { evidence: () => 'first line\n  second\tline' });
    expect(sectionTexts(renderPostureReport(report).blocks)[1]!.split('\n')[1]).toBe('first line second line');
  });
});
