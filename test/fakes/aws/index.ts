// A wire-level fake of the AWS APIs aws-root-guard calls, for tests and benchmarks. The real AWS SDK v3
// clients talk to it over HTTP on 127.0.0.1 (point every client's `endpoint` at `url`):
//   - IAM and STS: AWS Query protocol (form POST Action=...&Version=..., XML answers, <ErrorResponse>)
//   - CloudTrail: AWS JSON 1.1 (X-Amz-Target CloudTrail_20131101.<Operation>, as the SDK sends it; the
//     long com.amazonaws.cloudtrail.v20131101. prefix of the API reference is accepted too)
//   - Account: REST-JSON (POST /getAlternateContact, POST /listRegions)
// The service and Region of a call come from the SigV4 Authorization header's credential scope.
//
//   const fake = await startFakeAws({ state: hardenedAccount() });
//   const clients = createAwsClients({ region: 'us-east-1', endpoint: fake.url, credentials: FAKE_CREDENTIALS });
//   fake.state = noMfa();                          // replace the account (a plain object; edit it in place too)
//   fake.faults.accessDenied('GetCredentialReport'); // or throttle / serverError / delay, { times, region }
//   fake.faults.lookupEventsRateLimit = true;      // LookupEvents: 2 requests per second per Region
//   fake.latencyMs = 50;                           // added to every call (benchmarks)
//   fake.addEvents('us-east-1', [cloudTrailRecord]); // CloudTrail event history for LookupEvents
//   fake.calls('GetCredentialReport');             // how many requests an operation got (fake.requests: all of them)
//   await fake.close();
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACCOUNT_ROUTES, accountOperations } from './account.js';
import { cloudTrailOperations } from './cloudtrail.js';
import { accessDenied, ACTION_PREFIX, AwsErrorReply, serverError, throttled, type Protocol } from './errors.js';
import { FaultPlan } from './faults.js';
import { iamOperations } from './iam.js';
import { envelopeFromRecord, type CloudTrailRecord } from './lookup-events.js';
import { hardenedAccount } from './scenarios.js';
import type { FakeAwsState, LookupEventEnvelope } from './state.js';
import { escapeXml, writeElements } from './xml.js';

export * from './credential-report-csv.js';
export * from './scenarios.js';
export type * from './state.js';
export { envelopeFromRecord, type CloudTrailRecord } from './lookup-events.js';
export { FaultPlan, type Fault, type FaultKind } from './faults.js';

/** Credentials for SDK clients pointed at the fake (it reads the scope, not the signature). */
export const FAKE_CREDENTIALS = { accessKeyId: 'AKIAFAKEAWSTESTKEY01', secretAccessKey: 'fake-secret-access-key-for-tests' };

export interface RecordedRequest {
  service: 'iam' | 'sts' | 'cloudtrail' | 'account' | 'unknown';
  operation: string;
  /** From the SigV4 credential scope. */
  region: string;
  /** Query parameters (IAM, STS) or the JSON body (CloudTrail, Account). */
  params: Record<string, unknown>;
  /** HTTP status answered; 0 when the client went away first (timeout). */
  status: number;
  /** AWS error code answered, if any. */
  errorCode: string | null;
  receivedAt: number;
}

export interface FakeAws {
  url: string;
  state: FakeAwsState;
  requests: RecordedRequest[];
  faults: FaultPlan;
  /** Added to every call before it is answered. */
  latencyMs: number;
  /** Number of requests an operation received (optionally in one Region). */
  calls(operation: string, region?: string): number;
  /** Seeds CloudTrail event history from full records (the envelope is derived as CloudTrail does). */
  addEvents(region: string, records: CloudTrailRecord[]): void;
  /** Seeds envelopes as given (e.g. a malformed CloudTrailEvent string). */
  addLookupEnvelopes(region: string, envelopes: LookupEventEnvelope[]): void;
  close(): Promise<void>;
}

export interface FakeAwsOptions {
  state?: FakeAwsState;
  /** The fake's clock (report GeneratedTime, LookupEvents' default window). */
  now?: () => Date;
  latencyMs?: number;
}

const QUERY_NAMESPACES: Record<string, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};
const STS_OPERATIONS = new Set(['GetCallerIdentity']);
const LOOKUP_EVENTS_PER_SECOND = 2;

function credentialScope(request: IncomingMessage): { region: string; service: string } | null {
  const match = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(request.headers.authorization ?? '');
  return match ? { region: match[1]!, service: match[2]! } : null;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Call {
  protocol: Protocol;
  service: RecordedRequest['service'];
  operation: string;
  params: Record<string, unknown>;
}

/** Works out protocol, service and operation the way AWS front ends do: target header, form Action, or REST path. */
function identify(request: IncomingMessage, body: string, scopeService: string | undefined): Call {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') {
    const operation = target.slice(target.lastIndexOf('.') + 1);
    let params: Record<string, unknown> = {};
    try {
      params = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      params = {};
    }
    const service = target.includes('CloudTrail_20131101') ? 'cloudtrail' : 'unknown';
    return { protocol: 'json', service, operation, params };
  }
  const path = (request.url ?? '/').split('?')[0]!;
  if (ACCOUNT_ROUTES[path]) {
    let params: Record<string, unknown> = {};
    try {
      params = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      params = {};
    }
    return { protocol: 'rest-json', service: 'account', operation: ACCOUNT_ROUTES[path], params };
  }
  const form = Object.fromEntries(new URLSearchParams(body));
  const operation = form.Action ?? '';
  const service = scopeService === 'sts' || scopeService === 'iam' ? scopeService : STS_OPERATIONS.has(operation) ? 'sts' : 'iam';
  return { protocol: 'query', service, operation, params: form };
}

export async function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  const now = options.now ?? (() => new Date());
  const faults = new FaultPlan();
  const requests: RecordedRequest[] = [];
  const lookupTimes = new Map<string, number[]>();
  let state = options.state ?? hardenedAccount(now());

  function rateLimited(region: string): boolean {
    const current = Date.now();
    const recent = (lookupTimes.get(region) ?? []).filter((time) => current - time < 1000);
    lookupTimes.set(region, recent);
    if (recent.length >= LOOKUP_EVENTS_PER_SECOND) return true;
    recent.push(current);
    return false;
  }

  function run(call: Call, region: string): object | null {
    if (call.service === 'iam' || call.service === 'sts') {
      if (call.service === 'sts') {
        if (call.operation !== 'GetCallerIdentity') throw new AwsErrorReply('InvalidAction', `Could not find operation ${call.operation} for version 2011-06-15`, 400);
        return { Arn: state.caller.arn, UserId: state.caller.userId, Account: state.accountId };
      }
      const handler = iamOperations[call.operation];
      if (!handler) throw new AwsErrorReply('InvalidAction', `Could not find operation ${call.operation} for version 2010-05-08`, 400);
      return handler({ state, params: call.params as Record<string, string>, now: now() });
    }
    if (call.service === 'cloudtrail') {
      const handler = cloudTrailOperations[call.operation];
      if (!handler) throw new AwsErrorReply('UnknownOperationException', `Unknown operation ${call.operation}`, 400);
      return handler({ state, body: call.params, region, now: now() });
    }
    if (call.service === 'account') return accountOperations[call.operation]!({ state, body: call.params });
    throw new AwsErrorReply('UnknownOperationException', 'Unknown operation', 404);
  }

  function send(response: ServerResponse, call: Call, requestId: string, status: number, payload: object | null, error: AwsErrorReply | null): void {
    if (response.destroyed || response.writableEnded) return;
    let contentType: string;
    let text: string;
    const headers: Record<string, string> = { 'x-amzn-RequestId': requestId };
    if (call.protocol === 'query') {
      const xmlns = QUERY_NAMESPACES[call.service] ?? QUERY_NAMESPACES.iam!;
      contentType = 'text/xml';
      text = error
        ? `<ErrorResponse xmlns="${xmlns}"><Error><Type>${error.faultType}</Type><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
        : `<${call.operation}Response xmlns="${xmlns}">${payload ? `<${call.operation}Result>${writeElements(payload as never)}</${call.operation}Result>` : ''}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${call.operation}Response>`;
    } else if (call.protocol === 'json') {
      contentType = 'application/x-amz-json-1.1';
      text = JSON.stringify(error ? { __type: error.code, message: error.message } : payload);
    } else {
      contentType = 'application/json';
      if (error) headers['x-amzn-ErrorType'] = error.code;
      text = JSON.stringify(error ? { message: error.message } : payload);
    }
    response.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(text)) });
    response.end(text);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const scope = credentialScope(request);
    const call = identify(request, body, scope?.service);
    const region = scope?.region ?? 'unknown';
    const record: RecordedRequest = { service: call.service, operation: call.operation, region, params: call.params, status: 0, errorCode: null, receivedAt: Date.now() };
    requests.push(record);
    const requestId = randomUUID();
    let gone = false;
    response.on('close', () => {
      gone = !response.writableFinished;
    });

    const answer = (status: number, payload: object | null, error: AwsErrorReply | null) => {
      if (gone) return;
      record.status = status;
      record.errorCode = error?.code ?? null;
      send(response, call, requestId, status, payload, error);
    };

    if (!scope) {
      answer(403, null, new AwsErrorReply(call.protocol === 'query' ? 'MissingAuthenticationToken' : 'MissingAuthenticationTokenException', 'Request is missing Authentication Token', 403));
      return;
    }
    if (fakeHandle.latencyMs > 0) await sleep(fakeHandle.latencyMs);
    let fault = faults.take(call.operation, region);
    if (fault?.kind === 'Delay') {
      await sleep(fault.delayMs ?? 0);
      fault = null;
    }
    if (gone) return;
    try {
      if (fault?.kind === 'AccessDenied') throw accessDenied(call.protocol, state.caller.arn, `${ACTION_PREFIX[call.service] ?? call.service}:${call.operation}`);
      if (fault?.kind === 'Throttling') throw throttled(call.protocol);
      if (fault?.kind === 'ServerError') throw serverError(call.protocol, call.service, fault.status ?? 500);
      if (call.operation === 'LookupEvents' && faults.lookupEventsRateLimit && rateLimited(region)) throw throttled('json');
      answer(200, run(call, region), null);
    } catch (error) {
      if (error instanceof AwsErrorReply) answer(error.status, null, error);
      else answer(500, null, new AwsErrorReply('InternalFailure', error instanceof Error ? error.message : String(error), 500));
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fakeHandle: FakeAws = {
    url: `http://127.0.0.1:${port}`,
    get state() {
      return state;
    },
    set state(next: FakeAwsState) {
      state = next;
    },
    requests,
    faults,
    latencyMs: options.latencyMs ?? 0,
    calls: (operation, inRegion) => requests.filter((recorded) => recorded.operation === operation && (!inRegion || recorded.region === inRegion)).length,
    addEvents: (inRegion, records) => {
      (state.events[inRegion] ??= []).push(...records.map(envelopeFromRecord));
    },
    addLookupEnvelopes: (inRegion, envelopes) => {
      (state.events[inRegion] ??= []).push(...envelopes);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return fakeHandle;
}
