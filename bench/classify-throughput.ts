// Classify throughput over 100,000 CloudTrail records (a trail's realistic mix: ~90% IAM users, roles and
// services, the rest root sign-ins, root API calls, root credential changes, root-only tasks, IAM access changes
// and logging turned off, and a few malformed), held as JSON strings as they come out of a log file. Baseline: JSON.parse alone of the same
// strings; candidate: JSON.parse + classifyRecord. Same run, alternating repetitions, medians.
// Goal: candidate records/s >= 0.7 of the baseline's. Also timed, for information: the whole `classify`
// command line (parse, classify, toClassifyLine, JSON.stringify).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { classifyRecord, collectAssumeRootAccessKeyIds, toClassifyLine, type ClassifyContext } from '../src/activity/index.js';
import { fixtureRecord } from '../test/fixtures/cloudtrail/load.js';
import { median } from './stats.js';

const RECORD_COUNT = 100_000;
const REPETITIONS = 7;
const GOAL = 0.7;
const ACCOUNT = '111122223333';
const REGIONS = ['us-east-1', 'us-east-1', 'us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const CLI_USER_AGENT = 'aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off';
const SDK_USER_AGENT = 'aws-sdk-js/3.637.0 ua/2.1 os/linux#5.10.225-213.878.amzn2.x86_64 lang/js md/nodejs#20.17.0 api/ec2#3.637.0 m/E,N';

type CloudTrailRecord = Record<string, unknown>;

/** Deterministic so every run measures the same input (mulberry32). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** Management calls roles and users make all day, with request parameters of their real shape. */
const EVERYDAY_CALLS: Array<{ eventSource: string; eventName: string; readOnly: boolean; requestParameters: unknown }> = [
  { eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', readOnly: true, requestParameters: { instancesSet: {}, filterSet: { items: [{ name: 'tag:Environment', valueSet: { items: [{ value: 'prod' }] } }] } } },
  { eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity', readOnly: true, requestParameters: null },
  { eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', readOnly: true, requestParameters: { Host: 's3.us-east-1.amazonaws.com' } },
  { eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', readOnly: true, requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: { PARAMETER_ARN: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/prod/db-password` } } },
  { eventSource: 'ssm.amazonaws.com', eventName: 'GetParameters', readOnly: true, requestParameters: { names: ['/prod/db-password', '/prod/api-key'], withDecryption: true } },
  { eventSource: 'logs.amazonaws.com', eventName: 'CreateLogStream', readOnly: false, requestParameters: { logGroupName: '/aws/lambda/orders-api', logStreamName: '2024/06/03/[$LATEST]0123456789abcdef0123456789abcdef' } },
  { eventSource: 'ec2.amazonaws.com', eventName: 'TerminateInstances', readOnly: false, requestParameters: { instancesSet: { items: [{ instanceId: 'i-0abc1234def567890' }] } } },
  { eventSource: 'iam.amazonaws.com', eventName: 'GetRole', readOnly: true, requestParameters: { roleName: 'orders-api-task' } },
  { eventSource: 'lambda.amazonaws.com', eventName: 'UpdateFunctionCode20150331v2', readOnly: false, requestParameters: { functionName: 'orders-api', publish: true, dryRun: false } },
  { eventSource: 'cloudformation.amazonaws.com', eventName: 'DescribeStacks', readOnly: true, requestParameters: { stackName: 'orders-api-prod' } },
];

function hex(random: () => number, length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) text += Math.floor(random() * 16).toString(16);
  return text;
}

function uuid(random: () => number): string {
  return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function assumedRoleCall(random: () => number): CloudTrailRecord {
  const call = pick(random, EVERYDAY_CALLS);
  const role = pick(random, ['OpsAdmin', 'orders-api-task', 'github-actions-deploy', 'AWSReservedSSO_ReadOnly_0123456789abcdef']);
  const session = pick(random, ['alice@example.com', 'i-0abc1234def567890', 'GitHubActions', '1717380000000']);
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAIDPPEZS35WEXAMPLE:${session}`,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`,
      accountId: ACCOUNT,
      accessKeyId: `ASIA${hex(random, 16).toUpperCase()}`,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAIDPPEZS35WEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, accountId: ACCOUNT, userName: role },
        webIdFederationData: {},
        attributes: { creationDate: '2024-06-03T07:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    eventSource: call.eventSource,
    eventName: call.eventName,
    userAgent: random() < 0.5 ? CLI_USER_AGENT : SDK_USER_AGENT,
    requestParameters: call.requestParameters,
    responseElements: null,
    readOnly: call.readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: call.eventSource.replace('.amazonaws.com', '.us-east-1.amazonaws.com') },
  };
}

function iamUserCall(random: () => number): CloudTrailRecord {
  const record = assumedRoleCall(random);
  const userName = pick(random, ['alice', 'ci-deployer', 'root-admin', 'backup-agent']);
  record.userIdentity = { type: 'IAMUser', principalId: 'AIDACKCEVSQ6C2EXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`, accountId: ACCOUNT, accessKeyId: `AKIA${hex(random, 16).toUpperCase()}`, userName };
  return record;
}

/** A service assuming a role for a function or task: type AWSService, invokedBy set. */
function serviceAssumeRole(random: () => number): CloudTrailRecord {
  const service = pick(random, ['lambda.amazonaws.com', 'ecs-tasks.amazonaws.com', 'ec2.amazonaws.com']);
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'AWSService', invokedBy: service },
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    sourceIPAddress: service,
    userAgent: service,
    requestParameters: { roleArn: `arn:aws:iam::${ACCOUNT}:role/orders-api-task`, roleSessionName: hex(random, 32) },
    responseElements: { credentials: { accessKeyId: `ASIA${hex(random, 16).toUpperCase()}`, sessionToken: hex(random, 120), expiration: 'Jun 3, 2024, 8:05:00 PM' } },
    readOnly: true,
    resources: [{ accountId: ACCOUNT, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${ACCOUNT}:role/orders-api-task` }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    sharedEventID: uuid(random),
    eventCategory: 'Management',
  };
}

/** The real-format fixtures, by share of the mix (the rest of 1.0 is everyday non-root calls). */
const FIXTURE_MIX: Array<[share: number, names: string[]]> = [
  [0.03, ['near-miss-iam-user-console-login', 'near-miss-iam-user-named-root-admin', 'near-miss-failed-sign-in-hidden-user-name', 'near-miss-service-invoked-for-root', 'near-miss-federated-user-root-issuer', 'near-miss-service-event-close-account-result', 'assume-root-management-account']],
  [0.05, ['root-api-call-access-key', 'root-api-call-access-denied', 'root-console-call-new-style', 'root-console-call-invokedby-signin', 'centralized-root-list-access-keys', 'root-s3-put-bucket-versioning-plain']],
  [0.02, ['root-console-login-success-no-mfa', 'root-console-login-success-alias-mfa-uppercase', 'root-console-login-failure', 'root-console-login-failure-at-mfa-step', 'root-check-mfa']],
  [0.015, ['root-create-access-key-self', 'root-deactivate-mfa-device', 'root-password-updated', 'root-billing-close-account', 'root-account-put-account-name', 'root-supportplans-start-update', 'root-s3-delete-bucket-policy', 'centralized-root-create-login-profile']],
  // IAM access changes (one parses its policy document), logging turned off, a contact change.
  [0.01, ['root-iam-attach-admin-to-created-user', 'root-iam-put-user-policy-allow-all', 'root-iam-create-user', 'root-cloudtrail-stop-logging', 'root-cloudtrail-put-event-selectors-no-management', 'root-account-put-alternate-contact']],
];
const MALFORMED_SHARE = 0.004;
const UNPARSABLE_SHARE = 0.001;

/** One record of a broken kind: missing fields, wrong types, a time that is not one. */
function malformedRecord(random: () => number, base: CloudTrailRecord): unknown {
  switch (Math.floor(random() * 4)) {
    case 0:
      return { ...base, eventTime: undefined };
    case 1:
      return { ...base, userIdentity: null };
    case 2:
      return { ...base, eventTime: 'yesterday around noon' };
    default:
      return [base];
  }
}

export function generateRecordLines(count: number, seed = 20240603): string[] {
  const random = seededRandom(seed);
  const fixtures = FIXTURE_MIX.map(([share, names]) => [share, names.map((name) => fixtureRecord(name))] as const);
  const startMs = Date.parse('2024-06-03T00:00:00Z');
  const lines: string[] = [];
  for (let index = 0; index < count; index += 1) {
    let roll = random();
    let record: CloudTrailRecord | undefined;
    for (const [share, records] of fixtures) {
      if (roll < share) {
        record = structuredClone(pick(random, records));
        break;
      }
      roll -= share;
    }
    if (record === undefined) {
      const everyday = random();
      record = everyday < 0.7 ? assumedRoleCall(random) : everyday < 0.87 ? iamUserCall(random) : serviceAssumeRole(random);
    }
    // Each record its own id, time, place and caller address, as in a real trail.
    record.eventID = uuid(random);
    record.requestID = uuid(random);
    record.eventTime = new Date(startMs + index * 850).toISOString().replace(/\.\d{3}Z$/, 'Z');
    record.awsRegion = pick(random, REGIONS);
    if (typeof record.sourceIPAddress !== 'string' || !record.sourceIPAddress.endsWith('.amazonaws.com')) record.sourceIPAddress = `198.51.100.${Math.floor(random() * 254) + 1}`;
    const fate = random();
    if (fate < UNPARSABLE_SHARE) {
      const text = JSON.stringify(record);
      lines.push(text.slice(0, Math.floor(text.length / 2))); // a record cut short: JSON.parse throws
    } else if (fate < UNPARSABLE_SHARE + MALFORMED_SHARE) {
      lines.push(JSON.stringify(malformedRecord(random, record)));
    } else {
      lines.push(JSON.stringify(record));
    }
  }
  return lines;
}

// Both loops keep what they computed in a result, so neither the parse nor the classification can be optimised away.
function parseOnly(lines: readonly string[]): number {
  let objects = 0;
  for (const line of lines) {
    try {
      const parsed = JSON.parse(line) as unknown;
      if (typeof parsed === 'object' && parsed !== null) objects += 1;
    } catch {
      // a cut-short record: both loops pay the same
    }
  }
  return objects;
}

/** Sums `measure` over every record that parses (a cut-short one is skipped, as parseOnly pays for it too). */
function sumOverParsed(lines: readonly string[], measure: (parsed: unknown) => number): number {
  let total = 0;
  for (const line of lines) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    total += measure(parsed);
  }
  return total;
}

const parseAndClassify = (lines: readonly string[], context: ClassifyContext): number => sumOverParsed(lines, (parsed) => (classifyRecord(parsed, context).alert ? 1 : 0));

const parseClassifyAndPrint = (lines: readonly string[], context: ClassifyContext): number =>
  sumOverParsed(lines, (parsed) => JSON.stringify(toClassifyLine(classifyRecord(parsed, context), parsed)).length);

/** What the input holds, by classification: shown so the mix can be judged (not timed). */
function tallyMix(lines: readonly string[], context: ClassifyContext): Map<string, number> {
  const tally = new Map<string, number>();
  for (const line of lines) {
    let label: string;
    try {
      const classification = classifyRecord(JSON.parse(line), context);
      label = classification.alert ? classification.event.kind : classification.reason;
    } catch {
      label = 'not JSON';
    }
    tally.set(label, (tally.get(label) ?? 0) + 1);
  }
  return tally;
}

function timed(task: () => number): { seconds: number; result: number } {
  const started = performance.now();
  const result = task();
  return { seconds: (performance.now() - started) / 1000, result };
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const perSecond = (rate: number) => `${Math.round(rate).toLocaleString('en-US')} records/s`;

/** A full GC, so heap figures are what is held and not garbage waiting (gc is not exposed without the flag). */
function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export async function benchClassifyThroughput(): Promise<{ ratio: number; lines: string[] }> {
  const collectGarbage = garbageCollector();
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const recordLines = generateRecordLines(RECORD_COUNT);
  const inputBytes = recordLines.reduce((total, line) => total + Buffer.byteLength(line), 0);
  collectGarbage();
  const heapWithInput = process.memoryUsage().heapUsed;

  // The command's context: keys AssumeRoot issued in the same input (one AssumeRoot record is in the mix).
  const parsedForKeys = recordLines.filter((line) => line.includes('AssumeRoot')).map((line) => JSON.parse(line) as unknown);
  const context: ClassifyContext = { assumeRootAccessKeyIds: collectAssumeRootAccessKeyIds(parsedForKeys) };

  // Warm-up (JIT) of every loop, not counted; also what the mix holds.
  const objects = parseOnly(recordLines);
  const alerts = parseAndClassify(recordLines, context);
  parseClassifyAndPrint(recordLines, context);
  const mix = [...tallyMix(recordLines, context)].sort((a, b) => b[1] - a[1]).map(([label, count]) => `${label} ${count.toLocaleString('en-US')}`);

  const baselineRates: number[] = [];
  const candidateRates: number[] = [];
  const commandRates: number[] = [];
  let peakHeap = process.memoryUsage().heapUsed;
  for (let repetition = 0; repetition < REPETITIONS; repetition += 1) {
    // Alternate the order so drift (thermal, GC pressure) falls on both sides alike.
    const order = repetition % 2 === 0 ? (['baseline', 'candidate'] as const) : (['candidate', 'baseline'] as const);
    for (const side of order) {
      if (side === 'baseline') {
        const run = timed(() => parseOnly(recordLines));
        if (run.result !== objects) throw new Error('parse-only loop saw a different input');
        baselineRates.push(RECORD_COUNT / run.seconds);
      } else {
        const run = timed(() => parseAndClassify(recordLines, context));
        if (run.result !== alerts) throw new Error('classify loop gave a different result');
        candidateRates.push(RECORD_COUNT / run.seconds);
      }
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
    commandRates.push(RECORD_COUNT / timed(() => parseClassifyAndPrint(recordLines, context)).seconds);
  }

  const baseline = median(baselineRates);
  const candidate = median(candidateRates);
  const command = median(commandRates);
  const ratio = candidate / baseline;
  collectGarbage();
  const heapAfterRuns = process.memoryUsage().heapUsed;
  return {
    ratio,
    lines: [
      `classify throughput (${RECORD_COUNT.toLocaleString('en-US')} records, ${megabytes(inputBytes)} of JSON, ${REPETITIONS} alternating runs, medians)`,
      `  mix: ${mix.join(', ')}`,
      `  JSON.parse only (baseline):      ${perSecond(baseline)}`,
      `  JSON.parse + classifyRecord:     ${perSecond(candidate)}`,
      `  + toClassifyLine + stringify:    ${perSecond(command)} (the classify command's per-record work, for information)`,
      `  heap used: ${megabytes(heapWithInput)} with the input strings held (they take ${megabytes(heapWithInput - heapBefore)}); ` +
        `${megabytes(peakHeap)} at most right after a run (garbage included); ${megabytes(heapAfterRuns)} after the runs and a GC`,
      `  ratio: ${ratio.toFixed(2)} (goal >= ${GOAL}) ${ratio >= GOAL ? 'MET' : 'NOT MET'}`,
    ],
  };
}
