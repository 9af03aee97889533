import { describe, expect, it } from 'vitest';
import type { KnownBlock, SectionBlock } from '@slack/types';
import { buildOverview, failingOnly } from '../../../src/posture/index.js';
import { ageInWords, checkBlockKitLimits, POSTURE_OVERVIEW_REFRESH_ACTION_ID, renderOrganizationOverview } from '../../../src/slack/blocks/index.js';
import { accountId, failingOrganization, organization } from '../overview-fixture.js';

const NOW = new Date('2026-12-01T12:14:30.000Z');

function texts(blocks: KnownBlock[]): string {
  return blocks.filter((block): block is SectionBlock => block.type === 'section').map((block) => block.text?.text ?? '').join('\n');
}

/** How many account lines a message lists. */
function listedIds(blocks: KnownBlock[]): string[] {
  return [...texts(blocks).matchAll(/^• .*?`(\d{12})`/gm)].map((match) => match[1] ?? '');
}

describe('renderOrganizationOverview', () => {
  it('at 143 accounts: the totals, failing accounts first with their checks in a few words, clean ones folded, the age and a Refresh button', () => {
    const { message, pages } = renderOrganizationOverview(buildOverview(organization(143)), { now: NOW });
    expect(checkBlockKitLimits(message)).toEqual([]);
    expect(pages).toEqual([]);
    const warnings = buildOverview(organization(143)).totals.warning;
    expect(message.text).toBe(`Root posture across 143 accounts: ${143 - 11 - 4 - warnings} clean, 11 failing, ${warnings} with warnings, 4 could not be checked`);
    const body = texts(message.blocks);
    expect(body).toContain('Checked 14 minutes ago');
    // The worst account (root key and no MFA) leads, named with its id and OU.
    expect(body).toMatch(/:x: \*Failing\*\n• \*acct-25\* `100000000025` · Root\/Prod\/EU · root access key, no root MFA/);
    expect(body.indexOf('*Failing*')).toBeLessThan(body.indexOf('*Warnings*'));
    expect(body.indexOf('*Warnings*')).toBeLessThan(body.indexOf('*Could not be checked*'));
    expect(body).toContain('AccessDenied');
    expect(body).toMatch(/:white_check_mark: \*Clean\* \(\d+\): acct-0, /);
    // Clean accounts are one line, never one line each.
    expect(listedIds(message.blocks)).not.toContain(accountId(0));
    const refresh = message.blocks.find((block): block is SectionBlock => block.type === 'section' && block.accessory?.type === 'button');
    expect(refresh?.accessory).toMatchObject({ action_id: POSTURE_OVERVIEW_REFRESH_ACTION_ID, value: 'all' });
  });

  it('at 1 account: still within limits', () => {
    const { message, pages } = renderOrganizationOverview(buildOverview(organization(1)), { now: NOW });
    expect(checkBlockKitLimits(message)).toEqual([]);
    expect(pages).toEqual([]);
    expect(message.text).toBe('Root posture across 1 account: 1 clean, 0 failing, 0 could not be checked');
  });

  it.each([2000, 5000])('at %i accounts all failing: every message within limits, and every account listed exactly once across message and pages', (count) => {
    const { message, pages } = renderOrganizationOverview(buildOverview(failingOrganization(count)), { now: NOW });
    expect(checkBlockKitLimits(message)).toEqual([]);
    for (const page of pages) expect(checkBlockKitLimits(page)).toEqual([]);
    expect(pages.length).toBeGreaterThan(0);
    expect(texts(message.blocks)).toMatch(/… and [\d,]+ more accounts needing attention, continued below/);
    const ids = [...listedIds(message.blocks), ...pages.flatMap((page) => listedIds(page.blocks))];
    expect(ids).toHaveLength(count);
    expect(new Set(ids).size).toBe(count);
    expect(pages[0]?.text).toContain('(continued, 1 of');
  });

  it('at 2,000 accounts of a typical organization: one message', () => {
    const { message, pages } = renderOrganizationOverview(buildOverview(organization(2000)), { now: NOW });
    expect(checkBlockKitLimits(message)).toEqual([]);
    const totals = buildOverview(organization(2000)).totals;
    const shown = listedIds(message.blocks).length + pages.flatMap((page) => listedIds(page.blocks)).length;
    expect(shown).toBe(totals.failing + totals.warning + totals.unchecked);
  });

  it('`failing` lists only the failing accounts, keeps the totals and says so when none fail', () => {
    const { message } = renderOrganizationOverview(failingOnly(buildOverview(organization(143))), { now: NOW, scope: 'failing' });
    expect(listedIds(message.blocks)).toHaveLength(11);
    expect(texts(message.blocks)).not.toContain('*Warnings*');
    expect(texts(message.blocks)).not.toContain('*Clean*');
    const none = renderOrganizationOverview(failingOnly(buildOverview(organization(5))), { now: NOW, scope: 'failing' });
    expect(texts(none.message.blocks)).toContain('No account has a failing check.');
  });

  it('escapes and masks what comes from AWS (names, OU paths, errors)', () => {
    const overview = buildOverview([
      { account: { id: '123456789012', alias: null, name: '<!channel> prod', ouPath: 'Root/<b>' }, result: { ok: false, error: { message: 'key AKIAIOSFODNN7EXAMPLE refused' } }, checkedAt: NOW.toISOString() },
    ]);
    const body = texts(renderOrganizationOverview(overview, { now: NOW }).message.blocks);
    expect(body).toContain('&lt;!channel&gt; prod');
    expect(body).toContain('Root/&lt;b&gt;');
    expect(body).not.toMatch(/AKIAIOSFODNN7EXAMPLE/);
  });

  it('tells the age in words', () => {
    expect(ageInWords('2026-12-01T12:14:00.000Z', NOW)).toBe('just now');
    expect(ageInWords('2026-12-01T10:00:00.000Z', NOW)).toBe('2 hours ago');
    expect(ageInWords('2026-11-28T10:00:00.000Z', NOW)).toBe('3 days ago');
  });
});
