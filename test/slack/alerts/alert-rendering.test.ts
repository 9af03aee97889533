// The alert message and every outbox kind, rendered from a real (in-memory) store: Block Kit limits hold for a
// 500-event session and a 20 KB record, secrets never show, and state changes show who acted.
import { describe, expect, it } from 'vitest';
import { setAlertState } from '../../../src/alerts/index.js';
import { openSqliteStore } from '../../../src/store/index.js';
import { checkBlockKitLimits } from '../../../src/slack/blocks/index.js';
import { createOutboxRenderer } from '../../../src/slack/alert-outbox.js';
import { renderRootAlert } from '../../../src/slack/blocks/root-alert.js';
import { describeUserAgent } from '../../../src/slack/blocks/user-agent.js';
import { batch, polled, rootEvent } from '../../store/helpers.js';

const render = createOutboxRenderer();

function storeWith(events: ReturnType<typeof rootEvent>[], rawRecord?: string) {
  const store = openSqliteStore({ path: ':memory:' });
  const polledEvents = events.map((event, index) => (index === 0 && rawRecord ? { event, rawRecord } : polled(event)));
  store.commitBatch({ ...batch([]), events: polledEvents });
  return store;
}

describe('alert rendering', () => {
  it('shows what responders ask for, with the buttons while open', () => {
    const event = rootEvent({ kind: 'console-login-success', mfaUsed: false, eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', severity: 'critical' });
    const store = storeWith([event]);
    const row = store.listOutbox({ state: 'pending' }).find((message) => message.kind === 'alert-post')!;
    const message = render(row, store);
    expect(message.text).toMatch(/^Root console sign-in WITHOUT MFA — account \d+ — from 203\.0\.113\.7, Firefox on macOS — us-east-1/);
    const blocks = JSON.stringify(message.blocks);
    for (const expected of ['alert_acknowledge', 'alert_investigate', 'alert_escalate', 'alert_show_event', '*MFA used*\\n*NO*', event.eventId]) expect(blocks).toContain(expected);
    expect(checkBlockKitLimits(message as never)).toEqual([]);
  });

  it('after an acknowledgment shows who, when and why, and drops the action buttons but Show event', () => {
    const store = storeWith([rootEvent()]);
    const alert = store.listOpenAlerts()[0]!;
    expect(setAlertState(store, alert.id, 'acknowledge', 'U0ALICE', 'closing a test account').changed).toBe(true);
    const current = store.getAlert(alert.id)!;
    const message = renderRootAlert(current, store.listAlertEvents(alert.id).map((stored) => stored.event));
    const blocks = JSON.stringify(message.blocks);
    expect(blocks).toContain('*Acknowledged* by <@U0ALICE> at <!date^');
    expect(blocks).toContain('closing a test account');
    expect(blocks).not.toContain('alert_acknowledge');
    expect(blocks).not.toContain('alert_investigate');
    expect(blocks).toContain('alert_show_event');
  });

  it('stays within limits for a 500-event session and masks access keys', () => {
    const events = Array.from({ length: 500 }, (_, index) =>
      rootEvent({ sessionKey: 'ASIAEXAMPLESESSION01', accessKeyId: 'ASIAEXAMPLESESSION01', eventTime: new Date(Date.parse('2026-11-02T03:12:00Z') + index * 1000).toISOString() }),
    );
    const store = storeWith(events);
    for (const row of store.listOutbox({ state: 'pending' })) {
      const message = render(row, store);
      expect(checkBlockKitLimits(message as never)).toEqual([]);
      expect(JSON.stringify(message)).not.toContain('ASIAEXAMPLESESSION01');
    }
  });

  it('shows a 20 KB record in the thread within limits, keys masked', () => {
    const event = rootEvent({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
    const raw = JSON.stringify({ eventID: event.eventId, userIdentity: { type: 'Root', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' }, requestParameters: { policy: 'x'.repeat(20_000) } });
    const store = storeWith([event], raw);
    const alert = store.listOpenAlerts()[0]!;
    const id = store.enqueueAlertThreadMessage(alert.id, 'event-record', { eventId: event.eventId, requestedBy: 'U0BOB' })!;
    const message = render(store.getOutboxMessage(id)!, store);
    expect(message.text).toContain('asked by <@U0BOB>');
    expect(checkBlockKitLimits(message as never)).toEqual([]);
    expect(JSON.stringify(message)).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(JSON.stringify(message)).toContain('AKIA…MPLE');
  });

  it('reminders mention the responder group', () => {
    const store = storeWith([rootEvent()]);
    const post = store.listOutbox({ state: 'pending' }).find((message) => message.kind === 'alert-post')!;
    const row = { ...post, kind: 'reminder' as const, payload: { reminderNumber: 1, reminderMax: 3, mention: '<!subteam^S0ONCALL>' } };
    expect(render(row, store).text).toMatch(/^<!subteam\^S0ONCALL> :alarm_clock: Reminder 1\/3/);
  });
});

describe('describeUserAgent', () => {
  it.each([
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:132.0) Gecko/20100101 Firefox/132.0', 'Firefox on macOS'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36', 'Chrome on Windows'],
    ['aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64', 'AWS CLI'],
    ['Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux', 'Boto3 (Python SDK)'],
    [null, 'unknown client'],
  ])('%s -> %s', (agent, expected) => {
    expect(describeUserAgent(agent)).toBe(expected);
  });
});
