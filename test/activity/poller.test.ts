// The poller against the wire-level fake CloudTrail, driven by the real @aws-sdk/client-cloudtrail over HTTP.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../src/aws/index.js';
import { createLogger, type Logger } from '../../src/log.js';
import type { IngestedRootEvent } from '../../src/activity/ingest.js';
import type { CommitResult, PollBatch, PollSink } from '../../src/activity/poll-sink.js';
import { createPoller, type PollerOptions } from '../../src/activity/poller.js';
import { RateLimiterRegistry } from '../../src/activity/rate-limiter.js';
import { FAKE_CREDENTIALS, hardenedAccount, startFakeAws, type CloudTrailRecord, type FakeAws } from '../fakes/aws/index.js';

// --- CloudTrail records in the real format (CloudTrail user guide: record contents, console sign-in examples) ---

const ACCOUNT = '123456789012';
const FIREFOX = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:120.0) Gecko/20100101 Firefox/120.0';

function cloudTrailTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function rootIdentity(accessKeyId: string, alias?: string): CloudTrailRecord['userIdentity'] {
  // For an account with an alias, root sign-in records carry the alias as userName.
  return { type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId, ...(alias ? { userName: alias } : {}) } as CloudTrailRecord['userIdentity'];
}

/** A console sign-in; root ones are always recorded in us-east-1. */
function consoleLogin(eventTime: Date, identity: CloudTrailRecord['userIdentity'], mfa = false): CloudTrailRecord {
  return {
    eventVersion: '1.08',
    userIdentity: identity,
    eventTime: cloudTrailTime(eventTime),
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    userAgent: FIREFOX,
    requestParameters: null,
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true', MobileVersion: 'No', MFAUsed: mfa ? 'Yes' : 'No' },
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'signin.aws.amazon.com' },
  };
}

const rootConsoleLogin = (eventTime: Date, alias?: string) => consoleLogin(eventTime, rootIdentity('', alias));
const iamUserConsoleLogin = (eventTime: Date) =>
  consoleLogin(eventTime, { type: 'IAMUser', principalId: 'AIDACKCEVSQ6C2EXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice' } as CloudTrailRecord['userIdentity'], true);

/** A root API call made with the root user's access key. */
function rootApiCall(eventTime: Date, region: string, eventName = 'DescribeInstances'): CloudTrailRecord {
  return {
    eventVersion: '1.09',
    userIdentity: rootIdentity('AKIAIOSFODNN7EXAMPLE'),
    eventTime: cloudTrailTime(eventTime),
    eventSource: 'ec2.amazonaws.com',
    eventName,
    awsRegion: region,
    sourceIPAddress: '198.51.100.23',
    userAgent: 'aws-cli/2.15.0 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.6 cfg/retry-mode#standard',
    requestParameters: { instancesSet: {}, filterSet: {} },
    responseElements: null,
    requestID: randomUUID(),
    eventID: randomUUID(),
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
  };
}

const minutesBefore = (time: Date, minutes: number) => new Date(time.getTime() - minutes * 60_000);

// --- an in-memory PollSink that dedupes by eventId and keeps cursors, as the store does ---

class MemorySink implements PollSink {
  readonly events = new Map<string, IngestedRootEvent>();
  readonly cursors = new Map<string, string>();
  readonly batches: PollBatch[] = [];
  failCommitsFor: string | null = null;

  async readCursor(accountId: string, region: string): Promise<string | null> {
    return this.cursors.get(`${accountId}/${region}`) ?? null;
  }

  async commitBatch(batch: PollBatch): Promise<CommitResult> {
    if (batch.region === this.failCommitsFor) throw new Error('SQLITE_BUSY: database is locked');
    this.batches.push(batch);
    let inserted = 0;
    let duplicates = 0;
    for (const polled of batch.events) {
      if (this.events.has(polled.event.eventId)) duplicates += 1;
      else {
        this.events.set(polled.event.eventId, polled);
        inserted += 1;
      }
    }
    this.cursors.set(`${batch.accountId}/${batch.region}`, batch.cursor);
    return { inserted, duplicates };
  }
}

function captureLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const written: string[] = [];
  const logger = createLogger({ level: 'debug', secretValues: [], destination: { write: (line: string) => void written.push(line) } });
  return { logger, lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

// --- the wire ---

let fake: FakeAws;
let clients: AwsClients;
let now: Date;

beforeAll(async () => {
  fake = await startFakeAws({ now: () => now });
  // maxAttempts 1: every retry goes through the poller's limiter and backoff, none hides inside the SDK.
  clients = createAwsClients({ region: 'us-east-1', endpoint: fake.url, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
});

afterAll(async () => {
  clients.destroy();
  await fake.close();
});

beforeEach(() => {
  now = new Date('2026-11-28T12:00:00.000Z');
  fake.state = hardenedAccount(now);
  fake.faults.clear();
  fake.requests.length = 0;
});

function pollerFor(sink: PollSink, overrides: Partial<PollerOptions> = {}) {
  return createPoller({
    cloudTrailFor: (region) => clients.cloudTrail(region),
    sink,
    accountId: ACCOUNT,
    regions: ['us-east-1', 'eu-west-1'],
    logger: createLogger({ level: 'silent', secretValues: [] }),
    clock: () => now,
    overlapMinutes: 15,
    initialLookbackHours: 24,
    backoff: { baseMs: 100, capMs: 1000 },
    ...overrides,
  });
}

function lookupRequests(region?: string) {
  return fake.requests.filter((request) => request.operation === 'LookupEvents' && (!region || request.region === region));
}

describe('poller: paging and the 2 TPS quota', () => {
  it('reads 180 root events in 4 pages of at most 50, and commits them once with the pass end as cursor', async () => {
    fake.addEvents('eu-west-1', Array.from({ length: 180 }, (_, index) => rootApiCall(minutesBefore(now, 1 + index), 'eu-west-1')));
    const sink = new MemorySink();
    const pass = await pollerFor(sink).pollOnce();

    const euWest = pass.regions.find((region) => region.region === 'eu-west-1');
    expect(euWest).toMatchObject({ ok: true, pages: 4, eventsRead: 180, rootEvents: 180, inserted: 180, duplicates: 0, malformed: 0, error: null });
    expect(lookupRequests('eu-west-1').map((request) => (request.params.LookupAttributes as unknown[])[0])).toEqual(Array(4).fill({ AttributeKey: 'Username', AttributeValue: 'root' }));
    expect(lookupRequests('eu-west-1').every((request) => request.params.MaxResults === 50)).toBe(true);
    expect(sink.events.size).toBe(180);
    expect(sink.cursors.get(`${ACCOUNT}/eu-west-1`)).toBe(now.toISOString());
    // us-east-1: the Username lookup and the sign-in lookup, one (empty) page each.
    expect(lookupRequests('us-east-1').map((request) => (request.params.LookupAttributes as Array<{ AttributeKey: string }>)[0]?.AttributeKey)).toEqual(['Username', 'EventSource']);
    expect(pass.totals).toMatchObject({ pages: 6, rootEvents: 180, inserted: 180, failedRegions: 0 });
  });

  it('stays under 2 requests per second per Region, so the fake enforcing the quota never throttles it', async () => {
    fake.faults.lookupEventsRateLimit = true;
    fake.addEvents('us-east-1', Array.from({ length: 120 }, (_, index) => rootApiCall(minutesBefore(now, 1 + index), 'us-east-1')));
    fake.addEvents('us-east-1', [rootConsoleLogin(minutesBefore(now, 3))]);
    const sink = new MemorySink();
    const pass = await pollerFor(sink, { regions: ['us-east-1'] }).pollOnce();

    const requests = lookupRequests('us-east-1');
    expect(requests.length).toBe(4); // 3 pages of root events, 1 page of sign-ins
    expect(requests.filter((request) => request.errorCode === 'ThrottlingException')).toEqual([]);
    for (const [index, request] of requests.entries()) {
      const inOneSecond = requests.filter((other) => other.receivedAt >= request.receivedAt && other.receivedAt < request.receivedAt + 1000);
      expect(inOneSecond.length, `requests in the second after request ${index}`).toBeLessThanOrEqual(2);
    }
    expect(pass.regions[0]).toMatchObject({ ok: true, rootEvents: 121, throttleRetries: 0 });
  });

  it('spaces requests from when they really left: one held up in the SDK before its socket does not bring the next closer', async () => {
    fake.faults.lookupEventsRateLimit = true;
    fake.addEvents('us-west-2', Array.from({ length: 120 }, (_, index) => rootApiCall(minutesBefore(now, 1 + index), 'us-west-2')));
    const sink = new MemorySink();
    // A Region of its own: the fake's quota counts every earlier request of the account-Region.
    // The first request spends 400 ms between send() and its socket, as it may on a loaded event loop (the SDK's
    // awaits through serialization, credentials and signing). Spaced from its slot, the next would follow it by
    // 125 ms and the third make three in a second.
    let sent = 0;
    clients.cloudTrail('us-west-2').middlewareStack.add(
      (next) => async (args) => {
        if (sent++ === 0) await new Promise((resolve) => setTimeout(resolve, 400));
        return next(args);
      },
      { step: 'build', name: 'heldUpBeforeTheSocket' },
    );
    const pass = await pollerFor(sink, { regions: ['us-west-2'] }).pollOnce();

    const requests = lookupRequests('us-west-2');
    expect(requests.map((request) => request.errorCode)).toEqual([null, null, null]);
    const gaps = requests.slice(1).map((request, index) => request.receivedAt - requests[index]!.receivedAt);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(500);
    expect(pass.regions[0]).toMatchObject({ ok: true, rootEvents: 120, throttleRetries: 0 });
  });

  it('backs off on ThrottlingException, retries the same page, and still reads everything', async () => {
    fake.faults.lookupEventsRateLimit = true;
    fake.faults.throttle('LookupEvents', { times: 3, region: 'eu-west-1' });
    fake.addEvents('eu-west-1', Array.from({ length: 120 }, (_, index) => rootApiCall(minutesBefore(now, 1 + index), 'eu-west-1')));
    const sink = new MemorySink();
    const pass = await pollerFor(sink, { regions: ['eu-west-1'] }).pollOnce();

    expect(pass.regions[0]).toMatchObject({ ok: true, pages: 3, rootEvents: 120, inserted: 120, throttleRetries: 3 });
    const requests = lookupRequests('eu-west-1');
    expect(requests.map((request) => request.errorCode)).toEqual(['ThrottlingException', 'ThrottlingException', 'ThrottlingException', null, null, null]);
    // The retried page is the same page: the first successful request carries no NextToken.
    expect(requests[3]?.params.NextToken).toBeUndefined();
  });

  it('recovers when its own pace is too fast for the quota (the fake throttles past 2 TPS)', async () => {
    fake.faults.lookupEventsRateLimit = true;
    fake.addEvents('eu-west-1', Array.from({ length: 300 }, (_, index) => rootApiCall(minutesBefore(now, 1 + index), 'eu-west-1')));
    const sink = new MemorySink();
    // A limiter set far above the quota: CloudTrail (the fake) answers ThrottlingException and the backoff has to cope.
    const pass = await pollerFor(sink, { regions: ['eu-west-1'], limiters: new RateLimiterRegistry({ requestsPerSecond: 50 }), backoff: { baseMs: 200, capMs: 1000 } }).pollOnce();

    expect(pass.regions[0]).toMatchObject({ ok: true, pages: 6, rootEvents: 300, inserted: 300 });
    expect(pass.regions[0]?.throttleRetries).toBeGreaterThan(0);
    expect(sink.events.size).toBe(300);
  });

  it('gives a Region up for this pass after bounded retries, keeping its cursor', async () => {
    fake.faults.throttle('LookupEvents', { region: 'eu-west-1' });
    const sink = new MemorySink();
    const pass = await pollerFor(sink, { maxThrottleRetries: 2, backoff: { baseMs: 20, capMs: 50 } }).pollOnce();
    const euWest = pass.regions.find((region) => region.region === 'eu-west-1');
    expect(euWest).toMatchObject({ ok: false, throttleRetries: 2, committedCursor: null, error: { kind: 'throttled', code: 'ThrottlingException' } });
    expect(lookupRequests('eu-west-1')).toHaveLength(3);
    expect(sink.cursors.has(`${ACCOUNT}/eu-west-1`)).toBe(false);
    expect(pass.regions.find((region) => region.region === 'us-east-1')?.ok).toBe(true);
  });
});

describe('poller: windows, late events and deduplication', () => {
  it('first start reads back 24 hours, not 90 days', async () => {
    fake.addEvents('eu-west-1', [rootApiCall(new Date(now.getTime() - 23 * 3_600_000), 'eu-west-1', 'RunInstances'), rootApiCall(new Date(now.getTime() - 25 * 3_600_000), 'eu-west-1', 'TerminateInstances')]);
    const sink = new MemorySink();
    const pass = await pollerFor(sink, { regions: ['eu-west-1'] }).pollOnce();

    expect(pass.regions[0]?.window).toMatchObject({ firstStart: true, startTime: '2026-11-27T12:00:00.000Z', endTime: '2026-11-28T12:00:00.000Z' });
    expect([...sink.events.values()].map((polled) => polled.event.eventName)).toEqual(['RunInstances']);
    expect(lookupRequests('eu-west-1')[0]?.params).toMatchObject({ StartTime: (now.getTime() - 24 * 3_600_000) / 1000, EndTime: now.getTime() / 1000 });
  });

  it('catches events that show up late inside the overlap on the next pass, without duplicates', async () => {
    const sink = new MemorySink();
    const poller = pollerFor(sink, { regions: ['eu-west-1'] });
    const early = rootApiCall(minutesBefore(now, 2), 'eu-west-1', 'RunInstances');
    fake.addEvents('eu-west-1', [early]);
    const first = await poller.pollOnce();
    expect(first.regions[0]).toMatchObject({ inserted: 1, duplicates: 0, committedCursor: '2026-11-28T12:00:00.000Z' });

    // A minute later: an event stamped before the first pass's end becomes visible only now, and a new one happens.
    const passOneEnd = now;
    now = new Date(now.getTime() + 60_000);
    const late = rootApiCall(minutesBefore(passOneEnd, 1), 'eu-west-1', 'CreateKeyPair');
    const fresh = rootApiCall(new Date(passOneEnd.getTime() + 30_000), 'eu-west-1', 'RunInstances');
    fake.addEvents('eu-west-1', [late, fresh]);
    const second = await poller.pollOnce();

    expect(second.regions[0]?.window.startTime).toBe('2026-11-28T11:45:00.000Z');
    expect(second.regions[0]).toMatchObject({ eventsRead: 3, rootEvents: 3, inserted: 2, duplicates: 1 });
    expect([...sink.events.keys()].sort()).toEqual([early.eventID, late.eventID, fresh.eventID].sort());
    expect(sink.cursors.get(`${ACCOUNT}/eu-west-1`)).toBe('2026-11-28T12:01:00.000Z');
  });

  it('joins a pass already running instead of starting a second one', async () => {
    const poller = pollerFor(new MemorySink(), { regions: ['eu-west-1'] });
    const [one, two] = [poller.pollOnce(), poller.pollOnce()];
    expect(one).toBe(two);
    await one;
    expect(lookupRequests('eu-west-1')).toHaveLength(1);
  });
});

describe('poller: sign-ins', () => {
  it('finds a root sign-in of an account with an alias through the sign-in lookup, and lets the classifier drop IAM users', async () => {
    const aliasSignIn = rootConsoleLogin(minutesBefore(now, 5), 'example-prod');
    // LookupEvents' Username for root in an alias account is not settled: here it is the alias, not "root".
    fake.addLookupEnvelopes('us-east-1', [
      {
        EventId: aliasSignIn.eventID,
        EventName: 'ConsoleLogin',
        ReadOnly: 'false',
        EventTime: new Date(aliasSignIn.eventTime),
        EventSource: 'signin.amazonaws.com',
        Username: 'example-prod',
        Resources: [],
        CloudTrailEvent: JSON.stringify(aliasSignIn),
      },
    ]);
    const plainSignIn = rootConsoleLogin(minutesBefore(now, 4));
    fake.addEvents('us-east-1', [plainSignIn, iamUserConsoleLogin(minutesBefore(now, 3))]);
    const sink = new MemorySink();
    const pass = await pollerFor(sink, { regions: ['us-east-1'] }).pollOnce();

    // The plain root sign-in matches both lookups and is read once.
    expect(pass.regions[0]).toMatchObject({ ok: true, eventsRead: 3, rootEvents: 2, inserted: 2 });
    const aliasEvent = sink.events.get(aliasSignIn.eventID)?.event;
    expect(aliasEvent).toMatchObject({ kind: 'console-login-success', eventName: 'ConsoleLogin', region: 'us-east-1', mfaUsed: false, sourceIp: '203.0.113.7' });
    expect(sink.events.get(aliasSignIn.eventID)?.rawRecord).toBe(JSON.stringify(aliasSignIn));
    expect(sink.events.has(plainSignIn.eventID)).toBe(true);
  });

  it('asks for sign-ins only in us-east-1', async () => {
    await pollerFor(new MemorySink(), { regions: ['us-east-1', 'eu-west-1', 'us-west-2'] }).pollOnce();
    const signInLookups = lookupRequests().filter((request) => (request.params.LookupAttributes as Array<{ AttributeKey: string }>)[0]?.AttributeKey === 'EventSource');
    expect(signInLookups.map((request) => request.region)).toEqual(['us-east-1']);
    expect(signInLookups[0]?.params.LookupAttributes).toEqual([{ AttributeKey: 'EventSource', AttributeValue: 'signin.amazonaws.com' }]);
  });
});

describe('poller: failures stay in their Region', () => {
  let optedOut: Server;
  let optedOutUrl: string;

  beforeAll(async () => {
    // A Region that is not enabled for the account does not know its credentials: CloudTrail answers
    // UnrecognizedClientException (JSON 1.1 error shape) to every call there.
    optedOut = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const body = JSON.stringify({ __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
        response.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomUUID() });
        response.end(body);
      });
    });
    await new Promise<void>((resolve) => optedOut.listen(0, '127.0.0.1', resolve));
    optedOutUrl = `http://127.0.0.1:${(optedOut.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => optedOut.close(() => resolve()));
  });

  let optedOutClients: AwsClients | null = null;
  afterEach(() => {
    optedOutClients?.destroy();
    optedOutClients = null;
  });

  it('reports a Region answering AccessDenied, naming cloudtrail:LookupEvents, while the others are read', async () => {
    fake.faults.accessDenied('LookupEvents', { region: 'eu-west-1' });
    fake.addEvents('us-west-2', [rootApiCall(minutesBefore(now, 10), 'us-west-2')]);
    fake.addEvents('us-east-1', [rootConsoleLogin(minutesBefore(now, 10))]);
    const sink = new MemorySink();
    const { logger, lines } = captureLogger();
    const pass = await pollerFor(sink, { regions: ['us-east-1', 'eu-west-1', 'us-west-2'], logger }).pollOnce();

    const byRegion = Object.fromEntries(pass.regions.map((region) => [region.region, region]));
    expect(byRegion['eu-west-1']).toMatchObject({ ok: false, committedCursor: null, error: { kind: 'access-denied', code: 'AccessDeniedException' } });
    expect(byRegion['eu-west-1']?.error?.message).toContain('cloudtrail:LookupEvents');
    expect(byRegion['us-east-1']).toMatchObject({ ok: true, inserted: 1 });
    expect(byRegion['us-west-2']).toMatchObject({ ok: true, inserted: 1 });
    expect(pass.totals.failedRegions).toBe(1);
    expect(sink.cursors.has(`${ACCOUNT}/eu-west-1`)).toBe(false);
    const logged = lines().find((line) => line.region === 'eu-west-1' && line.level === 50);
    expect(String(logged?.msg)).toContain('allow the IAM action cloudtrail:LookupEvents');
  });

  it('reports an opted-out Region (UnrecognizedClientException) and reads the rest', async () => {
    optedOutClients = createAwsClients({ region: 'af-south-1', endpoint: optedOutUrl, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
    const outClients = optedOutClients;
    fake.addEvents('eu-west-1', [rootApiCall(minutesBefore(now, 10), 'eu-west-1')]);
    const sink = new MemorySink();
    const pass = await pollerFor(sink, {
      regions: ['us-east-1', 'af-south-1', 'eu-west-1'],
      cloudTrailFor: (region) => (region === 'af-south-1' ? outClients.cloudTrail(region) : clients.cloudTrail(region)),
    }).pollOnce();

    const afSouth = pass.regions.find((region) => region.region === 'af-south-1');
    expect(afSouth).toMatchObject({ ok: false, error: { kind: 'region-not-enabled', code: 'UnrecognizedClientException' } });
    expect(afSouth?.error?.message).toMatch(/not enabled.*AWS_REGIONS/);
    expect(pass.regions.find((region) => region.region === 'eu-west-1')).toMatchObject({ ok: true, inserted: 1 });
  });

  it('commits what a Region read before it failed, with its cursor kept, so the freshest events still alert', async () => {
    fake.addEvents('eu-west-1', Array.from({ length: 70 }, (_, index) => rootApiCall(minutesBefore(now, 1 + index), 'eu-west-1')));
    const sink = new MemorySink();
    const stored = '2026-11-28T11:00:00.000Z';
    sink.cursors.set(`${ACCOUNT}/eu-west-1`, stored);
    const real = clients.cloudTrail('eu-west-1');
    // After the first page, CloudTrail starts refusing this Region.
    const failingAfterFirstPage = {
      send: (async (command: never) => {
        const page = await real.send(command);
        fake.faults.accessDenied('LookupEvents', { region: 'eu-west-1' });
        return page;
      }) as typeof real.send,
    };
    const pass = await pollerFor(sink, { regions: ['eu-west-1'], cloudTrailFor: () => failingAfterFirstPage }).pollOnce();

    expect(pass.regions[0]).toMatchObject({ ok: false, pages: 1, rootEvents: 50, inserted: 50, committedCursor: stored, error: { kind: 'access-denied' } });
    expect(sink.cursors.get(`${ACCOUNT}/eu-west-1`)).toBe(stored);
    // Marked as a failed read: the store does not count it as the Region read (readiness).
    expect(sink.batches.map((batch) => batch.regionFailed)).toEqual([true]);
  });

  it('skips and counts malformed CloudTrailEvent records, never crashes', async () => {
    const good = rootApiCall(minutesBefore(now, 3), 'eu-west-1');
    fake.addEvents('eu-west-1', [good]);
    fake.addLookupEnvelopes('eu-west-1', [
      { EventId: randomUUID(), EventName: 'DescribeInstances', ReadOnly: 'true', EventTime: minutesBefore(now, 4), EventSource: 'ec2.amazonaws.com', Username: 'root', CloudTrailEvent: '{"eventVersion":"1.09","userIdentity":{"type":"Root",' },
      { EventId: randomUUID(), EventName: 'DescribeInstances', ReadOnly: 'true', EventTime: minutesBefore(now, 5), EventSource: 'ec2.amazonaws.com', Username: 'root', CloudTrailEvent: '' },
    ]);
    const sink = new MemorySink();
    const { logger, lines } = captureLogger();
    const pass = await pollerFor(sink, { regions: ['eu-west-1'], logger }).pollOnce();

    expect(pass.regions[0]).toMatchObject({ ok: true, eventsRead: 3, rootEvents: 1, malformed: 2, inserted: 1 });
    expect(sink.batches[0]?.malformedCount).toBe(2);
    expect(sink.batches[0]?.regionFailed).toBeUndefined();
    expect(sink.events.has(good.eventID)).toBe(true);
    expect(lines().filter((line) => String(line.msg).includes('could not be read'))).toHaveLength(2);
  });

  it('reports a store that cannot commit as that Region\'s failure', async () => {
    const sink = new MemorySink();
    sink.failCommitsFor = 'eu-west-1';
    fake.addEvents('eu-west-1', [rootApiCall(minutesBefore(now, 3), 'eu-west-1')]);
    const pass = await pollerFor(sink).pollOnce();
    expect(pass.regions.find((region) => region.region === 'eu-west-1')).toMatchObject({ ok: false, rootEvents: 1, inserted: 0, error: { kind: 'store-failed' } });
    expect(pass.regions.find((region) => region.region === 'us-east-1')?.ok).toBe(true);
  });
});
