// The SQS client of the events queue: in the queue's own Region (read from its URL), with a request timeout
// longer than a long poll (ReceiveMessage may hold the request for WaitTimeSeconds = 20). The SDK's SQS client sends
// each call to the host in its QueueUrl unless an endpoint is given in code, so an endpoint set the SDK's way
// (AWS_ENDPOINT_URL_SQS or AWS_ENDPOINT_URL: a VPC endpoint, an emulator) would be skipped; here it is kept.
import { SQSClient } from '@aws-sdk/client-sqs';
import { sdkClientConfig, type AwsClientOptions } from './clients.js';

const LONG_POLL_REQUEST_TIMEOUT_MS = 30_000;

/** "https://sqs.eu-west-1.amazonaws.com/123456789012/q" or the legacy "https://eu-west-1.queue.amazonaws.com/…" -> the Region; null for other hosts (emulators). */
export function queueRegion(queueUrl: string): string | null {
  let host: string;
  try {
    host = new URL(queueUrl).hostname;
  } catch {
    return null;
  }
  return /^sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(host)?.[1] ?? /^([a-z0-9-]+)\.queue\.amazonaws\.com(\.cn)?$/.exec(host)?.[1] ?? null;
}

/** The queue's account and name from its URL's path ("/123456789012/q"); null parts where the URL has none. */
export function queueAddress(queueUrl: string): { accountId: string | null; name: string | null } {
  let segments: string[];
  try {
    segments = new URL(queueUrl).pathname.split('/').filter(Boolean);
  } catch {
    return { accountId: null, name: null };
  }
  const [accountId, name] = segments.slice(-2);
  return { accountId: accountId && /^\d{12}$/.test(accountId) ? accountId : null, name: name ?? null };
}

/**
 * The URL of another queue of the same host from its ARN ("arn:aws:sqs:eu-west-1:123456789012:q-dlq"), as a
 * RedrivePolicy names a dead-letter queue: the host (an emulator's too) is the queue's, the path the ARN's account
 * and name. Null when the ARN is not an SQS ARN or names another Region than the queue's, whose client would sign
 * for the wrong Region.
 */
export function siblingQueueUrl(queueUrl: string, queueArn: string): string | null {
  const parts = /^arn:[a-z-]+:sqs:([a-z0-9-]+):(\d{12}):([\w-]{1,80}(?:\.fifo)?)$/.exec(queueArn);
  if (!parts) return null;
  const region = queueRegion(queueUrl);
  if (region !== null && region !== parts[1]) return null;
  try {
    return `${new URL(queueUrl).origin}/${parts[2]}/${parts[3]}`;
  } catch {
    return null;
  }
}

/** The SQS endpoint set in the environment the SDK's way, or null (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS turns them off). */
export function configuredSqsEndpoint(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.trim().toLowerCase() === 'true') return null;
  return env.AWS_ENDPOINT_URL_SQS?.trim() || env.AWS_ENDPOINT_URL?.trim() || null;
}

export function createEventsQueueClient(options: AwsClientOptions, queueUrl: string, env: NodeJS.ProcessEnv = process.env): SQSClient {
  const config = sdkClientConfig({ ...options, requestTimeoutMs: Math.max(options.requestTimeoutMs ?? 0, LONG_POLL_REQUEST_TIMEOUT_MS) }, queueRegion(queueUrl) ?? options.region);
  // With an endpoint configured, the calls go there (the SDK resolves it), not to the QueueUrl's host.
  const client = new SQSClient({ ...config, ...(configuredSqsEndpoint(env) ? { useQueueUrlAsEndpoint: false } : {}) });
  // Counted in the AWS error metrics like every other client (ReceiveMessage, DeleteMessageBatch failures).
  options.onClient?.(client);
  return client;
}
