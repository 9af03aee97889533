// The CloudWatch client that reads the events queue's metrics (the age of its oldest message). SQS publishes a
// queue's metrics in the queue's own Region and account, so the client is made for the Region in the queue's URL,
// like the queue's SQS client; the SDK honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_CLOUDWATCH as everywhere.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { sdkClientConfig, type AwsClientOptions } from './clients.js';
import { queueRegion } from './sqs.js';

export function createQueueMetricsClient(options: AwsClientOptions, queueUrl: string): CloudWatchClient {
  const client = new CloudWatchClient(sdkClientConfig(options, queueRegion(queueUrl) ?? options.region));
  // Counted in the AWS error metrics like every other client.
  options.onClient?.(client);
  return client;
}
