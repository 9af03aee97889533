// The SQS client of the events queue: in the queue's own Region (read from its URL), with a request timeout
// longer than a long poll (ReceiveMessage may hold the request for WaitTimeSeconds = 20).
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

export function createEventsQueueClient(options: AwsClientOptions, queueUrl: string): SQSClient {
  const config = sdkClientConfig({ ...options, requestTimeoutMs: Math.max(options.requestTimeoutMs ?? 0, LONG_POLL_REQUEST_TIMEOUT_MS) }, queueRegion(queueUrl) ?? options.region);
  const client = new SQSClient(config);
  // Counted in the AWS error metrics like every other client (ReceiveMessage, DeleteMessageBatch failures).
  options.onClient?.(client);
  return client;
}
