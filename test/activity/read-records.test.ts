// Reading records from lookup-events output, CloudTrail log files (plain and gzipped) and the other
// shapes people paste, then classifying them into the classify command's lines.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { classifyReadItem, toClassifyLine } from '../../src/activity/classify-line.js';
import { readRecords, type ReadItem } from '../../src/activity/read-records.js';
import { CLOUDTRAIL_FIXTURE_DIR, fixtureFileText, fixtureRecord } from '../fixtures/cloudtrail/load.js';

const LOOKUP_OUTPUT = readFileSync(`${CLOUDTRAIL_FIXTURE_DIR}inputs/lookup-events-username-root.json`, 'utf8');

function records(items: ReadItem[]): unknown[] {
  return items.map((item) => {
    if ('error' in item) throw new Error(`unexpected error item: ${item.error}`);
    return item.record;
  });
}

function eventIds(items: ReadItem[]): unknown[] {
  return records(items).map((record) => (record as { eventID?: unknown }).eventID);
}

describe('readRecords: aws cloudtrail lookup-events output', () => {
  const items = [...readRecords(LOOKUP_OUTPUT, 'lookup.json')];

  it('parses each CloudTrailEvent string and reports the broken one with its envelope EventId', () => {
    expect(items).toHaveLength(4);
    expect(eventIds(items.slice(0, 3))).toEqual([
      '6f3d1c2a-8b7e-4d51-9a0e-2c4b7d8e9f01',
      '8f9a0b1c-2d3e-4f4a-9b5c-6d7e8f9a0b1c',
      '1a2b3c4d-5e6f-4708-9192-a3b4c5d6e7f8',
    ]);
    const broken = items[3] as { error: string; eventId: string | null };
    expect(broken.eventId).toBe('c0ffee00-1111-4222-8333-444455556666');
    expect(broken.error).toContain('lookup.json: the CloudTrailEvent of event c0ffee00-1111-4222-8333-444455556666 is not valid JSON');
  });

  it('classifies into lines: the root sign-in alerts, the role session named "root" does not, the broken record is malformed', () => {
    const lines = items.map((item) => toClassifyLine(classifyReadItem(item), 'record' in item ? item.record : undefined));
    expect(lines.map((line) => [line.eventId, line.alert, line.kind])).toEqual([
      ['6f3d1c2a-8b7e-4d51-9a0e-2c4b7d8e9f01', true, 'console-login-success'],
      ['8f9a0b1c-2d3e-4f4a-9b5c-6d7e8f9a0b1c', false, 'none'],
      ['1a2b3c4d-5e6f-4708-9192-a3b4c5d6e7f8', true, 'root-api-call'],
      ['c0ffee00-1111-4222-8333-444455556666', false, 'none'],
    ]);
    expect(lines[3]).toHaveProperty('error');
    expect(lines[1]).not.toHaveProperty('error');
  });

  it('accepts an envelope whose CloudTrailEvent is already an object, and reports one that has none', () => {
    const record = fixtureRecord('root-password-updated');
    const input = JSON.stringify({ Events: [{ EventId: 'e-object', CloudTrailEvent: record }, { EventId: 'e-missing', EventName: 'ConsoleLogin' }, 'not an envelope'] });
    const items = [...readRecords(input)];
    expect(items[0]).toEqual({ record });
    expect(items[1]).toEqual({ error: 'input: event e-missing has no CloudTrailEvent', eventId: 'e-missing' });
    expect(items[2]).toEqual({ error: 'input: an Events entry is not an object', eventId: null });
  });

  it('reports a CloudTrailEvent that is JSON null (or another non-object) with the envelope EventId, and classifies it so', () => {
    const input = JSON.stringify({ Events: [{ EventId: 'e-null', EventName: 'ConsoleLogin', CloudTrailEvent: 'null' }, { EventId: 'e-array', CloudTrailEvent: '[]' }, { EventId: 'e-number', CloudTrailEvent: '42' }] });
    const items = [...readRecords(input, 'lookup.json')];
    expect(items).toEqual([
      { error: 'lookup.json: the CloudTrailEvent of event e-null is JSON null, not a record', eventId: 'e-null' },
      { error: 'lookup.json: the CloudTrailEvent of event e-array is a JSON array, not a record', eventId: 'e-array' },
      { error: 'lookup.json: the CloudTrailEvent of event e-number is a JSON number, not a record', eventId: 'e-number' },
    ]);
    expect(toClassifyLine(classifyReadItem(items[0] as ReadItem))).toEqual({ eventId: 'e-null', alert: false, kind: 'none', error: 'lookup.json: the CloudTrailEvent of event e-null is JSON null, not a record' });
  });

  it('reads {"Events": []} as no records', () => {
    expect([...readRecords('{"Events":[]}')]).toEqual([]);
  });
});

describe('readRecords: CloudTrail log files', () => {
  const logFile = JSON.stringify({ Records: ['root-console-login-failure', 'near-miss-iam-user-console-login', 'root-s3-delete-bucket-policy'].map(fixtureRecord) });
  const expectedIds = ['a4fbbe77-91a0-4238-804a-64314184edb6', '3fcfb182-98f8-4744-bd45-10a395ab61cb', 'f8091a2b-3c4d-45e6-87f8-192a3b4c5d6e'];

  it('reads Records from text and from bytes', () => {
    expect(eventIds([...readRecords(logFile, 'a.json')])).toEqual(expectedIds);
    expect(eventIds([...readRecords(Buffer.from(logFile), 'a.json')])).toEqual(expectedIds);
  });

  it('detects gzip by its magic bytes, whatever the name', () => {
    const gzipped = gzipSync(Buffer.from(logFile));
    expect(eventIds([...readRecords(gzipped, '111122223333_CloudTrail_us-east-1_20240603T0315Z_abc.json.gz')])).toEqual(expectedIds);
    expect(eventIds([...readRecords(gzipped, 'misnamed.json')])).toEqual(expectedIds);
    // And a plain file named .gz is read as plain.
    expect(eventIds([...readRecords(Buffer.from(logFile), 'plain.json.gz')])).toEqual(expectedIds);
  });

  it('reports a corrupt gzip file as one error item', () => {
    const corrupt = Buffer.concat([gzipSync(Buffer.from(logFile)).subarray(0, 20), Buffer.from('truncated')]);
    const items = [...readRecords(corrupt, 'broken.json.gz')];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ eventId: null });
    expect((items[0] as { error: string }).error).toContain('broken.json.gz: looks gzipped but could not be decompressed');
  });

  it('passes Records elements through as they are, for the classifier to judge', () => {
    const items = [...readRecords('{"Records":[null,"x",{"eventID":"only-an-id"}]}')];
    expect(items).toEqual([{ record: null }, { record: 'x' }, { record: { eventID: 'only-an-id' } }]);
    expect(items.map((item) => classifyReadItem(item).alert === false && (classifyReadItem(item) as { reason: string }).reason)).toEqual(['malformed', 'malformed', 'malformed']);
  });

  it('reads a fixture file (with its _source keys) like any log file', () => {
    expect(eventIds([...readRecords(fixtureFileText('root-password-updated'))])).toEqual(['1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d']);
  });

  it('skips a UTF-8 byte order mark', () => {
    expect(eventIds([...readRecords(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(logFile)]))])).toEqual(expectedIds);
  });
});

describe('readRecords: other shapes', () => {
  const login = fixtureRecord('root-console-login-success-no-mfa');
  const keyCall = fixtureRecord('root-api-call-access-key');

  it('reads a bare array of records, and of envelopes', () => {
    expect(records([...readRecords(JSON.stringify([login, keyCall]))])).toEqual([login, keyCall]);
    const envelopes = [login, keyCall].map((record) => ({ EventId: record.eventID, CloudTrailEvent: JSON.stringify(record) }));
    expect(records([...readRecords(JSON.stringify(envelopes))])).toEqual([login, keyCall]);
  });

  it('reads a single record, a single envelope and an EventBridge "AWS API Call via CloudTrail" event', () => {
    expect(records([...readRecords(JSON.stringify(login))])).toEqual([login]);
    expect(records([...readRecords(JSON.stringify({ EventId: login.eventID, CloudTrailEvent: JSON.stringify(login) }))])).toEqual([login]);
    const eventBridge = { version: '0', id: '7bf73129-1428-4cd3-a780-95db273d1602', 'detail-type': 'AWS Console Sign In via CloudTrail', source: 'aws.signin', account: '111122223333', time: '2018-08-29T16:24:34Z', region: 'us-east-1', resources: [], detail: login };
    expect(records([...readRecords(JSON.stringify(eventBridge))])).toEqual([login]);
  });

  it('reads JSON Lines, reporting a broken line and going on', () => {
    const input = `${JSON.stringify(login)}\n\n{"eventID": "half\n${JSON.stringify({ EventId: 'e-2', CloudTrailEvent: JSON.stringify(keyCall) })}\n`;
    const items = [...readRecords(input, 'trail.jsonl')];
    expect(items).toHaveLength(3);
    expect(items[0]).toEqual({ record: login });
    expect(items[1]).toMatchObject({ eventId: null });
    expect((items[1] as { error: string }).error).toContain('trail.jsonl line 3: not valid JSON');
    expect(items[2]).toEqual({ record: keyCall });
  });

  it('reports input that is not JSON at all once, not once per line', () => {
    const items = [...readRecords('{\n  "Records": [\n    {"eventID": "x",\n', 'cut.json')];
    expect(items).toHaveLength(1);
    expect((items[0] as { error: string }).error).toMatch(/^cut\.json: not valid JSON: /);
  });

  it('reports JSON that is not CloudTrail input, and empty input', () => {
    expect([...readRecords('{"Items":[]}', 'other.json')]).toEqual([
      { error: 'other.json: not CloudTrail input: expected {"Events":[...]} (aws cloudtrail lookup-events) or {"Records":[...]} (a CloudTrail log file)', eventId: null },
    ]);
    expect([...readRecords('42', 'n.json')]).toHaveLength(1);
    expect([...readRecords('  \n', 'empty.json')]).toEqual([{ error: 'empty.json: empty input', eventId: null }]);
    expect([...readRecords(Buffer.alloc(0), 'empty.json')]).toEqual([{ error: 'empty.json: empty input', eventId: null }]);
  });
});
