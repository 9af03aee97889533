// `aws-root-guard classify [FILE|-]...`: sweeps exported CloudTrail (lookup-events output, log files, plain
// or gzipped, or stdin) for root use, offline: one JSON line per record on stdout, problems on stderr.
//
// Two passes, so a centralized-root session is recognised even when its sts:AssumeRoot record (management
// account) is in another file than the session's calls (member account): pass 1 collects the access keys
// AssumeRoot issued, pass 2 classifies and writes. Pass 1 only parses an input whose text can hold an
// AssumeRoot record (a gzipped one is decompressed to tell), so most inputs are parsed once. Inputs are kept
// between the passes, decompressed so pass 2 does not gunzip them again, up to a budget (stdin always: it
// cannot be read twice); past it, files are read again in pass 2.
//
// Exit code: 1 when any record alerted (root activity, whatever else happened: that is what a responder
// sweeps for); otherwise 2 when an input could not be read at all (missing, not JSON, not CloudTrail: the
// sweep cannot say "no root activity"); otherwise 0. A malformed record is a line with "error", not a failure.
import { readFile as readFileFromDisk } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import {
  classifyReadItem,
  collectAssumeRootAccessKeyIds,
  isGzipped,
  readRecords,
  toClassifyLine,
  type ClassifyContext,
  type ReadItem,
} from '../activity/index.js';

export const CLASSIFY_HELP = `aws-root-guard classify [FILE|-]...

Classifies CloudTrail records offline, no AWS access and no Slack: reads what \`aws cloudtrail lookup-events\`
prints ({"Events":[...]}) or CloudTrail log files as delivered to S3 ({"Records":[...]}, .json or .json.gz),
several files at once; "-" or no FILE reads stdin. Prints one JSON line per record:
  {"eventId","alert","kind","severity","mfaUsed","rootOnlyTask","centralizedRootSession","eventName","eventTime","region","sourceIp"}
A record that cannot be read prints {"eventId","alert":false,"kind":"none","error":"..."}; a file that cannot
be read is named on stderr; the rest go on. Centralized-root sessions are recognised across all the inputs.
On a terminal, a one-line summary of the sweep follows on stderr.
Example: aws-root-guard classify trail/*.json.gz | jq -c 'select(.alert)'
Exit code: 1 a record alerted (root activity), else 2 an input could not be read, else 0.`;

export interface ClassifyCommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Reads a file's bytes; the real file system by default. */
  readFile?: (path: string) => Promise<Buffer>;
}

const STDIN_INPUT = '-';
const STDIN_NAME = 'stdin';
/** Input kept between the passes (gzips decompressed), in bytes or characters. */
const KEPT_BYTES_BUDGET = 64 * 1024 * 1024;
/** Lines are written in chunks of about this size: one write per line costs more than classifying it. */
const OUTPUT_CHUNK_CHARS = 64 * 1024;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A file system error in words a responder acts on, without Node's "ENOENT: …, open 'x'" noise. */
function describeReadError(error: unknown): string {
  switch ((error as { code?: unknown } | null)?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory (pass the files in it, e.g. dir/*.json.gz)';
    default:
      return messageOf(error);
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/**
 * The input as pass 2 reads it: a gzip decompressed here, once, to its text (readRecords takes text as it is);
 * other bytes as they are. A gzip that does not decompress stays as it is, for pass 2 to report.
 */
function decompressed(bytes: Buffer): string | Buffer {
  if (!isGzipped(bytes)) return bytes;
  try {
    return gunzipSync(bytes).toString('utf8');
  } catch {
    return bytes;
  }
}

/** The input can hold an sts:AssumeRoot record: it names the event, or it uses \u escapes (which could spell the name). */
function mayHoldAssumeRoot(input: string | Buffer): boolean {
  if (typeof input === 'string') return input.includes('AssumeRoot') || input.includes('\\u');
  return !isGzipped(input) && (input.includes('AssumeRoot') || input.includes('\\u'));
}

function* recordsOf(items: Iterable<ReadItem>): Generator<unknown> {
  for (const item of items) if ('record' in item) yield item.record;
}

/**
 * stdout with chunked writes, backpressure, and a consumer that went away (`| head`) ending the sweep quietly.
 * The error listener stays for the stream's life: an EPIPE can surface after the last write returned.
 */
class LineWriter {
  private pending = '';
  private closedError: Error | null = null;
  private readonly onError = (error: Error) => {
    this.closedError = error;
  };

  constructor(private readonly stream: NodeJS.WritableStream) {
    stream.on('error', this.onError);
  }

  /** Set when stdout failed: EPIPE means the reader is gone, anything else is a real failure. */
  get error(): Error | null {
    return this.closedError;
  }

  async writeLine(line: string): Promise<void> {
    this.pending += `${line}\n`;
    if (this.pending.length >= OUTPUT_CHUNK_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0 || this.closedError !== null) return;
    const chunk = this.pending;
    this.pending = '';
    if (this.stream.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
  }
}

interface Input {
  /** The name in messages: the path as given, or "stdin". */
  name: string;
  load: () => Promise<Buffer>;
  /** false for stdin: its bytes must be kept for pass 2. */
  rereadable: boolean;
}

interface SweepCounts {
  records: number;
  alerts: number;
  malformed: number;
  failedInputs: number;
}

/** The inputs as given; "-" (or nothing) is stdin, read once however often it is named. */
function inputsFrom(paths: readonly string[], io: ClassifyCommandIo): Input[] {
  const readFile = io.readFile ?? ((path: string) => readFileFromDisk(path));
  let stdinBytes: Promise<Buffer> | null = null;
  const readStdin = () => (stdinBytes ??= readAll(io.stdin));
  const given = paths.length === 0 ? [STDIN_INPUT] : paths;
  const inputs: Input[] = [];
  let stdinNamed = false;
  for (const path of given) {
    if (path === STDIN_INPUT) {
      if (stdinNamed) {
        io.stderr.write(`aws-root-guard classify: "-" (stdin) is named more than once; it is read once\n`);
        continue;
      }
      stdinNamed = true;
      inputs.push({ name: STDIN_NAME, load: readStdin, rereadable: false });
    } else {
      inputs.push({ name: path, load: () => readFile(path), rereadable: true });
    }
  }
  return inputs;
}

/**
 * Classifies the inputs (file paths, "-" for stdin; none means stdin) and writes one JSON line per record
 * to io.stdout. Returns the exit code: 1 root activity, else 2 an input unreadable, else 0.
 */
export async function runClassifyCommand(inputPaths: string[], io: ClassifyCommandIo): Promise<number> {
  if (inputPaths.length === 0 && io.stdin.isTTY === true) {
    // Nothing piped in: waiting on the keyboard would look like a hang.
    io.stderr.write(`aws-root-guard classify: no input: name files or pipe CloudTrail JSON into it\n\n${CLASSIFY_HELP}\n`);
    return 2;
  }
  const inputs = inputsFrom(inputPaths, io);

  // Pass 1: the keys sts:AssumeRoot issued, over every input; read errors are reported in pass 2, in order.
  const keptInputs = new Map<Input, string | Buffer>();
  let keptTotal = 0;
  const assumeRootAccessKeyIds = new Set<string>();
  for (const input of inputs) {
    let content: string | Buffer;
    try {
      content = decompressed(await input.load());
    } catch {
      continue;
    }
    if (!input.rereadable || keptTotal + content.length <= KEPT_BYTES_BUDGET) {
      keptInputs.set(input, content);
      keptTotal += content.length;
    }
    if (!mayHoldAssumeRoot(content)) continue;
    for (const accessKeyId of collectAssumeRootAccessKeyIds(recordsOf(readRecords(content, input.name)))) assumeRootAccessKeyIds.add(accessKeyId);
  }
  const context: ClassifyContext = { assumeRootAccessKeyIds };

  // Pass 2: classify and write as we go.
  const output = new LineWriter(io.stdout);
  const counts: SweepCounts = { records: 0, alerts: 0, malformed: 0, failedInputs: 0 };
  for (const input of inputs) {
    if (output.error !== null) break;
    let content = keptInputs.get(input);
    keptInputs.delete(input);
    if (content === undefined) {
      try {
        content = await input.load();
      } catch (error) {
        counts.failedInputs += 1;
        io.stderr.write(`aws-root-guard classify: ${input.name}: cannot read: ${describeReadError(error)}\n`);
        continue;
      }
    }
    await classifyInput(content, input.name, context, output, counts, io.stderr);
    await output.flush();
  }

  const outputError = output.error as (Error & { code?: unknown }) | null;
  if (outputError !== null && outputError.code !== 'EPIPE') {
    io.stderr.write(`aws-root-guard classify: cannot write the output: ${outputError.message}\n`);
    counts.failedInputs += 1;
  }
  if (io.stderr.isTTY === true) {
    io.stderr.write(
      `aws-root-guard classify: ${counts.records} records from ${inputs.length} input${inputs.length === 1 ? '' : 's'}: ` +
        `${counts.alerts} root activity, ${counts.malformed} malformed, ${counts.failedInputs} input${counts.failedInputs === 1 ? '' : 's'} unreadable\n`,
    );
  }
  if (counts.alerts > 0) return 1;
  return counts.failedInputs > 0 ? 2 : 0;
}

/**
 * One input's lines. An input whose only item is an error without an event id (not JSON, not CloudTrail,
 * empty, not decompressible) could not be read at all: stderr, not a line. An error item inside an input
 * that has others (a broken CloudTrailEvent, a bad JSON Lines line) is a record-level "error" line.
 */
async function classifyInput(content: string | Buffer, name: string, context: ClassifyContext, output: LineWriter, counts: SweepCounts, stderr: NodeJS.WritableStream): Promise<void> {
  const items = readRecords(content, name);
  const first = items.next();
  if (first.done) return;
  let item: ReadItem = first.value;
  if ('error' in item && item.eventId === null) {
    const second = items.next();
    if (second.done) {
      counts.failedInputs += 1;
      stderr.write(`aws-root-guard classify: ${item.error}\n`);
      return;
    }
    await writeItem(item, context, output, counts);
    item = second.value;
  }
  await writeItem(item, context, output, counts);
  for (const next of items) {
    if (output.error !== null) return;
    await writeItem(next, context, output, counts);
  }
}

async function writeItem(item: ReadItem, context: ClassifyContext, output: LineWriter, counts: SweepCounts): Promise<void> {
  const record = 'record' in item ? item.record : undefined;
  const classification = classifyReadItem(item, context);
  counts.records += 1;
  if (classification.alert) counts.alerts += 1;
  else if (classification.reason === 'malformed') counts.malformed += 1;
  await output.writeLine(JSON.stringify(toClassifyLine(classification, record)));
}
