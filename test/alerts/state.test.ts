import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { acknowledgeAlert, nextAlertState, setAlertState, type AlertAction } from '../../src/alerts/index.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { batch, manualClock, rootEvent, tempDir } from '../store/helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function storeWithPostedAlerts(count: number, options: { path?: string } = {}): Promise<{ store: SqliteStore; alertIds: number[]; clock: ReturnType<typeof manualClock> }> {
  const clock = manualClock('2026-11-02T04:00:00.000Z');
  const store = openSqliteStore(options.path ? { path: options.path } : { path: ':memory:' }, { clock: clock.now });
  cleanups.push(() => store.close());
  await store.commitBatch(batch(Array.from({ length: count }, (_unused, index) => rootEvent({ eventTime: `2026-11-02T03:${String(index % 60).padStart(2, '0')}:00Z` }))));
  const alertIds = (await store.listOpenAlerts()).map((alert) => alert.id);
  for (const [index, row] of (await store.listOutbox({ state: 'pending' })).entries()) {
    await store.markOutboxSending(row.id);
    await store.markOutboxSent(row.id, { channel: 'C0ALERTS1', ts: `1767000000.${String(index + 1).padStart(6, '0')}` });
  }
  return { store, alertIds, clock };
}

describe('alert state rules (pure)', () => {
  it('acknowledged is final; investigating and escalating move between each other', () => {
    expect(nextAlertState('open', 'acknowledge')).toBe('acknowledged');
    expect(nextAlertState('open', 'investigate')).toBe('investigating');
    expect(nextAlertState('open', 'escalate')).toBe('escalated');
    expect(nextAlertState('investigating', 'escalate')).toBe('escalated');
    expect(nextAlertState('escalated', 'investigate')).toBe('investigating');
    expect(nextAlertState('escalated', 'acknowledge')).toBe('acknowledged');
    expect(nextAlertState('investigating', 'investigate')).toBeNull();
    for (const action of ['acknowledge', 'investigate', 'escalate'] as AlertAction[]) expect(nextAlertState('acknowledged', action)).toBeNull();
  });
});

describe('setAlertState', () => {
  it('records who, what, when and why, in the alert and in the audit log, and queues a chat.update of the post', async () => {
    const { store, alertIds, clock } = await storeWithPostedAlerts(1);
    const alertId = alertIds[0]!;
    clock.set('2026-11-02T04:20:00.000Z');

    const result = await acknowledgeAlert(store, alertId, 'U0ALICE01', '  closing a test account  ');

    expect(result.changed).toBe(true);
    if (!result.changed) return;
    expect(result.alert).toMatchObject({ state: 'acknowledged', stateBy: 'U0ALICE01', stateAt: '2026-11-02T04:20:00.000Z', stateReason: 'closing a test account' });
    expect(await store.listAudit(alertId)).toEqual([
      { id: result.audit.id, alertId, action: 'acknowledge', fromState: 'open', toState: 'acknowledged', userId: 'U0ALICE01', reason: 'closing a test account', at: '2026-11-02T04:20:00.000Z' },
    ]);
    const updates = await store.listOutbox({ alertId, state: 'pending' });
    expect(updates.map((row) => [row.kind, row.parent])).toEqual([['alert-update', { channel: 'C0ALERTS1', ts: '1767000000.000001' }]]);
  });

  it('a second press changes nothing and answers with the state that won', async () => {
    const { store, alertIds } = await storeWithPostedAlerts(1);
    const alertId = alertIds[0]!;
    expect((await acknowledgeAlert(store, alertId, 'U0ALICE01')).changed).toBe(true);

    const again = await acknowledgeAlert(store, alertId, 'U0ALICE01');
    const other = await setAlertState(store, alertId, 'escalate', 'U0BOB0001', 'not me');

    for (const result of [again, other]) {
      expect(result.changed).toBe(false);
      if (!result.changed) expect(result.current).toMatchObject({ state: 'acknowledged', stateBy: 'U0ALICE01' });
    }
    expect(await store.listAudit(alertId)).toHaveLength(1);
  });

  it('an empty reason is stored as none; an unknown alert answers changed: false with no current state', async () => {
    const { store, alertIds } = await storeWithPostedAlerts(1);
    const result = await setAlertState(store, alertIds[0]!, 'investigate', 'U0ALICE01', '   ');
    expect(result.changed && result.alert.stateReason).toBeNull();
    expect(await setAlertState(store, 9999, 'acknowledge', 'U0ALICE01')).toEqual({ changed: false, current: null });
    expect(() => setAlertState(store, alertIds[0]!, 'acknowledge', ' ')).toThrow(/Slack user id/);
  });

  it('several changes before the update is sent share one chat.update (it renders the latest state when sent)', async () => {
    const { store, alertIds } = await storeWithPostedAlerts(1);
    const alertId = alertIds[0]!;
    await setAlertState(store, alertId, 'investigate', 'U0ALICE01');
    await setAlertState(store, alertId, 'escalate', 'U0BOB0001', 'this was not us');
    expect((await store.listOutbox({ alertId, state: 'pending' })).filter((row) => row.kind === 'alert-update')).toHaveLength(1);

    // Once the sender has taken the update (rendered with "escalated"), a new change needs its own.
    const update = (await store.listOutbox({ alertId, state: 'pending' }))[0]!;
    await store.markOutboxSending(update.id);
    await acknowledgeAlert(store, alertId, 'U0CAROL01', 'the audit team');
    expect((await store.listOutbox({ alertId })).filter((row) => row.kind === 'alert-update').map((row) => row.state)).toEqual(['sending', 'pending']);
    expect((await store.listAudit(alertId)).map((entry) => [entry.fromState, entry.toState, entry.userId])).toEqual([
      ['open', 'investigating', 'U0ALICE01'],
      ['investigating', 'escalated', 'U0BOB0001'],
      ['escalated', 'acknowledged', 'U0CAROL01'],
    ]);
  });
});

describe('concurrent presses from separate processes on one store file', () => {
  const childScript = join(fileURLToPath(new URL('.', import.meta.url)), 'support', 'state-change-child.ts');

  function startChild(job: { path: string; userId: string; action: AlertAction; alertIds: number[] }): { child: ChildProcess; ready: Promise<void>; done: Promise<number[]> } {
    const child = fork(childScript, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    cleanups.push(() => child.kill());
    let resolveReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (resolveReady = resolve));
    const done = new Promise<number[]>((resolve, reject) => {
      child.on('message', (message: { type: string; changed?: number[] }) => {
        if (message.type === 'ready') resolveReady();
        if (message.type === 'done') resolve(message.changed ?? []);
      });
      child.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`child exited with ${code}`))));
    });
    child.send(job);
    return { child, ready, done };
  }

  it('four responders pressing at once on 40 alerts: each alert has exactly one outcome and one audit row', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const path = join(dir.path, 'shared.sqlite');
    const { store, alertIds } = await storeWithPostedAlerts(40, { path });

    const presses: Array<{ userId: string; action: AlertAction }> = [
      { userId: 'U0ALICE01', action: 'acknowledge' },
      { userId: 'U0BOB0001', action: 'acknowledge' },
      { userId: 'U0CAROL01', action: 'acknowledge' },
      { userId: 'U0DAVE001', action: 'acknowledge' },
    ];
    // Each starts from a different place in the list, so they collide on different alerts.
    const children = presses.map((press, index) => startChild({ path, ...press, alertIds: [...alertIds.slice(index * 10), ...alertIds.slice(0, index * 10)] }));
    await Promise.all(children.map((child) => child.ready));
    for (const { child } of children) child.send('go');
    const changedPerChild = await Promise.all(children.map((child) => child.done));

    const allChanged = changedPerChild.flat().sort((left, right) => left - right);
    expect(allChanged).toEqual([...alertIds].sort((left, right) => left - right));
    for (const alertId of alertIds) {
      const audit = await store.listAudit(alertId);
      expect(audit).toHaveLength(1);
      const alert = (await store.getAlert(alertId))!;
      expect(alert.state).toBe('acknowledged');
      // The recorded outcome is the press that won, consistently in the alert and its audit row.
      expect(alert.stateBy).toBe(audit[0]?.userId);
      expect(changedPerChild[presses.findIndex((press) => press.userId === alert.stateBy)]).toContain(alertId);
      expect((await store.listOutbox({ alertId })).filter((row) => row.kind === 'alert-update')).toHaveLength(1);
    }
  });
});
