// A fault front for moto server: moto models the data (SQS queues and their redrive, CloudWatch metrics) but never
// fails on purpose. The code under test points its clients at the front's URL; a call that meets a fault of the plan
// (faults.ts: AccessDenied, throttling, a 500 or 503, a delay) is answered by the front in the call's own wire
// protocol, the rest pass to moto bytes as they came. It speaks what SQS's and CloudWatch's SDK clients send: AWS
// JSON 1.0 (X-Amz-Target AmazonSQS.<Operation>, GraniteServiceVersion20100801.<Operation>) in query-compatible mode,
// where the error's Query-protocol code travels in the x-amzn-query-error header ("AccessDenied;Sender") and the SDK
// names the error by it.
//
//   const front = await startMotoFaultFront(moto.url);
//   front.faults.accessDenied('GetMetricData');                                 // every call, until cleared
//   front.faults.throttle('GetQueueAttributes', { times: 1, params: { QueueUrl: dlqUrl } });
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultPlan, type Fault } from './faults.js';
import { passToMoto, readRequestBody, serveOnLoopback } from './moto-pass.js';

export interface MotoFaultFront {
  url: string;
  faults: FaultPlan;
  /** Every JSON-protocol call the front saw, and whether a fault answered it. */
  calls: Array<{ service: string; operation: string; region: string; params: Record<string, unknown>; status: number; fault: Fault['kind'] | null }>;
  close(): Promise<void>;
}

/** The target prefix of each service's operations, and the IAM service prefix its actions carry. */
const SERVICES: Record<string, string> = { AmazonSQS: 'sqs', GraniteServiceVersion20100801: 'cloudwatch' };

interface JsonErrorReply {
  status: number;
  /** The JSON body's __type. */
  type: string;
  /** The Query-protocol code (x-amzn-query-error) and fault side. */
  queryCode: string;
  message: string;
}

/** What each service answers for a fault kind (Query codes as CloudWatch's and SQS's references list them). */
function faultReply(kind: Exclude<Fault['kind'], 'Delay'>, service: string, operation: string, status: 500 | 503 | undefined): JsonErrorReply {
  const action = `${service}:${operation}`;
  if (kind === 'AccessDenied') {
    return { status: 403, type: 'com.amazon.coral.service#AccessDeniedException', queryCode: 'AccessDenied', message: `User: arn:aws:iam::123456789012:user/aws-root-guard is not authorized to perform: ${action} because no identity-based policy allows the ${action} action` };
  }
  if (kind === 'Throttling') {
    return service === 'sqs'
      ? { status: 400, type: 'com.amazonaws.sqs#RequestThrottled', queryCode: 'RequestThrottled', message: 'Rate exceeded' }
      : { status: 400, type: 'com.amazon.coral.availability#ThrottlingException', queryCode: 'Throttling', message: 'Rate exceeded' };
  }
  if (status === 503) return { status: 503, type: 'com.amazon.coral.availability#ServiceUnavailableException', queryCode: 'ServiceUnavailable', message: 'Service is unavailable. Please try again later.' };
  return service === 'cloudwatch'
    ? { status: 500, type: 'com.amazonaws.cloudwatch#InternalServiceFault', queryCode: 'InternalServiceError', message: 'Internal service error.' }
    : { status: 500, type: 'com.amazon.coral.service#InternalFailure', queryCode: 'InternalFailure', message: 'The request processing has failed because of an unknown error, exception or failure.' };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startMotoFaultFront(motoUrl: string): Promise<MotoFaultFront> {
  const faults = new FaultPlan();
  const calls: MotoFaultFront['calls'] = [];

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readRequestBody(request);
    const target = String(request.headers['x-amz-target'] ?? '');
    const service = SERVICES[target.slice(0, target.indexOf('.'))];
    if (!service) {
      await passToMoto(motoUrl, request, body, response);
      return;
    }
    const operation = target.slice(target.indexOf('.') + 1);
    const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(request.headers.authorization ?? '')?.[1] ?? 'unknown';
    let params: Record<string, unknown> = {};
    try {
      params = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      params = {};
    }
    const call: MotoFaultFront['calls'][number] = { service, operation, region, params, status: 0, fault: null };
    calls.push(call);
    const fault = faults.take(operation, region, params);
    call.fault = fault?.kind ?? null;
    if (fault?.kind === 'Delay') await sleep(fault.delayMs ?? 0);
    if (!fault || fault.kind === 'Delay') {
      call.status = await passToMoto(motoUrl, request, body, response);
      return;
    }
    const reply = faultReply(fault.kind, service, operation, fault.status);
    const text = JSON.stringify({ __type: reply.type, message: reply.message });
    call.status = reply.status;
    response.writeHead(reply.status, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': randomUUID(),
      'x-amzn-query-error': `${reply.queryCode};${reply.status >= 500 ? 'Receiver' : 'Sender'}`,
      'content-length': String(Buffer.byteLength(text)),
    });
    response.end(text);
  }

  const served = await serveOnLoopback(handle);
  return { url: served.url, faults, calls, close: served.close };
}
