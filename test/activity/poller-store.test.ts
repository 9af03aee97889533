// The poller through the real seam: fake CloudTrail (real SDK over HTTP) -> poller -> SQLite store.
// A restart is a new poller on the same store file: it resumes from the stored cursors and alerts nothing twice.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../src/aws/index.js';
import { createLogger } from '../../src/log.js';
import { createPoller } from '../../src/activity/index.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.js';
import { FAKE_CREDENTIALS, hardenedAccount, startFakeAws, type CloudTrailRecord, type FakeAws } from '../fakes/aws/index.js';

const ACCOUNT = '123456789012';

/** A failed root console sign-in (real record format; failures still carry the full root identity). */
function failedRootSignIn(eventTime: Date): CloudTrailRecord {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: '' } as CloudTrailRecord['userIdentity'],
    eventTime: eventTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.44',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    errorMessage: 'Failed authentication',
    requestParameters: null,
    responseElements: { ConsoleLogin: 'Failure' },
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'No' },
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
  };
}

let fake: FakeAws;
let clients: AwsClients;
let dataDir: string;
let now = new Date('2026-11-28T03:20:00.000Z');

beforeAll(async () => {
  fake = await startFakeAws({ state: hardenedAccount(now), now: () => now });
  clients = createAwsClients({ region: 'us-east-1', endpoint: fake.url, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
  dataDir = mkdtempSync(join(tmpdir(), 'poller-store-'));
});

afterAll(async () => {
  clients.destroy();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function pollerOn(store: SqliteStore) {
  return createPoller({
    cloudTrailFor: (region) => clients.cloudTrail(region),
    sink: store,
    accountId: ACCOUNT,
    regions: ['us-east-1'],
    logger: createLogger({ level: 'silent', secretValues: [] }),
    clock: () => now,
    overlapMinutes: 15,
    initialLookbackHours: 24,
  });
}

describe('poller into the SQLite store', () => {
  it('stores each event once across passes and restarts, and the cursor survives a restart', async () => {
    const first = failedRootSignIn(new Date('2026-11-28T03:12:00.000Z'));
    fake.addEvents('us-east-1', [first]);
    let store = openSqliteStore({ dataDir }, { clock: () => now });
    const firstPass = await pollerOn(store).pollOnce();
    expect(firstPass.regions[0]).toMatchObject({ ok: true, rootEvents: 1, inserted: 1 });
    expect(await store.readCursor(ACCOUNT, 'us-east-1')).toBe('2026-11-28T03:20:00.000Z');
    const alertsAfterFirst = (await store.listOpenAlerts()).length;
    expect(alertsAfterFirst).toBe(1);
    await store.close();

    // "Restart": a new store handle and a new poller. Two more failures show up, one of them late.
    now = new Date('2026-11-28T03:21:00.000Z');
    const late = failedRootSignIn(new Date('2026-11-28T03:18:30.000Z'));
    const fresh = failedRootSignIn(new Date('2026-11-28T03:20:40.000Z'));
    fake.addEvents('us-east-1', [late, fresh]);
    store = openSqliteStore({ dataDir }, { clock: () => now });
    const secondPass = await pollerOn(store).pollOnce();
    expect(secondPass.regions[0]?.window.startTime).toBe('2026-11-28T03:05:00.000Z');
    expect(secondPass.regions[0]).toMatchObject({ ok: true, rootEvents: 3, inserted: 2, duplicates: 1 });
    expect((await store.getEvent(first.eventID))?.rawRecord).toBe(JSON.stringify(first));
    expect(await store.getEvent(late.eventID)).not.toBeNull();
    expect(await store.getEvent(fresh.eventID)).not.toBeNull();

    // A third pass with nothing new: nothing inserted, no new alert.
    const alertsBefore = (await store.listOpenAlerts()).length;
    now = new Date('2026-11-28T03:22:00.000Z');
    const thirdPass = await pollerOn(store).pollOnce();
    expect(thirdPass.regions[0]).toMatchObject({ inserted: 0, duplicates: 3 });
    expect((await store.listOpenAlerts()).length).toBe(alertsBefore);
    await store.close();
  });
});
