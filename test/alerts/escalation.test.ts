// Paging on escalation, at most once per 30 minutes for an alert (pure).
import { describe, expect, it } from 'vitest';
import { escalationReply, type AlertAuditEntry } from '../../src/alerts/index.js';

const MENTION = '<!subteam^S0SECOPS>';
let nextId = 1;
const entry = (toState: AlertAuditEntry['toState'], userId: string, at: string): AlertAuditEntry => ({ id: nextId++, alertId: 1, action: toState === 'escalated' ? 'escalate' : 'investigate', fromState: 'open', toState, userId, reason: null, at });

describe('escalationReply', () => {
  it('pages on the first escalation', () => {
    expect(escalationReply([], 'U0ALICE', new Date('2024-06-03T05:00:00Z'), MENTION)).toEqual({ escalatedBy: 'U0ALICE', mention: MENTION });
  });

  it('does not page again within 30 minutes of the page, and names who paged', () => {
    const history = [entry('escalated', 'U0ALICE', '2024-06-03T05:00:00.000Z'), entry('investigating', 'U0BOB', '2024-06-03T05:01:00.000Z')];
    expect(escalationReply(history, 'U0BOB', new Date('2024-06-03T05:29:59Z'), MENTION)).toEqual({ escalatedBy: 'U0BOB', mention: null, pagedBefore: { by: 'U0ALICE', at: '2024-06-03T05:00:00.000Z' } });
  });

  it('pages again once 30 minutes have passed since the last page, counting from that page, not from later repeats', () => {
    const history = [entry('escalated', 'U0ALICE', '2024-06-03T05:00:00.000Z'), entry('escalated', 'U0BOB', '2024-06-03T05:20:00.000Z')];
    expect(escalationReply(history, 'U0CAROL', new Date('2024-06-03T05:30:00Z'), MENTION)).toEqual({ escalatedBy: 'U0CAROL', mention: MENTION });
    const paged = [...history, entry('escalated', 'U0CAROL', '2024-06-03T05:30:00.000Z')];
    expect(escalationReply(paged, 'U0DAN', new Date('2024-06-03T05:45:00Z'), MENTION).pagedBefore).toEqual({ by: 'U0CAROL', at: '2024-06-03T05:30:00.000Z' });
  });
});
