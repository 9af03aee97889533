// A wire-level fake of the AWS APIs aws-root-guard calls, for tests and benchmarks. The real AWS SDK v3
// clients talk to it over HTTP on 127.0.0.1 (point every client's `endpoint` at `url`):
//   - IAM and STS: AWS Query protocol (form POST Action=...&Version=..., XML answers, <ErrorResponse>)
//   - CloudTrail: AWS JSON 1.1 (X-Amz-Target CloudTrail_20131101.<Operation>, as the SDK sends it; the
//     long com.amazonaws.cloudtrail.v20131101. prefix of the API reference is accepted too)
//   - Account: REST-JSON (POST /getAlternateContact, POST /listRegions)
//   - CloudFormation: AWS Query protocol too (ListStackInstances over `fake.stackSets`)
// The service and Region of a call come from the SigV4 Authorization header's credential scope.
//
//   const fake = await startFakeAws({ state: hardenedAccount() });
//   const clients = createAwsClients({ region: 'us-east-1', endpoint: fake.url, credentials: FAKE_CREDENTIALS });
//   fake.state = noMfa();                          // replace the account (a plain object; edit it in place too)
//   fake.faults.accessDenied('GetCredentialReport'); // or throttle / serverError / delay, { times, region }
//   fake.faults.lookupEventsRateLimit = true;      // LookupEvents: 2 requests per second per account and Region
//   fake.latencyMs = 50;                           // added to every call (benchmarks)
//   fake.addEvents('us-east-1', [cloudTrailRecord]); // CloudTrail event history for LookupEvents
//   fake.organization = createFakeOrganization(ACCOUNT_ID); addMember(fake.organization, { id: '210987654321' });
//                                                  // Organizations, AssumeRole into members, AssumeRoot sessions
//   fake.faults.stsRatePerSecond = 50;             // STS answers Throttling above this many requests a second
//   fake.stackSets.set('aws-root-guard-member-root-event-rules', deployedStackSet([memberId], ['us-east-1']));
//                                                  // StackSets (ListStackInstances), instances in any status
//   fake.calls('GetCredentialReport');             // how many requests an operation got (fake.requests: all of them)
//   await fake.close();
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACCOUNT_ROUTES, accountOperations } from './account.js';
import { cloudTrailOperations } from './cloudtrail.js';
import { listStackInstances, type FakeStackSet } from './cloudformation.js';
import { accessDenied, ACTION_PREFIX, AwsErrorReply, serverError, throttled, type Protocol } from './errors.js';
import { FaultPlan } from './faults.js';
import { iamOperations } from './iam.js';
import { envelopeFromRecord, type CloudTrailRecord } from './lookup-events.js';
import { assumeRole, organizationsOperation, type FakeOrganization } from './organization.js';
import type { IssuedRootSession } from './root-sessions.js';
import { hardenedAccount } from './scenarios.js';
import type { FakeAwsState, LookupEventEnvelope } from './state.js';
import { escapeXml, writeElements } from './xml.js';

export * from './credential-report-csv.js';
export * from './scenarios.js';
export type * from './state.js';
export { envelopeFromRecord, type CloudTrailRecord } from './lookup-events.js';
export { FaultPlan, type Fault, type FaultKind } from './faults.js';
export * from './organization.js';
export * from './root-sessions.js';
export { deployedStackSet, type FakeStackInstance, type FakeStackSet } from './cloudformation.js';

/** Credentials for SDK clients pointed at the fake (it reads the scope, not the signature). */
export const FAKE_CREDENTIALS = { accessKeyId: 'AKIAFAKEAWSTESTKEY01', secretAccessKey: 'fake-secret-access-key-for-tests' };

export interface RecordedRequest {
  service: 'iam' | 'sts' | 'cloudtrail' | 'account' | 'organizations' | 'cloudformation' | 'unknown';
  /** The account the call acted in (the caller's, or a member's through its role or root session). */
  accountId: string;
  /** Set for calls signed with AssumeRoot credentials. */
  rootSession?: boolean;
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
  /** The SDK's user agents, User-Agent and X-Amz-User-Agent (with `app/<AWS_SDK_UA_APP_ID>`, which tells processes apart). */
  userAgent: string;
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
  /** CloudFormation StackSets by name, in the fake's own account (ListStackInstances). */
  stackSets: Map<string, FakeStackSet>;
  /** An organization behind the fake's own account (the management account): null for a standalone account. */
  organization: FakeOrganization | null;
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
  cloudformation: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
};
const STS_OPERATIONS = new Set(['GetCallerIdentity', 'AssumeRole', 'AssumeRoot']);
const LOOKUP_EVENTS_PER_SECOND = 2;

function credentialScope(request: IncomingMessage): { accessKeyId: string; region: string; service: string } | null {
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(request.headers.authorization ?? '');
  return match ? { accessKeyId: match[1]!, region: match[2]!, service: match[3]! } : null;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Caller =
  | { kind: 'own' | 'role'; accountId: string; state: FakeAwsState; arn: string }
  | { kind: 'root'; accountId: string; state: FakeAwsState; arn: string; session: IssuedRootSession };

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
    const service = target.includes('CloudTrail_20131101') ? 'cloudtrail' : target.startsWith('AWSOrganizationsV20161128') ? 'organizations' : 'unknown';
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
  const service = scopeService === 'sts' || scopeService === 'iam' || scopeService === 'cloudformation' ? scopeService : STS_OPERATIONS.has(operation) ? 'sts' : 'iam';
  return { protocol: 'query', service, operation, params: form };
}

export async function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  const now = options.now ?? (() => new Date());
  const faults = new FaultPlan();
  const requests: RecordedRequest[] = [];
  const lookupTimes = new Map<string, number[]>();
  let state = options.state ?? hardenedAccount(now());
  let organization: FakeOrganization | null = null;
  const stackSets = new Map<string, FakeStackSet>();
  const stsTimes: number[] = [];

  function rateLimited(accountRegion: string): boolean {
    const current = Date.now();
    const recent = (lookupTimes.get(accountRegion) ?? []).filter((time) => current - time < 1000);
    lookupTimes.set(accountRegion, recent);
    if (recent.length >= LOOKUP_EVENTS_PER_SECOND) return true;
    recent.push(current);
    return false;
  }

  /** Whose account a call acts in, from the access key it was signed with: the fake's own, a member's role, a root session. */
  function callerOf(accessKeyId: string): Caller {
    const roleSession = organization?.roleSessions.get(accessKeyId);
    if (organization && roleSession) {
      const member = organization.members.get(roleSession.accountId)!;
      const [, , roleName] = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleSession.roleArn) ?? [];
      return { kind: 'role', accountId: member.id, state: member.aws, arn: `arn:aws:sts::${member.id}:assumed-role/${roleName}/aws-root-guard` };
    }
    const rootSession = organization?.rootSessions.session(accessKeyId);
    if (rootSession) return { kind: 'root', accountId: rootSession.accountId, state, arn: `arn:aws:sts::${rootSession.accountId}:root`, session: rootSession };
    return { kind: 'own', accountId: state.accountId, state, arn: state.caller.arn };
  }

  function run(call: Call, region: string, caller: Caller): object | null {
    const params = call.params as Record<string, string>;
    if (caller.kind === 'root' && call.service !== 'sts') {
      // A root session acts on the member's root user; IAM only, within its task policy.
      if (call.service !== 'iam') throw accessDenied(call.protocol, caller.arn, `${ACTION_PREFIX[call.service] ?? call.service}:${call.operation}`);
      return organization!.rootSessions.rootIam(caller.session, call.operation, params, now());
    }
    if (call.service === 'sts') {
      if (call.operation === 'GetCallerIdentity') return { Arn: caller.arn, UserId: caller.kind === 'own' ? state.caller.userId : `AROA${caller.accountId}:aws-root-guard`, Account: caller.accountId };
      if (call.operation === 'AssumeRole' && organization && caller.kind === 'own') return assumeRole(organization, params, caller.arn, now());
      if (call.operation === 'AssumeRoot' && organization && caller.kind === 'own') return organization.rootSessions.assumeRoot(params, caller.arn, now());
      if (call.operation === 'AssumeRole' || call.operation === 'AssumeRoot') throw accessDenied('query', caller.arn, `sts:${call.operation}`);
      throw new AwsErrorReply('InvalidAction', `Could not find operation ${call.operation} for version 2011-06-15`, 400);
    }
    if (call.service === 'iam') {
      const handler = iamOperations[call.operation];
      if (!handler) throw new AwsErrorReply('InvalidAction', `Could not find operation ${call.operation} for version 2010-05-08`, 400);
      return handler({ state: caller.state, params, now: now() });
    }
    if (call.service === 'cloudtrail') {
      // An opt-in Region the account has not enabled does not know its credentials.
      if (caller.state.regions.some((candidate) => candidate.RegionName === region && candidate.RegionOptStatus === 'DISABLED')) {
        throw new AwsErrorReply('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
      }
      const handler = cloudTrailOperations[call.operation];
      if (!handler) throw new AwsErrorReply('UnknownOperationException', `Unknown operation ${call.operation}`, 400);
      return handler({ state: caller.state, body: call.params, region, now: now() });
    }
    if (call.service === 'account') {
      // From the management account, AccountId names a member (trusted access for Account Management).
      const memberId = typeof call.params.AccountId === 'string' ? call.params.AccountId : null;
      if (memberId && memberId !== caller.accountId) {
        const member = caller.kind === 'own' ? organization?.members.get(memberId) : undefined;
        if (!member) throw accessDenied('rest-json', caller.arn, `account:${call.operation}`);
        return accountOperations[call.operation]!({ state: member.aws, body: call.params });
      }
      return accountOperations[call.operation]!({ state: caller.state, body: call.params });
    }
    if (call.service === 'cloudformation') {
      // The StackSets are the fake's own account's (the management account, or a delegated administrator).
      if (caller.kind !== 'own') throw accessDenied('query', caller.arn, `cloudformation:${call.operation}`);
      if (call.operation === 'ListStackInstances') return listStackInstances(stackSets, params, { accountId: caller.accountId, region });
      throw new AwsErrorReply('InvalidAction', `Could not find operation ${call.operation} for version 2010-05-15`, 400);
    }
    if (call.service === 'organizations') {
      if (!organization) throw new AwsErrorReply('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.', 400);
      if (caller.kind !== 'own') throw new AwsErrorReply('AccessDeniedException', 'You don\'t have permissions to access this resource.', 400);
      return organizationsOperation(organization, call.operation, call.params);
    }
    throw new AwsErrorReply('UnknownOperationException', 'Unknown operation', 404);
  }

  function stsThrottled(): boolean {
    const limit = faults.stsRatePerSecond;
    if (limit === null) return false;
    const current = Date.now();
    while (stsTimes.length > 0 && current - stsTimes[0]! >= 1000) stsTimes.shift();
    if (stsTimes.length >= limit) return true;
    stsTimes.push(current);
    return false;
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
    const caller = callerOf(scope?.accessKeyId ?? '');
    const record: RecordedRequest = { service: call.service, operation: call.operation, region, accountId: caller.accountId, params: call.params, status: 0, errorCode: null, receivedAt: Date.now(), userAgent: [request.headers['user-agent'], request.headers['x-amz-user-agent']].filter(Boolean).join(' ') };
    if (caller.kind === 'root') record.rootSession = true;
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
      // The quota is per account and Region.
      if (call.operation === 'LookupEvents' && faults.lookupEventsRateLimit && rateLimited(`${caller.accountId}/${region}`)) throw throttled('json');
      if (call.service === 'sts' && stsThrottled()) throw throttled('query');
      answer(200, run(call, region, caller), null);
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
    get organization() {
      return organization;
    },
    set organization(next: FakeOrganization | null) {
      organization = next;
    },
    requests,
    faults,
    stackSets,
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
