import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { batch, rootEvent } from './helpers.js';

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

describe('requestEventRecord ("Show event")', () => {
  it('two presses at once queue one record; the second is told about the first', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    stores.push(store);
    await store.commitBatch(batch([rootEvent({ eventTime: '2026-11-02T03:12:00Z' })]));
    const alert = (await store.listOpenAlerts())[0]!;
    const [alice, bob] = await Promise.all([
      store.requestEventRecord(alert.id, { eventId: alert.firstEventId, requestedBy: 'U0ALICE' }),
      store.requestEventRecord(alert.id, { eventId: alert.firstEventId, requestedBy: 'U0BOB' }),
    ]);
    expect(alice).toMatchObject({ queued: true });
    expect(bob).toMatchObject({ queued: false, earlier: { kind: 'event-record', payload: { eventId: alert.firstEventId, requestedBy: 'U0ALICE' } } });
    expect((await store.listOutbox({ alertId: alert.id })).filter((row) => row.kind === 'event-record')).toHaveLength(1);
    expect(await store.requestEventRecord(alert.id + 1, { eventId: 'nope', requestedBy: 'U0BOB' })).toBeNull();
  });
});
