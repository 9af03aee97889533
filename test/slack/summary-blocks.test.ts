import type { ActionsBlock, KnownBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { checkBlockKitLimits } from '../../src/slack/blocks/limits.js';
import { SUMMARY_RUN_CHECKS_ACTION_ID, ledgerRecord, messageFromLedger, renderWeeklySummary } from '../../src/slack/blocks/summary.js';
import { buildWeeklySummary, type UnacknowledgedAlertInput } from '../../src/summary/index.js';
import { account, input, report, rootEvent, snapshotOf } from '../summary/fixtures.js';

const KINDS = ['console-login-success', 'console-login-failure', 'root-credential-change', 'root-only-task', 'root-api-call'] as const;

/** All the text a reader sees in a message. */
function visibleText(blocks: readonly KnownBlock[]): string {
  return blocks
    .flatMap((block) => {
      if (block.type === 'section') return [block.text?.text ?? '', ...(block.fields ?? []).map((field) => field.text)];
      if (block.type === 'header') return [block.text.text];
      if (block.type === 'context') return block.elements.map((element) => ('text' in element ? element.text : ''));
      return [];
    })
    .join('\n');
}

function button(blocks: readonly KnownBlock[]) {
  const actions = blocks.filter((block): block is ActionsBlock => block.type === 'actions');
  expect(actions).toHaveLength(1);
  return actions[0]!.elements[0] as { action_id: string; value: string; text: { text: string } };
}

function manyAccounts(count: number) {
  return Array.from({ length: count }, (_, index) => {
    const id = String(200000000000 + index);
    const failing = index % 3 === 0 ? { 'root-no-access-keys': 'fail' as const } : {};
    const previous = index % 5 === 0 ? { 'root-no-access-keys': 'fail' as const, 'root-hardware-mfa': 'fail' as const } : failing;
    return account(id, report(id, failing, `account-${index}-with-a-rather-long-alias-name`), snapshotOf(report(id, previous)), `account-${index}-with-a-rather-long-alias-name`);
  });
}

function alerts(count: number): UnacknowledgedAlertInput[] {
  return Array.from({ length: count }, (_, index) => ({
    alertId: String(index + 1),
    accountId: '111122223333',
    headline: `Root console sign-in WITHOUT MFA from 203.0.113.${index % 250} <script>`,
    kind: 'console-login-success',
    state: index % 2 === 0 ? 'open' : 'investigating',
    createdAt: new Date(Date.parse('2026-11-23T00:00:00Z') + index * 60_000).toISOString(),
    message: index % 3 === 0 ? { permalink: `https://example.slack.com/archives/C0123456789/p17640000000${String(index).padStart(5, '0')}` } : { channel: 'C0123456789', ts: `1764000000.${String(index).padStart(6, '0')}` },
  }));
}

describe('renderWeeklySummary', () => {
  it('one account with an improvement: the figures a reader looks for, within limits', () => {
    const before = report('111122223333', { 'root-no-access-keys': 'fail', 'root-hardware-mfa': 'fail', 'password-policy': 'warn', 'security-contact': 'fail' });
    const after = report('111122223333', { 'password-policy': 'warn', 'security-contact': 'fail' }, 'prod');
    const summary = buildWeeklySummary(input({
      accounts: [account('111122223333', after, snapshotOf(before), 'prod')],
      events: [rootEvent({ kind: 'console-login-success', mfaUsed: false, eventTime: '2026-11-25T03:12:00Z' })],
      acknowledgments: [{ alertId: '1', raisedAt: '2026-11-25T03:12:30Z', acknowledgedAt: '2026-11-25T03:20:30Z' }],
    }));
    const message = renderWeeklySummary(summary);
    expect(checkBlockKitLimits(message)).toEqual([]);
    const text = visibleText(message.blocks);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Weekly root hygiene: 23–29 Nov 2026' } });
    expect(text).toContain('7/9, up from 5/9');
    expect(text).toContain('fixed: ');
    expect(text).toContain('Root user has no access keys');
    expect(text).toMatch(/Console sign-ins without MFA\n\*1\*/);
    expect(text).toContain('Median time to acknowledge: *8 min*');
    expect(text).toContain('No unacknowledged alerts');
    expect(button(message.blocks)).toMatchObject({ action_id: SUMMARY_RUN_CHECKS_ACTION_ID, value: '2026-W48', text: { text: 'Run checks now' } });
    expect(message.text).toBe('Weekly root hygiene: 23–29 Nov 2026 · 7/9 checks passing (last week 5/9) · 1 root event · 0 alerts not acknowledged');
    expect(message.threadDetails).toEqual([]);
  });

  it('an empty week is a short friendly message with the button', () => {
    const steady = report('111122223333', {}, 'prod');
    const message = renderWeeklySummary(buildWeeklySummary(input({ accounts: [account('111122223333', steady, snapshotOf(steady), 'prod')] })));
    expect(checkBlockKitLimits(message)).toEqual([]);
    expect(message.blocks.map((block) => block.type)).toEqual(['header', 'context', 'section', 'actions']);
    expect(visibleText(message.blocks)).toContain('A quiet week.');
    expect(visibleText(message.blocks)).toContain('prod 9/9');
    expect(message.text).toContain('a quiet week');
    expect(message.threadDetails).toEqual([]);
  });

  it('checks that could not run get their own section, with the reason and no secret', () => {
    const summary = buildWeeklySummary(input({
      accounts: [account('111122223333', { message: 'not authorized to perform iam:GenerateCredentialReport with key AKIAIOSFODNN7EXAMPLE', code: 'AccessDenied' }, null, 'prod')],
    }));
    const message = renderWeeklySummary(summary);
    expect(checkBlockKitLimits(message)).toEqual([]);
    const failure = (message.blocks as SectionBlock[]).find((block) => block.type === 'section' && block.text?.text.includes('could not run'));
    expect(failure?.text?.text).toContain('for the account');
    expect(failure?.text?.text).toContain('`AccessDenied`');
    expect(failure?.text?.text).toContain('iam:GenerateCredentialReport');
    expect(JSON.stringify(message)).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(message.text).toContain('checks could not run for 1 account');
  });

  it('60 accounts, 5000 events and 300 open alerts: the message fits, the rest goes to the thread', () => {
    const accounts = manyAccounts(60);
    accounts.push(account('999988887777', { message: 'AssumeRole failed: AccessDenied', code: 'AccessDenied' }, null, 'broken'));
    const events = Array.from({ length: 5000 }, (_, index) => rootEvent({
      kind: KINDS[index % KINDS.length]!,
      mfaUsed: index % 2 === 0,
      accountId: String(200000000000 + (index % 60)),
      eventTime: new Date(Date.parse('2026-11-23T00:00:00Z') + index * 100_000).toISOString(),
    }));
    const summary = buildWeeklySummary(input({ accounts, events, unacknowledgedAlerts: alerts(300) }));
    const message = renderWeeklySummary(summary);

    expect(checkBlockKitLimits(message)).toEqual([]);
    const text = visibleText(message.blocks);
    expect(text).toContain(`*Root activity:* 5,000 events`);
    expect(text).toContain('… and 51 more accounts');
    expect(text).toContain('300 alerts not acknowledged');
    expect(text).toContain('… and 292 more alerts, listed in the thread.');
    expect(text).not.toContain('<script>'); // headlines are escaped
    expect(text).toContain('&lt;script&gt;');

    expect(message.threadDetails.length).toBeGreaterThan(0);
    for (const reply of message.threadDetails) expect(checkBlockKitLimits(reply)).toEqual([]);
    const threadText = message.threadDetails.map((reply) => visibleText(reply.blocks)).join('\n');
    for (let index = 0; index < 60; index += 1) expect(threadText).toContain(`\`${200000000000 + index}\``);
    // Every alert is linked somewhere: the first eight in the message, all of them in the thread.
    expect(threadText.match(/^• /gm)?.length).toBeGreaterThanOrEqual(61 + 300);
    expect(threadText).toContain('<https://example.slack.com/archives/C0123456789/p1764000000000000|');
    expect(threadText).toContain('in <#C0123456789>');
  });

  it('thousands of accounts still fit: the thread is split into several replies', () => {
    const summary = buildWeeklySummary(input({ accounts: manyAccounts(2000) }));
    const message = renderWeeklySummary(summary);
    expect(checkBlockKitLimits(message)).toEqual([]);
    expect(message.threadDetails.length).toBeGreaterThan(1);
    for (const reply of message.threadDetails) expect(checkBlockKitLimits(reply)).toEqual([]);
    expect(message.threadDetails[0]!.text).toMatch(/: all accounts \(1 of \d+\)$/);
  });

  it('an alias made to break the message is escaped and cut', () => {
    const alias = `<!channel> *bold* ${'x'.repeat(5000)}`;
    const posture = report('111122223333', { 'root-mfa-enabled': 'fail' }, alias);
    const message = renderWeeklySummary(buildWeeklySummary(input({ accounts: [account('111122223333', posture, snapshotOf(report('111122223333')), alias)] })));
    expect(checkBlockKitLimits(message)).toEqual([]);
    expect(JSON.stringify(message.blocks)).not.toContain('<!channel>');
  });

  it('a partial week (on demand) says "so far" in the title', () => {
    const summary = buildWeeklySummary(input({ window: { ...input().window, partial: true }, accounts: [account('1', report('1'), null)] }));
    expect(renderWeeklySummary(summary).blocks[0]).toMatchObject({ type: 'header', text: { text: 'Root hygiene this week so far (from 2026-11-23)' } });
  });

  it('the ledger keeps the rendered post and replies, and the outbox posts them as stored', () => {
    const summary = buildWeeklySummary(input({ accounts: manyAccounts(30) }));
    const recorded = ledgerRecord(summary);
    const rendered = renderWeeklySummary(summary);
    // Through JSON, as the store keeps it.
    const entry = JSON.parse(JSON.stringify({ weekKey: '2026-W48', summary: recorded.summary, threadParts: recorded.threadParts })) as { weekKey: string; summary: unknown; threadParts: unknown[] };
    expect(messageFromLedger(entry, null)).toEqual({ text: rendered.text, blocks: rendered.blocks });
    expect(rendered.threadDetails.length).toBeGreaterThan(0);
    rendered.threadDetails.forEach((reply, index) => expect(messageFromLedger(entry, index)).toEqual(reply));
  });

  it('an unreadable ledger row still posts a plain line, never an empty message', () => {
    expect(messageFromLedger({ weekKey: '2026-W48', summary: { something: 'else' }, threadParts: [] }, null).text).toContain('2026-W48');
    expect(messageFromLedger({ weekKey: '2026-W48', summary: null, threadParts: [42] }, 0)).toEqual({ text: 'Part 1 of the details of 2026-W48 could not be read.' });
  });
});
