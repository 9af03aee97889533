// `aws-root-guard classify` over the real-format fixtures, with in-memory stdin/stdout/stderr: lookup-events
// output, log files (plain, gzipped, several at once), stdin, broken records and files, and the exit codes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASSIFY_HELP, runClassifyCommand, type ClassifyCommandIo } from '../../src/commands/classify.js';
import { CLOUDTRAIL_FIXTURE_DIR, fixtureFileText, fixtureRecord } from '../fixtures/cloudtrail/load.js';

const LOOKUP_OUTPUT_PATH = `${CLOUDTRAIL_FIXTURE_DIR}inputs/lookup-events-username-root.json`;
const fixturePath = (name: string) => `${CLOUDTRAIL_FIXTURE_DIR}${name}.json`;

/** The line fields in the order the issue specifies (responders diff and grep the output). */
const LINE_FIELDS = ['eventId', 'alert', 'kind', 'severity', 'mfaUsed', 'rootOnlyTask', 'centralizedRootSession', 'eventName', 'eventTime', 'region', 'sourceIp'];

class CollectingStream extends Writable {
  text = '';
  writes = 0;
  isTTY?: boolean;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += chunk.toString('utf8');
    this.writes += 1;
    callback();
  }
}

interface Run {
  code: number;
  lines: Record<string, unknown>[];
  stdoutText: string;
  stderr: string;
}

async function classify(inputs: string[], options: { stdin?: Readable & { isTTY?: boolean }; stdout?: Writable; stderrIsTty?: boolean } = {}): Promise<Run> {
  const stdout = new CollectingStream();
  const stderr = new CollectingStream();
  if (options.stderrIsTty) stderr.isTTY = true;
  const io: ClassifyCommandIo = { stdout: options.stdout ?? stdout, stderr, stdin: options.stdin ?? Readable.from([]) };
  const code = await runClassifyCommand(inputs, io);
  const stdoutText = options.stdout instanceof CollectingStream ? options.stdout.text : stdout.text;
  const lines = stdoutText
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, lines, stdoutText, stderr: stderr.text };
}

function logFile(records: unknown[]): string {
  return JSON.stringify({ Records: records });
}

let tempDir: string;
beforeAll(() => {
  tempDir = mkdtempSync(join(tmpdir(), 'classify-command-'));
});
afterAll(() => {
  rmSync(tempDir, { recursive: true, force: true });
});

function tempFile(name: string, content: string | Buffer): string {
  const path = join(tempDir, name);
  writeFileSync(path, content);
  return path;
}

describe('classify: aws cloudtrail lookup-events output', () => {
  it('prints one line per event: the root sign-in and root API call alert, the role session named "root" does not, the cut-short CloudTrailEvent is an error line', async () => {
    const run = await classify([LOOKUP_OUTPUT_PATH]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.lines).toHaveLength(4);
    expect(run.lines[0]).toEqual({
      eventId: '6f3d1c2a-8b7e-4d51-9a0e-2c4b7d8e9f01',
      alert: true,
      kind: 'console-login-success',
      severity: 'high',
      mfaUsed: true,
      rootOnlyTask: false,
      centralizedRootSession: false,
      eventName: 'ConsoleLogin',
      eventTime: '2024-06-03T03:12:07Z',
      region: 'us-east-1',
      sourceIp: '203.0.113.7',
    });
    expect(Object.keys(run.lines[0]!)).toEqual(LINE_FIELDS);
    expect(run.lines[1]).toMatchObject({ eventId: '8f9a0b1c-2d3e-4f4a-9b5c-6d7e8f9a0b1c', alert: false, kind: 'none', severity: null, eventName: 'TerminateInstances' });
    expect(Object.keys(run.lines[1]!)).toEqual(LINE_FIELDS);
    expect(run.lines[2]).toMatchObject({ eventId: '1a2b3c4d-5e6f-4708-9192-a3b4c5d6e7f8', alert: true, kind: 'root-api-call', eventName: 'RunInstances', region: 'eu-west-1' });
    expect(Object.keys(run.lines[3]!)).toEqual(['eventId', 'alert', 'kind', 'error']);
    expect(run.lines[3]).toMatchObject({ eventId: 'c0ffee00-1111-4222-8333-444455556666', alert: false, kind: 'none' });
    expect(run.lines[3]!.error).toContain(`${LOOKUP_OUTPUT_PATH}: the CloudTrailEvent of event c0ffee00-1111-4222-8333-444455556666 is not valid JSON`);
  });
});

describe('classify: CloudTrail log files', () => {
  it('reads several {"Records":[...]} files in order, alerting on root records only', async () => {
    const run = await classify([fixturePath('root-console-login-success-no-mfa'), fixturePath('near-miss-iam-user-named-root-admin'), fixturePath('root-create-access-key-self')]);
    expect(run.code).toBe(1);
    expect(run.lines.map((line) => [line.eventName, line.alert, line.kind, line.severity, line.mfaUsed])).toEqual([
      ['ConsoleLogin', true, 'console-login-success', 'critical', false],
      ['ConsoleLogin', false, 'none', null, null],
      ['CreateAccessKey', true, 'root-credential-change', 'critical', false],
    ]);
  });

  it('recognises a centralized-root session whose AssumeRoot record is in a later file', async () => {
    const memberCall = fixturePath('centralized-root-create-login-profile'); // no sessionContext.assumedRoot: only its key tells
    const alone = await classify([memberCall]);
    expect(alone.lines[0]).toMatchObject({ eventName: 'CreateLoginProfile', alert: true, centralizedRootSession: false });

    const withManagementTrail = await classify([memberCall, fixturePath('assume-root-management-account')]);
    expect(withManagementTrail.code).toBe(1);
    expect(withManagementTrail.lines.map((line) => [line.eventName, line.alert, line.centralizedRootSession])).toEqual([
      ['CreateLoginProfile', true, true],
      ['AssumeRoot', false, false], // made by a role in the management account: never root activity
    ]);
  });

  it('recognises a centralized-root session whose AssumeRoot record is in a gzipped log file', async () => {
    const managementFile = tempFile('111111111111_CloudTrail_us-west-2_20241025T2050Z_xyz.json.gz', gzipSync(fixtureFileText('assume-root-management-account')));
    const run = await classify([fixturePath('centralized-root-create-login-profile'), managementFile]);
    expect(run.lines.map((line) => [line.eventName, line.centralizedRootSession])).toEqual([
      ['CreateLoginProfile', true],
      ['AssumeRoot', false],
    ]);
  });

  it('recognises the AssumeRoot record even when its JSON spells the event name with \\u escapes', async () => {
    // Every "AssumeRoot" (event name, notes, policy text) spelled "\u0041ssumeRoot": the same JSON values.
    const escaped = fixtureFileText('assume-root-management-account').replaceAll('AssumeRoot', '\\u0041ssumeRoot');
    expect(escaped).not.toContain('AssumeRoot');
    expect(JSON.parse(escaped)).toEqual(JSON.parse(fixtureFileText('assume-root-management-account')));
    const managementFile = tempFile('assume-root-escaped.json', escaped);
    const run = await classify([fixturePath('centralized-root-create-login-profile'), managementFile]);
    expect(run.lines[0]).toMatchObject({ eventName: 'CreateLoginProfile', centralizedRootSession: true });
  });

  it('reads a gzipped log file (.json.gz), as CloudTrail delivers them to S3', async () => {
    const records = [fixtureRecord('root-billing-close-account'), fixtureRecord('near-miss-assumed-role-session-named-root'), fixtureRecord('root-console-login-failure')];
    const gzipped = tempFile('111122223333_CloudTrail_us-east-1_20240603T0315Z_abc.json.gz', gzipSync(logFile(records)));
    const run = await classify([gzipped]);
    expect(run.code).toBe(1);
    expect(run.lines.map((line) => [line.eventId, line.alert, line.kind, line.severity, line.rootOnlyTask])).toEqual([
      [records[0]!.eventID, true, 'root-only-task', 'high', true], // closing the account: a task only root can do
      [records[1]!.eventID, false, 'none', null, false],
      [records[2]!.eventID, true, 'console-login-failure', 'high', false],
    ]);
  });

  it('prints a malformed record as an error line with its eventId and goes on with the rest', async () => {
    const noTime = { ...fixtureRecord('root-password-updated') };
    delete noTime.eventTime;
    const file = tempFile('with-broken-record.json', logFile([noTime, null, fixtureRecord('root-check-mfa')]));
    const run = await classify([file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.lines).toEqual([
      { eventId: fixtureRecord('root-password-updated').eventID, alert: false, kind: 'none', error: 'the record has no eventTime' },
      { eventId: null, alert: false, kind: 'none', error: 'the record is null' },
      expect.objectContaining({ eventId: fixtureRecord('root-check-mfa').eventID, alert: true, kind: 'root-api-call', severity: 'low' }),
    ]);
  });
});

describe('classify: stdin', () => {
  it('reads stdin when no file is named, in chunks as a pipe delivers them', async () => {
    const text = readFileSync(LOOKUP_OUTPUT_PATH);
    const chunks = [text.subarray(0, 1000), text.subarray(1000, 1001), text.subarray(1001)];
    const run = await classify([], { stdin: Readable.from(chunks) });
    expect(run.code).toBe(1);
    expect(run.lines.map((line) => line.eventId)).toEqual([
      '6f3d1c2a-8b7e-4d51-9a0e-2c4b7d8e9f01',
      '8f9a0b1c-2d3e-4f4a-9b5c-6d7e8f9a0b1c',
      '1a2b3c4d-5e6f-4708-9192-a3b4c5d6e7f8',
      'c0ffee00-1111-4222-8333-444455556666',
    ]);
    expect(run.lines[3]!.error).toContain('stdin: the CloudTrailEvent of event c0ffee00');
  });

  it('reads gzipped stdin named "-" among files, once even when "-" is named twice', async () => {
    const stdin = Readable.from([gzipSync(fixtureFileText('root-check-mfa'))]);
    const run = await classify([fixturePath('near-miss-iam-user-console-login'), '-', '-'], { stdin });
    expect(run.lines.map((line) => [line.eventId, line.alert])).toEqual([
      [fixtureRecord('near-miss-iam-user-console-login').eventID, false],
      [fixtureRecord('root-check-mfa').eventID, true],
    ]);
    expect(run.stderr).toContain('"-" (stdin) is named more than once; it is read once');
    expect(run.code).toBe(1);
  });

  it('refuses to wait on a terminal when nothing is piped in and no file is named', async () => {
    const stdin = Object.assign(Readable.from([]), { isTTY: true });
    const run = await classify([], { stdin });
    expect(run.code).toBe(2);
    expect(run.lines).toEqual([]);
    expect(run.stderr).toContain('no input: name files or pipe CloudTrail JSON into it');
    expect(run.stderr).toContain(CLASSIFY_HELP);
  });
});

describe('classify: inputs that cannot be read, and the exit code', () => {
  it('names a missing file on stderr and goes on; an alert elsewhere still makes the exit code 1', async () => {
    const missing = join(tempDir, 'no-such-trail.json');
    const run = await classify([missing, fixturePath('root-console-login-failure')]);
    expect(run.stderr).toBe(`aws-root-guard classify: ${missing}: cannot read: no such file\n`);
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toMatchObject({ alert: true, kind: 'console-login-failure' });
    expect(run.code).toBe(1);
  });

  it('exits 2 when an input could not be read and nothing alerted', async () => {
    const missing = join(tempDir, 'missing.json.gz');
    const run = await classify([fixturePath('near-miss-service-invoked-for-root'), missing]);
    expect(run.lines.map((line) => line.alert)).toEqual([false]);
    expect(run.stderr).toContain(`${missing}: cannot read: no such file`);
    expect(run.code).toBe(2);
  });

  it('exits 0 when every input was read and nothing alerted, malformed records included', async () => {
    const file = tempFile('quiet.json', logFile([fixtureRecord('near-miss-federated-user-root-issuer'), { eventID: 'e-1' }]));
    const run = await classify([file, fixturePath('near-miss-service-event-close-account-result')]);
    expect(run.lines.map((line) => [line.alert, 'error' in line])).toEqual([
      [false, false],
      [false, true],
      [false, false],
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('reports a directory, a file that is not JSON, one that is not CloudTrail, an empty one and a broken gzip on stderr, not as lines', async () => {
    const notJson = tempFile('notes.txt', 'root signed in at 03:12, see ticket');
    const notCloudTrail = tempFile('package.json', JSON.stringify({ name: 'x', version: '1.0.0' }));
    const empty = tempFile('empty.json', '');
    const brokenGzip = tempFile('cut.json.gz', gzipSync(fixtureFileText('root-check-mfa')).subarray(0, 20));
    const run = await classify([`${tempDir}/`, notJson, notCloudTrail, empty, brokenGzip]);
    expect(run.lines).toEqual([]);
    const messages = run.stderr.trimEnd().split('\n');
    expect(messages).toHaveLength(5);
    expect(messages[0]).toBe(`aws-root-guard classify: ${tempDir}/: cannot read: is a directory (pass the files in it, e.g. dir/*.json.gz)`);
    expect(messages[1]).toContain(`aws-root-guard classify: ${notJson}: not valid JSON`);
    expect(messages[2]).toContain(`aws-root-guard classify: ${notCloudTrail}: not CloudTrail input`);
    expect(messages[3]).toBe(`aws-root-guard classify: ${empty}: empty input`);
    expect(messages[4]).toContain(`aws-root-guard classify: ${brokenGzip}: looks gzipped but could not be decompressed`);
    expect(run.code).toBe(2);
  });

  it('keeps a bad line of JSON Lines as an error line: the input as a whole was read', async () => {
    const jsonLines = `${JSON.stringify(fixtureRecord('near-miss-iam-user-console-login'))}\n{"eventID": \n`;
    const run = await classify([tempFile('records.jsonl', jsonLines)]);
    expect(run.lines).toHaveLength(2);
    expect(run.lines[1]).toMatchObject({ eventId: null, alert: false, kind: 'none' });
    expect(run.lines[1]!.error).toContain('line 2: not valid JSON');
    expect(run.code).toBe(0);
  });

  it('reads a file through the injected readFile, and reports its failure with the path', async () => {
    const reads: string[] = [];
    const stdout = new CollectingStream();
    const stderr = new CollectingStream();
    const code = await runClassifyCommand(['s3/ok.json', 's3/denied.json'], {
      stdout,
      stderr,
      stdin: Readable.from([]),
      readFile: async (path) => {
        reads.push(path);
        if (path === 's3/denied.json') throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
        return Buffer.from(fixtureFileText('root-s3-delete-bucket-policy'));
      },
    });
    expect(stdout.text.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr.text).toBe('aws-root-guard classify: s3/denied.json: cannot read: permission denied\n');
    expect(reads.filter((path) => path === 's3/ok.json')).toHaveLength(1); // kept from pass 1, not read twice
    expect(code).toBe(1);
  });
});

describe('classify: output', () => {
  /** n copies of a root record and a non-root record, each with its own eventID. */
  function manyRecords(count: number): Record<string, unknown>[] {
    return Array.from({ length: count }, (_, index) => ({ ...fixtureRecord(index % 2 === 0 ? 'root-api-call-access-key' : 'near-miss-iam-user-console-login'), eventID: `event-${index}` }));
  }

  it('writes thousands of lines in chunks, in order, respecting a slow stdout', async () => {
    let received = '';
    let mostBuffered = 0;
    const slowStdout: Writable = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        // What the stream holds beyond the chunk being written: without waiting for 'drain' it would be most of the output.
        mostBuffered = Math.max(mostBuffered, slowStdout.writableLength - chunk.length);
        received += chunk.toString('utf8');
        setImmediate(callback);
      },
    });
    const file = tempFile('many.json', logFile(manyRecords(3000)));
    const stderr = new CollectingStream();
    const code = await runClassifyCommand([file], { stdout: slowStdout, stderr, stdin: Readable.from([]) });
    const lines = received.trimEnd().split('\n').map((line) => JSON.parse(line) as { eventId: string; alert: boolean });
    expect(lines).toHaveLength(3000);
    expect(lines.every((line, index) => line.eventId === `event-${index}` && line.alert === (index % 2 === 0))).toBe(true);
    expect(received.length).toBeGreaterThan(500_000);
    expect(mostBuffered).toBe(0);
    expect(code).toBe(1);
  });

  it('stops quietly when the reader goes away (EPIPE, e.g. `| head`), without throwing', async () => {
    let writes = 0;
    const closedPipe = new Writable({
      write(_chunk, _encoding, callback) {
        writes += 1;
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const files = [tempFile('big-1.json', logFile(manyRecords(2000))), tempFile('big-2.json', logFile(manyRecords(2000)))];
    const stderr = new CollectingStream();
    const code = await runClassifyCommand(files, { stdout: closedPipe, stderr, stdin: Readable.from([]) });
    expect(writes).toBe(1);
    expect(stderr.text).toBe('');
    expect(code).toBe(1); // the first chunk already held root activity
  });

  it('a CloudTrailEvent that is JSON null: its line and the malformed count name the envelope EventId, one record each', async () => {
    const path = join(tempDir, 'lookup-null.json');
    writeFileSync(path, JSON.stringify({ Events: [{ EventId: 'e-null-record', EventName: 'ConsoleLogin', Username: 'root', CloudTrailEvent: 'null' }, { EventId: 'e-root', CloudTrailEvent: JSON.stringify(fixtureRecord('root-console-login-failure')) }] }));
    const run = await classify([path], { stderrIsTty: true });
    expect(run.lines[0]).toEqual({ eventId: 'e-null-record', alert: false, kind: 'none', error: `${path}: the CloudTrailEvent of event e-null-record is JSON null, not a record` });
    expect(run.lines[1]).toMatchObject({ alert: true, kind: 'console-login-failure' });
    expect(run.stderr).toBe('aws-root-guard classify: 2 records from 1 input: 1 root activity, 1 malformed, 0 inputs unreadable\n');
    expect(run.code).toBe(1);
  });

  it('sums the sweep up on stderr when stderr is a terminal', async () => {
    const run = await classify([LOOKUP_OUTPUT_PATH, join(tempDir, 'absent.json')], { stderrIsTty: true });
    expect(run.stderr).toContain('aws-root-guard classify: 4 records from 2 inputs: 2 root activity, 1 malformed, 1 input unreadable\n');
  });
});
