// The store keeps CloudTrail records redacted: on write, and (migration 3) the raw ones an older version kept.
import { join } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate, openSqliteStore, STORE_FILE_NAME } from '../../src/store/index.js';
import { ACCOUNT, rawRecordFor, rootEvent, tempDir } from './helpers.js';

const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEHoaCXVzLWVhc3QtMSJHMEUCIQD0EXAMPLE+0bR/9xQw2m1ZbJzQ3dGhpcyBpcyBub3QgYSB0b2tlbg==';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

/** A root GetSessionToken record whose answer carries the new credentials, as CloudTrail logs STS answers. */
function recordWithCredentials(event: ReturnType<typeof rootEvent>): string {
  const record = JSON.parse(rawRecordFor(event)) as Record<string, unknown>;
  record.responseElements = { credentials: { accessKeyId: 'ASIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET_ACCESS_KEY, sessionToken: SESSION_TOKEN, expiration: 'Jun 3, 2024, 4:12:07 PM' } };
  record.requestParameters = { note: `x-amz-security-token=${SESSION_TOKEN}` };
  return JSON.stringify(record);
}

function rawRecordsInFile(file: string): string[] {
  const db = new DatabaseConstructor(file, { readonly: true });
  try {
    return (db.prepare(`SELECT raw_record FROM root_events`).all() as Array<{ raw_record: string }>).map((row) => row.raw_record);
  } finally {
    db.close();
  }
}

describe('SQLite store: records are redacted before they are kept', () => {
  it('commitBatch writes the record without its session token or secret key, still as JSON', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const store = openSqliteStore({ dataDir: dir.path });
    const event = rootEvent({ eventName: 'GetSessionToken', eventSource: 'sts.amazonaws.com' });
    await store.commitBatch({ accountId: ACCOUNT, region: 'us-east-1', cursor: '2026-11-02T04:00:00.000Z', events: [{ event, rawRecord: recordWithCredentials(event) }], malformedCount: 0 });
    const stored = (await store.getEvent(event.eventId))?.rawRecord ?? '';
    await store.close();

    expect(JSON.parse(stored)).toMatchObject({ eventID: event.eventId, responseElements: { credentials: { secretAccessKey: '[REDACTED]', sessionToken: '[REDACTED]', expiration: 'Jun 3, 2024, 4:12:07 PM' } } });
    const onDisk = rawRecordsInFile(join(dir.path, STORE_FILE_NAME)).join('\n');
    expect(onDisk).toContain(event.eventId);
    expect(onDisk).not.toContain(SESSION_TOKEN.slice(0, 30));
    expect(onDisk).not.toContain(SECRET_ACCESS_KEY);
  });

  it('an unreadable record is kept masked too: a broken CloudTrailEvent can still hold a session token', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const broken = `{"eventID":"e-cut","responseElements":{"credentials":{"sessionToken":"${SESSION_TOKEN}","secretAccessKey":"${SECRET_ACCESS_KEY}"`;
    await store.ingestEvents({ events: [], unreadable: [{ source: 'cloudtrail-poller', recordId: 'e-cut', reason: 'Unexpected end of JSON input', body: broken }] });
    const [kept] = await store.listUnreadableRecords();
    await store.close();
    expect(kept?.body).toBe('{"eventID":"e-cut","responseElements":{"credentials":{"sessionToken":"[REDACTED]","secretAccessKey":"[REDACTED]"');
  });

  it('migration 3 redacts the records a version-2 database kept raw', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir.path, STORE_FILE_NAME);
    const event = rootEvent({ eventName: 'GetSessionToken', eventSource: 'sts.amazonaws.com' });
    const old = new DatabaseConstructor(file);
    migrate(old, file, MIGRATIONS.filter((migration) => migration.version <= 2));
    old.prepare(
      `INSERT INTO root_events (event_id, account_id, region, kind, severity, mfa_used, event_time, session_key, event_json, raw_record, first_seen_at)
       VALUES (?, ?, 'us-east-1', 'root-api-call', 'high', NULL, ?, NULL, ?, ?, ?)`,
    ).run(event.eventId, ACCOUNT, event.eventTime, JSON.stringify(event), recordWithCredentials(event), '2026-11-02T04:00:00.000Z');
    old.prepare(`INSERT INTO unreadable_records (source, record_id, reason, body, received_at) VALUES ('sqs', 'm-1', 'not JSON', ?, '2026-11-02T04:00:00.000Z')`).run(`sessionToken=${SESSION_TOKEN}`);
    old.close();
    expect(rawRecordsInFile(file).join('\n')).toContain(SESSION_TOKEN);

    const store = openSqliteStore({ dataDir: dir.path });
    expect((await store.listUnreadableRecords()).map((record) => record.body)).toEqual(['sessionToken=[REDACTED]']);
    expect(JSON.parse((await store.getEvent(event.eventId))?.rawRecord ?? '{}')).toMatchObject({ responseElements: { credentials: { sessionToken: '[REDACTED]', secretAccessKey: '[REDACTED]' } }, requestParameters: { note: 'x-amz-security-token=[REDACTED]' } });
    await store.close();
    const onDisk = rawRecordsInFile(file).join('\n');
    expect(onDisk).not.toContain(SESSION_TOKEN.slice(0, 30));
    expect(onDisk).not.toContain(SECRET_ACCESS_KEY);
  });
});
