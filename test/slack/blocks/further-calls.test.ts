// The thread reply that lists the calls joining an alert: a root session's alert (opened in the management account)
// lists calls made in its members, and each of those lines names the member, by name and id.
import { describe, expect, it } from 'vitest';
import { renderFurtherCalls } from '../../../src/slack/blocks/index.js';
import { rootEvent } from '../../store/helpers.js';

const MANAGEMENT = '111111111111';
const PROD_EU = '210987654321';
const SANDBOX = '210987654322';

function sectionText(message: ReturnType<typeof renderFurtherCalls>): string {
  return (message.blocks ?? []).map((block) => ('text' in block && block.text ? (block.text as { text: string }).text : '')).join('\n');
}

describe('renderFurtherCalls', () => {
  it('names the member account of each call, with its name when the organization knows it', () => {
    const events = [
      rootEvent({ accountId: PROD_EU, eventName: 'ListAccessKeys', eventSource: 'iam.amazonaws.com' }),
      rootEvent({ accountId: SANDBOX, eventName: 'DeleteLoginProfile', eventSource: 'iam.amazonaws.com' }),
    ];
    const names: Record<string, string> = { [PROD_EU]: 'prod-eu' };
    const text = sectionText(renderFurtherCalls(events, [], { alertAccountId: MANAGEMENT, accountName: (id) => names[id] ?? null }));
    const lines = text.split('\n').filter((line) => line.startsWith('• '));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`ListAccessKeys (iam.amazonaws.com) on member prod-eu (${PROD_EU}) in `);
    expect(lines[1]).toContain(`DeleteLoginProfile (iam.amazonaws.com) on member ${SANDBOX} in `);
  });

  it('says nothing of the account when the calls are the alert\'s own account\'s', () => {
    const text = sectionText(renderFurtherCalls([rootEvent({ accountId: PROD_EU, eventName: 'ListBuckets' })], [], { alertAccountId: PROD_EU, accountName: () => 'prod-eu' }));
    expect(text).toContain('ListBuckets');
    expect(text).not.toContain('on member');
  });
});
