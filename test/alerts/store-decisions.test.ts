// The rules the store applies inside its transactions, as pure functions of what the transaction read: a second
// backend runs the same ones instead of copying them.
import { describe, expect, it } from 'vitest';
import { alertUpdateNeeded } from '../../src/alerts/alert-update.js';
import { earlierEventRecord } from '../../src/alerts/event-record.js';
import type { OutboxMessage } from '../../src/alerts/model.js';
import { alertAfterAttach } from '../../src/alerts/grouping.js';
import { ACTION_ALLOWED_FROM, ACTION_TARGET_STATE, planAlertTransition } from '../../src/alerts/lifecycle.js';
import { reminderMayBeCounted } from '../../src/alerts/reminders.js';

describe('alertAfterAttach (pure)', () => {
  const alert = { severity: 'high' as const, firstEventTime: '2026-11-02T03:10:00.000Z', lastEventTime: '2026-11-02T03:20:00.000Z' };

  it('widens the time span both ways and only ever raises the severity', () => {
    expect(alertAfterAttach(alert, { eventTime: '2026-11-02T03:25:00.000Z', severity: 'medium' })).toEqual({ severity: 'high', firstEventTime: alert.firstEventTime, lastEventTime: '2026-11-02T03:25:00.000Z' });
    expect(alertAfterAttach(alert, { eventTime: '2026-11-02T03:05:00.000Z', severity: 'critical' })).toEqual({ severity: 'critical', firstEventTime: '2026-11-02T03:05:00.000Z', lastEventTime: alert.lastEventTime });
    expect(alertAfterAttach(alert, { eventTime: '2026-11-02T03:15:00.000Z', severity: 'low' })).toEqual(alert);
  });
});

describe('alertUpdateNeeded (pure)', () => {
  it('a post Slack has not been handed yet needs no update: it is rendered with the change when it is sent', () => {
    expect(alertUpdateNeeded({ post: { state: 'pending', uncertain: false }, updatePending: false })).toBe(false);
  });

  it('a post that is sending, sent, failed or possibly sent gets one update, coalesced with one already waiting', () => {
    for (const post of [{ state: 'sending' as const, uncertain: false }, { state: 'sent' as const, uncertain: false }, { state: 'failed' as const, uncertain: false }, { state: 'pending' as const, uncertain: true }]) {
      expect(alertUpdateNeeded({ post, updatePending: false })).toBe(true);
      expect(alertUpdateNeeded({ post, updatePending: true })).toBe(false);
    }
    expect(alertUpdateNeeded({ post: null, updatePending: false })).toBe(true);
  });
});

describe('planAlertTransition (pure)', () => {
  const at = '2026-11-02T04:00:00.000Z';
  const acknowledge = { action: 'acknowledge' as const, toState: ACTION_TARGET_STATE.acknowledge, allowedFrom: ACTION_ALLOWED_FROM.acknowledge, userId: 'U0ALICE', reason: 'expected' };

  it('allowed from the current state: the audit row records where it came from, who, why and when', () => {
    expect(planAlertTransition('investigating', acknowledge, at)).toEqual({ allowed: true, audit: { action: 'acknowledge', fromState: 'investigating', toState: 'acknowledged', userId: 'U0ALICE', reason: 'expected', at } });
  });

  it('refused from a state the action may not leave (acknowledged is final)', () => {
    expect(planAlertTransition('acknowledged', acknowledge, at)).toEqual({ allowed: false });
    expect(planAlertTransition('escalated', { ...acknowledge, action: 'escalate', toState: 'escalated', allowedFrom: ACTION_ALLOWED_FROM.escalate }, at)).toEqual({ allowed: false });
  });
});

describe('reminderMayBeCounted (pure)', () => {
  const posted = { state: 'open' as const, post: { channel: 'C0ALERTS', ts: '1.2' }, remindersSent: 1 };

  it('only the next reminder of an open, posted alert', () => {
    expect(reminderMayBeCounted(posted, 2)).toBe(true);
    expect(reminderMayBeCounted(posted, 1)).toBe(false);
    expect(reminderMayBeCounted(posted, 3)).toBe(false);
    expect(reminderMayBeCounted({ ...posted, state: 'investigating' }, 2)).toBe(false);
    expect(reminderMayBeCounted({ ...posted, post: null }, 2)).toBe(false);
  });
});

describe('earlierEventRecord (pure)', () => {
  const row = (overrides: Partial<OutboxMessage>): OutboxMessage => ({
    id: 7, kind: 'event-record', alertId: 1, weekKey: null, parentId: 1, payload: { eventId: 'ev-1', requestedBy: 'U0BOB' }, channel: null, state: 'pending', attempts: 0,
    nextAttemptAt: '2026-11-02T04:00:00.000Z', lastError: null, createdAt: '2026-11-02T04:00:00.000Z', sendingSince: null, uncertain: false, sentAt: null, result: null, parent: null, ...overrides,
  });

  it('a record of the same event queued or posted already is the answer; a failed one, another event or another kind is not', () => {
    expect(earlierEventRecord([row({ state: 'sent' })], 'ev-1')?.id).toBe(7);
    expect(earlierEventRecord([row({ state: 'pending' })], 'ev-1')?.id).toBe(7);
    expect(earlierEventRecord([row({ state: 'failed' })], 'ev-1')).toBeNull();
    expect(earlierEventRecord([row({})], 'ev-2')).toBeNull();
    expect(earlierEventRecord([row({ kind: 'alert-reply' })], 'ev-1')).toBeNull();
  });
});
