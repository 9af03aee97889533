// The plan of one ingest batch (pure): which alerts it makes, which stored ones it grows, and the thread replies
// listing the events that joined, as the store then writes them in a few multi-row statements.
import { describe, expect, it } from 'vitest';
import { DEFAULT_GROUPING_POLICY, type GroupCandidate } from '../../src/alerts/grouping.js';
import { candidateQueries, planIngestGrouping, type IngestedAlertEvent } from '../../src/alerts/ingest-grouping.js';
import { ACCOUNT, OTHER_ACCOUNT, rootEvent } from '../store/helpers.js';

function alerting(overrides: Parameters<typeof rootEvent>[0], alertChannel: string | null = null): IngestedAlertEvent {
  const event = rootEvent(overrides);
  return { event, eventTime: new Date(event.eventTime).toISOString(), alertChannel };
}

describe('planIngestGrouping (pure)', () => {
  it('a session started in the batch collects its later calls: one alert with every event, its severity raised, one reply listing the joiners', () => {
    const first = alerting({ sessionKey: 'ASIASESSION1', eventTime: '2026-11-02T03:00:00Z' }, 'C0ROUTED1');
    const second = alerting({ sessionKey: 'ASIASESSION1', severity: 'critical', eventTime: '2026-11-02T03:05:00Z' });
    const alone = alerting({ kind: 'root-credential-change', severity: 'high', eventTime: '2026-11-02T03:06:00Z' });
    const third = alerting({ sessionKey: 'ASIASESSION1', eventTime: '2026-11-02T03:10:00Z' });

    const plan = planIngestGrouping([first, second, alone, third], [], DEFAULT_GROUPING_POLICY);

    expect(plan.created).toEqual([
      expect.objectContaining({ firstEventId: first.event.eventId, groupKind: 'session', groupKey: 'ASIASESSION1', severity: 'critical', eventCount: 3, firstEventTime: first.eventTime, lastEventTime: third.eventTime, channel: 'C0ROUTED1', eventIds: [first.event.eventId, second.event.eventId, third.event.eventId] }),
      expect.objectContaining({ firstEventId: alone.event.eventId, groupKind: 'single', severity: 'high', eventCount: 1, eventIds: [alone.event.eventId] }),
    ]);
    expect(plan.attached).toEqual([]);
    expect(plan.joinReplies).toEqual([{ alert: { created: true, firstEventId: first.event.eventId }, joinedEventIds: [second.event.eventId, third.event.eventId] }]);
  });

  it('events joining a stored alert grow it (count, span, severity) and queue one reply; replies follow the order alerts were first touched', () => {
    const stored: GroupCandidate = { id: 41, accountId: ACCOUNT, groupKind: 'failed-logins', groupKey: null, severity: 'medium', state: 'open', firstEventTime: '2026-11-02T02:55:00.000Z', lastEventTime: '2026-11-02T02:58:00.000Z' };
    const session = alerting({ sessionKey: 'ASIASESSION2', eventTime: '2026-11-02T03:00:00Z' });
    const failure = () => alerting({ kind: 'console-login-failure', severity: 'high', eventTime: '2026-11-02T03:01:00Z' });
    const [firstFailure, secondFailure] = [failure(), failure()];
    const sessionCall = alerting({ sessionKey: 'ASIASESSION2', eventTime: '2026-11-02T03:02:00Z' });

    const plan = planIngestGrouping([session, firstFailure, secondFailure, sessionCall], [stored], DEFAULT_GROUPING_POLICY);

    expect(plan.attached).toEqual([{ alertId: 41, severity: 'high', firstEventTime: stored.firstEventTime, lastEventTime: firstFailure.eventTime, eventIds: [firstFailure.event.eventId, secondFailure.event.eventId] }]);
    expect(plan.created.map((alert) => alert.firstEventId)).toEqual([session.event.eventId]);
    // The session alert was touched (made) before the stored one was joined.
    expect(plan.joinReplies).toEqual([
      { alert: { created: true, firstEventId: session.event.eventId }, joinedEventIds: [sessionCall.event.eventId] },
      { alert: { created: false, alertId: 41 }, joinedEventIds: [firstFailure.event.eventId, secondFailure.event.eventId] },
    ]);
  });

  it('an acknowledged stored alert collects nothing: the session starts a new one', () => {
    const acknowledged: GroupCandidate = { id: 7, accountId: ACCOUNT, groupKind: 'session', groupKey: 'ASIASESSION3', severity: 'medium', state: 'acknowledged', firstEventTime: '2026-11-02T03:00:00.000Z', lastEventTime: '2026-11-02T03:00:00.000Z' };
    const call = alerting({ sessionKey: 'ASIASESSION3', eventTime: '2026-11-02T03:01:00Z' });
    const plan = planIngestGrouping([call], [acknowledged], DEFAULT_GROUPING_POLICY);
    expect(plan.attached).toEqual([]);
    expect(plan.created).toHaveLength(1);
    expect(plan.joinReplies).toEqual([]);
  });
});

describe('candidateQueries (pure)', () => {
  it('one query per group the events may join, spanning their times; single events join nothing; a centralized root session spans accounts', () => {
    const queries = candidateQueries([
      alerting({ sessionKey: 'ASIASESSION4', eventTime: '2026-11-02T03:10:00Z' }),
      alerting({ sessionKey: 'ASIASESSION4', eventTime: '2026-11-02T03:00:00Z' }),
      alerting({ kind: 'console-login-failure', accountId: OTHER_ACCOUNT, eventTime: '2026-11-02T03:05:00Z' }),
      alerting({ kind: 'root-credential-change', eventTime: '2026-11-02T03:06:00Z' }),
      alerting({ kind: 'root-session-opened', sessionKey: 'ASIAROOTKEY1', eventTime: '2026-11-02T03:07:00Z' }),
    ]);
    expect(queries).toEqual([
      { groupKind: 'session', groupKey: 'ASIASESSION4', accountId: ACCOUNT, earliestEventTime: '2026-11-02T03:00:00.000Z', latestEventTime: '2026-11-02T03:10:00.000Z' },
      { groupKind: 'failed-logins', groupKey: null, accountId: OTHER_ACCOUNT, earliestEventTime: '2026-11-02T03:05:00.000Z', latestEventTime: '2026-11-02T03:05:00.000Z' },
      { groupKind: 'session', groupKey: 'assume-root:ASIAROOTKEY1', accountId: null, earliestEventTime: '2026-11-02T03:07:00.000Z', latestEventTime: '2026-11-02T03:07:00.000Z' },
    ]);
  });
});
